// A team lead's screens (admins see the same for every team): follow-ups,
// tablets, accounts, cards and the team's activity.
import { scanChart, svFirst } from "./admin.js";
import { h, fill, t, field, select, label, labels, fmtDate, fmtDateTime, ago, today, toast, errorText, confirmAsk, busy, table, download, parseDate } from "./ui.js";

const isAdmin = (ctx) => ctx.role() === "admin";
const teamName = (ctx, id) => (ctx.teams.find((x) => x.id === id) || {}).name || "–";
const teamOptions = (ctx) => ctx.teams.map((x) => [x.id, x.name]);

// ---------------------------------------------------------------- follow-ups

export const DECISIONS = {
  report_of_concern_made: ["Orosanmälan gjord till socialtjänsten", "Report of concern made to social services"],
  police_report_made: ["Polisanmälan gjord", "Police report made"],
  referred_rk_barn: ["Hänvisad till regionkoordinator barn", "Referred to the regional coordinator for children"],
  referred_barnahus: ["Hänvisad till Barnahus", "Referred to Barnahus"],
  referred_social_services: ["Hänvisad till socialtjänsten", "Referred to social services"],
  already_known: ["Redan känt hos socialtjänsten", "Already known to social services"],
  no_action: ["Ingen åtgärd (motivera i anteckningen)", "No action (explain in the note)"],
};
// Reason codes of the child rule (package followups): role_<code>,
// assessment_<code>, action_<code>, or the name of a set field of the
// contact that has codes (indicators before schema 3; control,
// vulnerabilities from schema 3 on).
const REASON_FIELDS = {
  indicators: ["Indikatorer", "Indicators"],
  control: ["Kontrollmedel", "Means of control"],
  vulnerabilities: ["Sårbarheter", "Vulnerabilities"],
  risk_groups: ["Riskgrupp (barn)", "Risk group (child)"],
};
// FACT_SETS are the follow-up's copies of the contact's sets, shown with
// their codes' labels: why the child was flagged. indicators is the list
// of schemas 1–2, shown when an old follow-up carries it.
const FACT_SETS = ["control", "vulnerabilities", "risk_groups"];
function reasonLabel(code) {
  const m = /^(role|assessment|action)_(.+)$/.exec(code || "");
  if (m) return label(m[1] === "action" ? "actions" : m[1], m[2]);
  return REASON_FIELDS[code] ? t(...REASON_FIELDS[code]) : code;
}
const STATUS = { open: ["Ny", "New"], in_progress: ["Pågår", "In progress"], done: ["Klar", "Done"] };
const tr = (map, code) => (map[code] ? t(...map[code]) : code || "–");

function fuStatus(r) {
  return r.status || "open";
}
// fuReasons names why a follow-up was raised, the assessment first. The
// field reason "indicators" says no more than the assessment "indicators"
// ("Indikatorer finns") beside it, so it is left out then; any label that
// comes twice is named once.
function fuReasons(r) {
  let list = Array.isArray(r.reasons) ? [...r.reasons] : [];
  if (list.includes("assessment_indicators")) list = list.filter((c) => c !== "indicators");
  const rank = (c) => (c.startsWith("assessment_") ? 0 : c.startsWith("role_") ? 1 : c.startsWith("action_") ? 3 : 2);
  list.sort((a, b) => rank(a) - rank(b));
  return [...new Set(list.map(reasonLabel))].join(", ") || t("Barn", "Child");
}
// urgency: the earliest due date first (overdue ones lead), then the
// newest contact, then the newest alert.
function byUrgency(a, b) {
  const da = a.due_on || "9999", db = b.due_on || "9999";
  if (da !== db) return da < db ? -1 : 1;
  const oa = a.occurred_on || "", ob = b.occurred_on || "";
  if (oa !== ob) return oa < ob ? 1 : -1;
  return a.created < b.created ? 1 : -1;
}

// OPEN_PAGE open follow-ups are drawn at a time (each is a form), and
// CLOSED_PAGE closed ones per page of the table: an admin may have hundreds.
const OPEN_PAGE = 30;
const CLOSED_PAGE = 25;

export async function followUps(main, ctx, [openId]) {
  const admin = isAdmin(ctx);
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const team = admin ? params.get("team") || "" : "";
  const closedPage = Math.max(1, Math.floor(Number(params.get("closed"))) || 1);
  // The server filters (and the API rules restrict a lead to the own team);
  // the closed ones come one page at a time, newest decision first.
  const teamFilter = team ? ctx.pb.filter(" && team = {:team}", { team }) : "";
  const [openAll, closed] = await Promise.all([
    ctx.pb.collection("follow_ups").getFullList({ filter: 'status != "done"' + teamFilter, batch: 500 }),
    ctx.pb.collection("follow_ups").getList(closedPage, CLOSED_PAGE, { filter: 'status = "done"' + teamFilter, sort: "-decided_on,-updated" }),
  ]);
  const open = openAll.sort(byUrgency);
  const link = (over) => {
    const q = new URLSearchParams();
    if (team) q.set("team", team);
    for (const [k, v] of Object.entries(over)) if (v) q.set(k, v);
    return "#/uppfoljningar" + (q.toString() ? "?" + q : "");
  };
  // Draw the open ones a page at a time; a deep link's follow-up is always drawn.
  let shown = Math.max(OPEN_PAGE, open.findIndex((r) => r.id === openId) + 1);
  const list = h("ul", { class: "cards", id: "open-followups" });
  const more = h("button", { type: "button", class: "secondary", id: "open-more" });
  const drawOpen = (from) => {
    list.append(...open.slice(from, shown).map((r) => followUpItem(ctx, r, r.id === openId)));
    const left = open.length - shown;
    more.hidden = left <= 0;
    more.textContent = t(`Visa ${Math.min(OPEN_PAGE, left)} till (${left} kvar)`, `Show ${Math.min(OPEN_PAGE, left)} more (${left} left)`);
  };
  more.addEventListener("click", () => {
    const from = shown;
    shown += OPEN_PAGE;
    drawOpen(from);
    const next = list.children[from] && list.children[from].querySelector("summary");
    if (next) next.focus();
  });
  drawOpen(0);
  const teamIn = admin ? select({ id: "fu-team" }, [["", t("Alla team", "All teams")], ...teamOptions(ctx)], team) : null;
  const pages = Math.max(1, Math.ceil(closed.totalItems / CLOSED_PAGE));
  const first = closed.totalItems ? (closedPage - 1) * CLOSED_PAGE + 1 : 0;
  const last = (closedPage - 1) * CLOSED_PAGE + closed.items.length;
  fill(main,
    h("h1", {}, t("Uppföljningar", "Follow-ups")),
    h("p", { class: "lead-text" }, t(
      "Ett barn (under 18) med misstanke om människohandel eller exploatering har mötts. Barnet är ett möjligt brottsoffer: gör en orosanmälan och samråd med Barnahus eller regionkoordinatorn vid behov. Här syns inga personuppgifter.",
      "A child (under 18) with suspected trafficking or exploitation was met. The child is a possible victim: make a report of concern and consult Barnahus or the regional coordinator when needed. No personal data is shown here.")),
    teamIn ? h("form", { class: "row", id: "fu-team-form", onsubmit: (e) => { e.preventDefault(); location.hash = teamIn.value ? "#/uppfoljningar?team=" + encodeURIComponent(teamIn.value) : "#/uppfoljningar"; } },
      field("Team", teamIn), h("button", { type: "submit" }, t("Visa", "Show"))) : null,
    h("h2", {}, t(`Öppna (${open.length})`, `Open (${open.length})`)),
    open.length ? [list, more] : h("p", { class: "ok-box" }, t("Inga öppna uppföljningar. Bra jobbat.", "No open follow-ups.")),
    h("h2", { id: "closed-heading" }, t(`Avslutade (${closed.totalItems})`, `Closed (${closed.totalItems})`)),
    closed.items.length ? table(null,
      [t("Kontakt", "Contact"), t("Skäl", "Reason"), t("Beslut", "Decision"), t("Beslutsdatum", "Decided on"), admin ? "Team" : null].filter(Boolean),
      closed.items.map((r) => h("tr", {},
        h("td", { class: "nowrap" }, fmtDate(r.occurred_on || r.created)),
        h("td", {}, fuReasons(r)),
        h("td", {}, tr(DECISIONS, r.decision)),
        h("td", { class: "nowrap" }, fmtDate(r.decided_on || r.updated)),
        admin ? h("td", {}, teamName(ctx, r.team)) : null)), { id: "closed-followups" })
      : closed.totalItems ? h("p", {}, h("a", { href: link({}) }, t("Till de senaste avslutade", "To the latest closed ones")))
        : h("p", { class: "muted" }, t("Inga avslutade ännu.", "None closed yet.")),
    pages > 1 && closed.items.length ? h("div", { class: "pager", role: "navigation", "aria-label": t("Sidor med avslutade", "Pages of closed ones") },
      closedPage > 1 ? h("a", { href: link({ closed: closedPage - 1 }), id: "closed-prev" }, t("← Nyare", "← Newer")) : null,
      h("span", { id: "closed-range" }, t(`${first}–${last} av ${closed.totalItems}`, `${first}–${last} of ${closed.totalItems}`)),
      closedPage < pages ? h("a", { href: link({ closed: closedPage + 1 }), id: "closed-next" }, t("Äldre →", "Older →")) : null) : null);
  const target = openId && main.querySelector(`[data-id="${openId}"] summary`);
  if (target) target.focus();
  // New alerts appear by themselves while nobody is writing a decision.
  const timer = setInterval(async () => {
    if (main.querySelector("details[open]") || document.querySelector("dialog[open]")) return;
    try {
      const n = (await ctx.pb.collection("follow_ups").getList(1, 1, { filter: 'status != "done"' + teamFilter })).totalItems;
      if (n !== open.length) ctx.refresh();
    } catch { /* next time */ }
  }, 60000);
  ctx.cleanups.push(() => clearInterval(timer));
}

function followUpItem(ctx, r, expanded) {
  const facts = [
    [t("Datum", "Date"), fmtDate(r.occurred_on || r.created) + (r.daypart ? ", " + label("daypart", r.daypart) : "")],
    [t("Stadsdel", "District"), r.area ? label("area", r.area) : "–"],
    [t("Ålder", "Age"), r.age_band ? label("age_band", r.age_band) : "–"],
    [t("Roll", "Role"), r.role ? label("role", r.role) : "–"],
    [t("Bedömning", "Assessment"), r.assessment ? label("assessment", r.assessment) : "–"],
    ...FACT_SETS.map((f) => [t(...REASON_FIELDS[f]), labels(f, r[f]) || "–"]),
  ];
  // The list of schemas 1–2: only an old follow-up has it.
  const old = labels("indicators", r.indicators);
  if (old) facts.push([t("Indikatorer (äldre lista)", "Indicators (earlier list)"), old]);
  if (isAdmin(ctx)) facts.unshift(["Team", teamName(ctx, r.team)]);
  const overdue = r.due_on && r.due_on < today();
  const status = select({ id: "fu-status-" + r.id }, [["in_progress", t("Pågår", "In progress")], ["done", t("Klar – beslut fattat", "Done – decided")]], fuStatus(r) === "open" ? "done" : fuStatus(r));
  const decision = select({ id: "fu-decision-" + r.id }, [["", t("Välj beslut…", "Choose a decision…")], ...Object.keys(DECISIONS).map((k) => [k, tr(DECISIONS, k)])], r.decision || "");
  const decidedOn = h("input", { type: "date", id: "fu-date-" + r.id, value: r.decided_on ? String(r.decided_on).slice(0, 10) : today(), max: today() });
  const note = h("textarea", { id: "fu-note-" + r.id, maxlength: 500, rows: 3 }, r.note || "");
  const save = h("button", { type: "submit" }, t("Spara beslut", "Save decision"));
  const form = h("form", { class: "decision", onsubmit: (e) => {
    e.preventDefault();
    if (status.value === "done" && !decision.value) {
      toast(t("Välj ett beslut innan du markerar uppföljningen som klar.", "Choose a decision before marking the follow-up done."), "error");
      decision.focus();
      return;
    }
    busy(save, async () => {
      const body = { status: status.value, decision: decision.value, note: note.value.trim() };
      if (decision.value) body.decided_on = decidedOn.value;
      await ctx.pb.collection("follow_ups").update(r.id, body);
      toast(t("Beslutet är sparat.", "The decision is saved."));
      ctx.refresh();
    });
  } },
  field(t("Läge", "State"), status),
  field(t("Beslut", "Decision"), decision),
  field(t("Beslutsdatum", "Date of decision"), decidedOn),
  field(t("Anteckning (ingen personuppgift: inga namn, nummer eller adresser)", "Note (no personal data: no names, numbers or addresses)"), note),
  save);
  return h("li", { "data-id": r.id, class: overdue ? "urgent" : "" },
    h("details", { open: expanded || null },
      h("summary", {},
        h("span", { class: "badge " + fuStatus(r) }, tr(STATUS, fuStatus(r))), " ",
        h("strong", {}, fuReasons(r)), " · ", fmtDate(r.occurred_on || r.created), isAdmin(ctx) ? " · " + teamName(ctx, r.team) : null,
        r.due_on ? h("span", { class: overdue ? "due overdue" : "due" }, " · ", overdue ? t("Försenad, skulle vara klar ", "Overdue, due ") : t("Klar senast ", "Due "), fmtDate(r.due_on)) : null),
      h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
      form));
}

// ------------------------------------------------------------------- tablets

function deviceState(d) {
  if (!d.revoked_at) return ["active", t("I bruk", "In use")];
  if (d.revoke_mode === "returned") {
    return d.final_push_at ? ["revoked", t("Återlämnad, raderad", "Returned, wiped")] : ["pending", t("Återlämnad – väntar på sista synk", "Returned – waiting for its last sync")];
  }
  return ["revoked", t("Spärrad (borttappad)", "Revoked (lost)")];
}

export async function tablets(main, ctx) {
  const admin = isAdmin(ctx);
  const devices = await ctx.pb.collection("devices").getFullList({ sort: "label" });
  const labelIn = h("input", { id: "enroll-label", maxlength: 80, required: true, placeholder: t("t.ex. Surfplatta 4", "e.g. Tablet 4") });
  const teamIn = admin ? select({ id: "enroll-team", required: true }, [["", t("Välj team…", "Choose a team…")], ...teamOptions(ctx)], "") : null;
  const create = h("button", { type: "submit", id: "enroll-create" }, t("Skapa inskrivningskod", "Create enrollment code"));
  const result = h("div", { id: "enroll-result", "aria-live": "polite" });
  const enrollForm = h("form", { class: "card", id: "enroll-form", onsubmit: (e) => {
    e.preventDefault();
    busy(create, async () => {
      const team = admin ? teamIn.value : ctx.team();
      if (!team) { toast(t("Välj ett team.", "Choose a team."), "error"); return; }
      const enr = await ctx.pb.send("/api/field/enrollments", { method: "POST", body: { team_id: team, label: labelIn.value.trim() } });
      showEnrollment(ctx, result, enr, labelIn.value.trim());
    });
  } },
  h("h2", {}, t("Skriv in en ny surfplatta", "Enroll a new tablet")),
  field(t("Namn på surfplattan (syns i listan)", "Name of the tablet (shown in the list)"), labelIn),
  teamIn ? field("Team", teamIn) : null,
  create, result);

  const rows = devices.map((d) => {
    const [state, stateText] = deviceState(d);
    const stale = !d.revoked_at && (!d.last_seen || Date.now() - parseDate(d.last_seen) > 14 * 86400000);
    return h("tr", { "data-id": d.id },
      h("th", { scope: "row" }, d.label || t("(utan namn)", "(no name)")),
      admin ? h("td", {}, teamName(ctx, d.team)) : null,
      h("td", { class: "nowrap" }, fmtDate(d.created)),
      h("td", {}, ago(d.last_seen), stale ? h("span", { class: "warn-text" }, " – " + t("länge sedan", "long ago")) : null),
      h("td", {}, h("span", { class: "badge " + state }, stateText)),
      h("td", { class: "actions" },
        h("button", { class: "secondary small", onclick: () => renameDevice(ctx, d), "aria-label": t("Byt namn på ", "Rename ") + (d.label || "") }, t("Byt namn", "Rename")),
        d.revoked_at ? null : h("button", { class: "danger small", onclick: () => revokeDevice(ctx, d), "aria-label": t("Spärra ", "Revoke ") + (d.label || "") }, t("Spärra", "Revoke"))));
  });
  fill(main,
    h("h1", {}, t("Surfplattor", "Tablets")),
    enrollForm,
    h("h2", {}, t("Teamets surfplattor", "The team's tablets")),
    devices.length ? table(null, [t("Namn", "Name"), admin ? "Team" : null, t("Inskriven", "Enrolled"), t("Senast sedd", "Last seen"), t("Läge", "State"), t("Åtgärder", "Actions")].filter(Boolean), rows, { id: "devices", class: "stack" })
      : h("p", { class: "muted" }, t("Inga surfplattor ännu.", "No tablets yet.")));
}

function groupCode(code) {
  return code.replace(/(.{5})/g, "$1 ").trim();
}

function showEnrollment(ctx, box, enr, lbl) {
  const expires = parseDate(enr.expires_at);
  const clock = h("p", { class: "countdown", id: "enroll-countdown" });
  const status = h("p", { class: "info", id: "enroll-status", role: "status" }, t("Väntar på att surfplattan skannar koden…", "Waiting for the tablet to scan the code…"));
  fill(box, h("div", { class: "enroll" },
    h("img", { src: enr.qr_png_url, alt: t("QR-kod för inskrivning av ", "QR code to enroll ") + lbl, width: 320, height: 320, class: "qr" }),
    h("div", {},
      h("p", {}, t("Öppna kameran på surfplattan och skanna koden. Eller öppna fältappen och skriv koden:", "Open the camera on the tablet and scan the code. Or open the field app and type the code:")),
      h("p", { class: "code", id: "enroll-code", "aria-label": t("Koden: ", "The code: ") + enr.code.split("").join(" ") }, groupCode(enr.code)),
      clock, status)));
  const tick = async () => {
    const left = Math.max(0, Math.round((expires - Date.now()) / 1000));
    clock.textContent = t("Koden gäller i ", "The code is valid for ") + `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}` + t(" minuter till.", " more minutes.");
    if (left === 0) {
      stop();
      status.className = "error";
      status.textContent = t("Koden har gått ut. Skapa en ny.", "The code has expired. Create a new one.");
    }
  };
  const poll = async () => {
    try {
      const r = await ctx.pb.collection("enrollments").getOne(enr.id);
      if (r.used_at) {
        stop();
        toast(t(`Klart: ${lbl || "surfplattan"} är inskriven.`, `Done: ${lbl || "the tablet"} is enrolled.`));
        ctx.refresh();
      }
    } catch { /* try again next tick */ }
  };
  const t1 = setInterval(tick, 1000);
  const t2 = setInterval(poll, 2500);
  const stop = () => { clearInterval(t1); clearInterval(t2); };
  ctx.cleanups.push(stop);
  tick();
}

async function renameDevice(ctx, d) {
  const input = h("input", { id: "rename-input", maxlength: 80, value: d.label || "" });
  const ok = await confirmAsk(t("Byt namn på surfplattan", "Rename the tablet"), [field(t("Nytt namn", "New name"), input)], t("Spara", "Save"), false);
  if (!ok) return;
  await busy(null, async () => {
    await ctx.pb.send(`/api/console/devices/${d.id}/label`, { method: "POST", body: { label: input.value } });
    toast(t("Namnet är sparat.", "The name is saved."));
    ctx.refresh();
  });
}

async function revokeDevice(ctx, d) {
  const lost = h("input", { type: "radio", name: "mode", value: "lost", id: "mode-lost", checked: true });
  const returned = h("input", { type: "radio", name: "mode", value: "returned", id: "mode-returned" });
  const ok = await confirmAsk(t(`Spärra ${d.label || "surfplattan"}`, `Revoke ${d.label || "the tablet"}`), [
    h("fieldset", { class: "modes" }, h("legend", {}, t("Vad har hänt?", "What happened?")),
      h("div", { class: "mode" }, lost, h("label", { for: "mode-lost" }, h("strong", {}, t("Borttappad eller stulen", "Lost or stolen")),
        h("span", {}, t(" – spärras direkt. Kontakter som inte hunnit synkas från plattan går förlorade. Plattan raderar allt nästa gång den får kontakt.",
          " – blocked at once. Contacts not yet synced from the tablet are lost. The tablet erases everything the next time it is online.")))),
      h("div", { class: "mode" }, returned, h("label", { for: "mode-returned" }, h("strong", {}, t("Återlämnad", "Returned")),
        h("span", {}, t(" – plattan får skicka det som inte har synkats (inom ett dygn), sedan raderas den och spärras. Välj detta när du har plattan i handen.",
          " – the tablet may send what has not been synced (within a day), then it is wiped and blocked. Choose this when you have the tablet in hand."))))),
    t("Det går inte att ångra. Surfplattan måste skrivas in på nytt för att användas igen.", "This cannot be undone. The tablet must be enrolled again to be used."),
  ], t("Spärra surfplattan", "Revoke the tablet"));
  if (!ok) return;
  const mode = returned.checked ? "returned" : "lost";
  await busy(null, async () => {
    await ctx.pb.send(`/api/field/devices/${d.id}/revoke`, { method: "POST", body: { mode } });
    toast(mode === "returned" ? t("Spärrad. Plattan synkar en sista gång och raderas sedan.", "Revoked. The tablet syncs once more and is then wiped.")
      : t("Spärrad. Plattan raderas när den får kontakt.", "Revoked. The tablet is wiped when it is next online."));
    ctx.refresh();
  });
}

// ------------------------------------------------------------------ accounts

const ROLES = { worker: ["Fältarbetare", "Field worker"], lead: ["Teamledare", "Team lead"], analyst: ["Analytiker", "Analyst"], admin: ["Administratör", "Admin"] };

// createdAccount holds the e-mail and password of the account just created
// until the lead dismisses it (it lives only in this page's memory).
let createdAccount = null;

export async function accounts(main, ctx) {
  const admin = isAdmin(ctx);
  const users = await ctx.pb.collection("users").getFullList({ sort: "name,email" });
  const name = h("input", { id: "acc-name", required: true, maxlength: 100, autocomplete: "off" });
  const email = h("input", { id: "acc-email", type: "email", required: true, autocomplete: "off" });
  const pw = h("input", { id: "acc-password", type: "text", required: true, minlength: 10, autocomplete: "off", value: suggestPassword() });
  const roleIn = admin ? select({ id: "acc-role" }, Object.keys(ROLES).map((k) => [k, tr(ROLES, k)]), "worker") : null;
  const teamIn = admin ? select({ id: "acc-team" }, [["", t("Inget team (analytiker, administratör)", "No team (analyst, admin)")], ...teamOptions(ctx)], "") : null;
  const create = h("button", { type: "submit", id: "acc-create" }, admin ? t("Skapa konto", "Create account") : t("Skapa konto för fältarbetare", "Create a field worker account"));
  const form = h("form", { class: "card", id: "account-form", onsubmit: (e) => {
    e.preventDefault();
    busy(create, async () => {
      const body = { name: name.value.trim(), email: email.value.trim(), password: pw.value, passwordConfirm: pw.value,
        role: admin ? roleIn.value : "worker", team: admin ? teamIn.value : ctx.team(), verified: true, emailVisibility: false };
      await ctx.pb.collection("users").create(body);
      // The password that was set stays on screen until the lead dismisses
      // it: the form is refilled with a new suggestion after the refresh.
      createdAccount = { email: body.email, password: body.password };
      toast(t(`Kontot för ${body.email} är skapat.`, `The account for ${body.email} is created.`));
      ctx.refresh();
    });
  } },
  h("h2", {}, admin ? t("Nytt konto", "New account") : t("Ny fältarbetare i teamet", "New field worker in the team")),
  h("div", { class: "grid2" },
    field(t("Namn", "Name"), name),
    field(t("E-post (används för att logga in)", "E-mail (used to sign in)"), email),
    field(t("Lösenord (minst 10 tecken)", "Password (at least 10 characters)"), pw, t("Ett förslag är ifyllt. Skriv upp det och lämna det personligen.", "A suggestion is filled in. Note it and hand it over in person.")),
    roleIn ? field(t("Roll", "Role"), roleIn) : null,
    teamIn ? field("Team", teamIn) : null),
  create);

  const me = ctx.me();
  const rows = users.map((u) => {
    const mine = u.id === me.id;
    const canManage = admin || (u.role === "worker" && u.team === ctx.team());
    return h("tr", { "data-email": u.email },
      h("th", { scope: "row" }, u.name || "–"),
      h("td", {}, u.email || "–"),
      h("td", {}, tr(ROLES, u.role)),
      admin ? h("td", {}, u.team ? teamName(ctx, u.team) : "–") : null,
      h("td", {}, u.deactivated ? h("span", { class: "badge revoked" }, t("Avstängt", "Deactivated")) : h("span", { class: "badge active" }, t("Aktivt", "Active"))),
      h("td", { class: "actions" }, canManage && !mine ? [
        h("button", { class: "secondary small", onclick: () => resetPassword(ctx, u), "aria-label": t("Nytt lösenord för ", "New password for ") + u.email }, t("Nytt lösenord", "New password")),
        u.deactivated
          ? h("button", { class: "secondary small", onclick: () => setActive(ctx, u, true), "aria-label": t("Aktivera ", "Reactivate ") + u.email }, t("Aktivera", "Reactivate"))
          : h("button", { class: "danger small", onclick: () => setActive(ctx, u, false), "aria-label": t("Stäng av ", "Deactivate ") + u.email }, t("Stäng av", "Deactivate")),
      ] : mine ? t("(du)", "(you)") : "–"));
  });
  let created = null;
  if (createdAccount) {
    const ca = createdAccount;
    created = h("section", { class: "card", id: "account-created", role: "status" },
      h("p", {}, h("strong", {}, t(`Kontot för ${ca.email} är skapat.`, `The account for ${ca.email} is created.`))),
      h("p", {}, t("Lösenordet är: ", "The password is: "), h("code", { id: "created-password" }, ca.password)),
      h("p", {}, t("Skriv upp det och ge personen lösenordet på ett säkert sätt, personligen.", "Note it and give the person the password in a safe way, in person.")),
      h("button", { type: "button", class: "secondary", id: "created-dismiss", onclick: () => { createdAccount = null; created.remove(); name.focus(); } },
        t("Klart, dölj lösenordet", "Done, hide the password")));
  }
  fill(main,
    h("h1", {}, admin ? t("Konton", "Accounts") : t("Teamets konton", "The team's accounts")),
    created,
    form,
    table(null, [t("Namn", "Name"), t("E-post", "E-mail"), t("Roll", "Role"), admin ? "Team" : null, t("Läge", "State"), t("Åtgärder", "Actions")].filter(Boolean), rows, { id: "accounts", class: "stack" }));
}

// suggestPassword: four short words and two digits, plain ASCII so that
// any tablet keyboard can type it (32⁴ × 90 ≈ 94 million; sign-ins are
// rate-limited per account).
function suggestPassword() {
  const words = ["sol", "hav", "berg", "skog", "vind", "moln", "ljus", "bro", "torg", "kaj", "fyr", "ek", "lind", "gran", "bark", "strand",
    "park", "buss", "tak", "dal", "sten", "lampa", "kopp", "stol", "bok", "hatt", "kaka", "ros", "ugn", "ring", "tall", "vik"];
  const r = () => crypto.getRandomValues(new Uint32Array(1))[0];
  const pick = () => words[r() % words.length];
  return `${pick()}-${pick()}-${pick()}-${pick()}-${r() % 90 + 10}`;
}

async function resetPassword(ctx, u) {
  const input = h("input", { id: "new-password", type: "text", minlength: 10, value: suggestPassword(), autocomplete: "off" });
  const ok = await confirmAsk(t("Nytt lösenord", "New password"), [
    t(`För ${u.email}. Det gamla lösenordet slutar gälla och personen loggas ut på alla enheter.`, `For ${u.email}. The old password stops working and the person is signed out everywhere.`),
    field(t("Nytt lösenord (minst 10 tecken)", "New password (at least 10 characters)"), input),
  ], t("Byt lösenord", "Change password"), false);
  if (!ok) return;
  await busy(null, async () => {
    await ctx.pb.collection("users").update(u.id, { password: input.value, passwordConfirm: input.value });
    toast(t("Lösenordet är bytt. Lämna det nya personligen.", "The password is changed. Hand the new one over in person."));
    ctx.refresh();
  });
}

async function setActive(ctx, u, active) {
  if (!active) {
    const ok = await confirmAsk(t("Stäng av kontot", "Deactivate the account"), [
      t(`${u.name || u.email} kan inte längre logga in, och personen loggas ut direkt i fältappen och konsolen. Det som redan är registrerat finns kvar.`,
        `${u.name || u.email} can no longer sign in and is signed out at once in the field app and the console. What was already logged stays.`),
      t("Kontakter som bara finns på personens enhet och inte har synkats kommer inte fram. Be personen synka först om det går.",
        "Contacts that are only on the person's device and not synced will not arrive. Ask the person to sync first if possible."),
    ], t("Stäng av", "Deactivate"));
    if (!ok) return;
  }
  await busy(null, async () => {
    await ctx.pb.collection("users").update(u.id, { deactivated: !active });
    toast(active ? t("Kontot är aktivt igen.", "The account is active again.") : t("Kontot är avstängt.", "The account is deactivated."));
    ctx.refresh();
  });
}

// --------------------------------------------------------------------- cards

export async function cards(main, ctx) {
  const admin = isAdmin(ctx);
  const [pages, all] = await Promise.all([
    ctx.pb.collection("info_pages").getFullList({ sort: "audience,language" }).then(svFirst),
    ctx.pb.collection("info_cards").getFullList({ sort: "campaign,code" }),
  ]);
  // A page by its title, language and audience, named (not coded).
  const pageTitle = (p) => `${p.title} (${label("language", p.language)}, ${label("audience", p.audience)})`;
  const pageName = (id) => { const p = pages.find((x) => x.id === id); return p ? pageTitle(p) : "–"; };
  const pageIn = select({ id: "card-page" }, pages.map((p) => [p.id, pageTitle(p)]), pages[0] && pages[0].id);
  const campaigns = [...new Set(all.map((c) => c.campaign).filter(Boolean))].sort();
  const campaignList = h("datalist", { id: "campaigns" }, campaigns.map((c) => h("option", { value: c })));
  const campaignIn = h("input", { id: "card-campaign", list: "campaigns", maxlength: 80, required: true, placeholder: t("t.ex. Höst 2026", "e.g. Autumn 2026") });
  const countIn = h("input", { id: "card-count", type: "number", min: 1, max: 100, value: 10, required: true });
  const createBtn = h("button", { type: "submit", id: "card-create" }, t("Skapa kort", "Create cards"));
  const createForm = h("form", { class: "card", id: "card-form", onsubmit: (e) => {
    e.preventDefault();
    busy(createBtn, async () => {
      const n = Math.min(100, Math.max(1, Number(countIn.value) || 0));
      for (let i = 0; i < n; i++) {
        await ctx.pb.collection("info_cards").create({ page: pageIn.value, campaign: campaignIn.value.trim() });
      }
      toast(t(`${n} kort skapade. Skriv ut dem nedan.`, `${n} cards created. Print them below.`));
      ctx.refresh();
    });
  } },
  h("h2", {}, t("Skapa kort", "Create cards")),
  h("p", {}, t("Varje kort får en egen kod. QR-koden leder till informationssidan och räknar bara antalet skanningar.", "Each card gets its own code. The QR code opens the information page and only counts scans.")),
  h("div", { class: "grid2" }, field(t("Informationssida", "Information page"), pageIn), field(t("Kampanj", "Campaign"), campaignIn), field(t("Antal kort", "Number of cards"), countIn)),
  campaignList, createBtn);

  // Groups of page + campaign, each printable as one sheet.
  const groups = new Map();
  for (const c of all) {
    const key = c.page + "\u0000" + (c.campaign || "");
    if (!groups.has(key)) groups.set(key, { page: c.page, campaign: c.campaign || "", cards: [] });
    groups.get(key).cards.push(c);
  }
  const rows = [...groups.values()].map((g) => {
    const url = "/api/cards/sheet.pdf?codes=" + encodeURIComponent(g.cards.map((c) => c.code).join(","));
    const printed = () => toast(t("Kortarket är hämtat. Skriv ut i 100 % storlek.", "The card sheet is downloaded. Print at 100 % size."));
    const btn = h("button", { class: "small", onclick: () => busy(btn, async () => {
      try {
        await download(ctx.token(), url, "kort.pdf");
      } catch (err) {
        const wait = err && err.status === 400 && err.response && err.response.data && err.response.data.unreviewed;
        if (!wait) throw err;
        // The pages wait for a native speaker's review: say which, and
        // offer to print anyway (the server's allow_unreviewed=1).
        const anyway = await confirmAsk(t("Sidor väntar på granskning", "Pages wait for review"),
          [t(`Sidorna ${wait.message} väntar på granskning av en modersmålstalare. Texten kan innehålla fel.`, `The pages ${wait.message} wait for a native speaker's review. The text may contain mistakes.`),
            t("Vill du skriva ut korten ändå?", "Do you want to print the cards anyway?")],
          "Skriv ut ändå / Print anyway", false);
        if (!anyway) return;
        await download(ctx.token(), url + "&allow_unreviewed=1", "kort.pdf");
      }
      printed();
    }), "aria-label": t("Skriv ut kortark (PDF): ", "Print card sheet (PDF): ") + pageName(g.page) + " " + g.campaign }, t("Skriv ut kortark (PDF)", "Print card sheet (PDF)"));
    return h("tr", {},
      h("th", { scope: "row" }, pageName(g.page)),
      h("td", {}, g.campaign || "–"),
      h("td", { class: "num" }, g.cards.length),
      h("td", { class: "num" }, g.cards.reduce((s, c) => s + (c.printed || 0), 0)),
      h("td", {}, btn));
  });
  fill(main,
    h("h1", {}, t("Kort", "Cards")),
    ctx.settings && ctx.settings.loopback ? h("p", { class: "warn" }, t("Skriv inte ut kort förrän den publika adressen är satt: kort lever i åratal på gatan.", "Do not print cards until the public address is set: cards live for years on the street.")) : null,
    createForm,
    h("h2", {}, t("Kort att skriva ut", "Cards to print")),
    rows.length ? table(null, [t("Sida", "Page"), t("Kampanj", "Campaign"), t("Kort", "Cards"), t("Utskrivna", "Printed"), ""], rows, { id: "card-groups" }) : h("p", { class: "muted" }, t("Inga kort ännu.", "No cards yet.")));
  if (admin) {
    await scanChart(main, ctx, all, pageName);
  }
}

// ------------------------------------------------------------------ activity

export async function activity(main, ctx) {
  const admin = isAdmin(ctx);
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const year = Number(params.get("year")) || new Date().getFullYear();
  const team = admin ? params.get("team") || "" : ctx.team();
  const data = await ctx.pb.send(`/api/console/activity?year=${year}` + (admin && team ? `&team=${team}` : ""), {});
  const weeks = data.weeks.filter((w) => w.monday <= today());
  const yearIn = h("input", { id: "act-year", type: "number", min: 2000, max: 2100, value: year });
  const teamIn = admin ? select({ id: "act-team" }, [["", t("Alla team", "All teams")], ...teamOptions(ctx)], team) : null;
  const show = h("button", { type: "submit" }, t("Visa", "Show"));
  const total = (k) => weeks.reduce((s, w) => s + w[k], 0);
  fill(main,
    h("h1", {}, t("Teamets aktivitet", "The team's activity")),
    h("form", { class: "row", onsubmit: (e) => { e.preventDefault(); location.hash = `#/aktivitet?year=${yearIn.value}` + (teamIn && teamIn.value ? `&team=${teamIn.value}` : ""); } },
      field(t("År", "Year"), yearIn), teamIn ? field("Team", teamIn) : null, show),
    h("p", {}, t(`${year}: ${total("contacts")} kontakter och ${total("sessions")} pass hittills (bara antal, inga uppgifter om personer).`,
      `${year}: ${total("contacts")} contacts and ${total("sessions")} sessions so far (counts only, nothing about persons).`)),
    weekChart(weeks),
    h("details", {}, h("summary", {}, t("Visa som tabell", "Show as a table")),
      table(null, [t("Vecka", "Week"), t("Måndag", "Monday"), t("Kontakter", "Contacts"), t("Pass", "Sessions")],
        weeks.map((w) => h("tr", {}, h("th", { scope: "row" }, w.week), h("td", {}, w.monday), h("td", { class: "num" }, w.contacts), h("td", { class: "num" }, w.sessions))), { id: "activity-table" })));
}

// weekChart draws contacts (bars) per week as an SVG; the table beside it
// carries the same numbers for screen readers.
function weekChart(weeks) {
  const W = 760, H = 220, pad = 30;
  const max = Math.max(1, ...weeks.map((w) => w.contacts), ...weeks.map((w) => w.sessions));
  const bw = (W - pad) / Math.max(1, weeks.length);
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H + 20}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("Stapeldiagram: kontakter och pass per vecka", "Bar chart: contacts and sessions per week"));
  svg.classList.add("chart");
  const el = (tag, attrs, text) => { const e = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); if (text !== undefined) e.textContent = text; svg.append(e); return e; };
  el("text", { x: 0, y: 12, class: "axis" }, String(max));
  el("line", { x1: pad, y1: H, x2: W, y2: H, class: "base" });
  weeks.forEach((w, i) => {
    const x = pad + i * bw;
    const hc = (w.contacts / max) * (H - 20), hs = (w.sessions / max) * (H - 20);
    const b = el("rect", { x: x + 1, y: H - hc, width: Math.max(1, bw * 0.6 - 1), height: hc, class: "bar" });
    b.append(Object.assign(document.createElementNS(ns, "title"), { textContent: `v${w.week}: ${w.contacts}` }));
    el("rect", { x: x + bw * 0.6, y: H - hs, width: Math.max(1, bw * 0.35), height: hs, class: "bar2" });
    if (w.week % 4 === 1) el("text", { x, y: H + 16, class: "axis" }, "v" + w.week);
  });
  return h("figure", {}, svg, h("figcaption", {}, h("span", { class: "key bar" }), t(" kontakter ", " contacts "), h("span", { class: "key bar2" }), t(" pass", " sessions")));
}
