// The field app: sign-in (worker account or enrolled tablet), outreach
// sessions, fast contact logging, the team's recent contacts, and sync
// (automatic when online, manual, with backoff). Everything is stored in
// IndexedDB first; the server is reached only through the sync protocol.
import "./style.css";
import tax from "./taxonomy.json";
import { makeApi } from "./api.js";
import { createLocal, deleteLocal, store, updateLocal } from "./store.js";
import { looksPersonal } from "./screen.js";
import { synchronize, uuidv4 } from "./sync.js";
import { NEW_CONTACT_FIELDS, upgradeContact } from "./schema3.js";

const S = {
  auth: null, // {token, kind: "user"|"device", id, team, name}
  lang: localStorage.getItem("uppsok.lang") || "sv",
  view: "main",
  editing: null,
  syncing: false,
  lastSync: null,
  report: null,
  message: null,
  failures: 0,
  retryTimer: null,
};
const api = makeApi(() => (S.auth ? S.auth.token : ""));
const root = document.getElementById("app");

const t = (sv, en) => (S.lang === "en" ? en : sv);
const lbl = (list, code) => {
  const c = (tax[list] ? tax[list].codes : []).find((x) => x.code === code);
  return c ? (S.lang === "en" ? c.en : c.sv) : code;
};
const today = () => new Date().toLocaleDateString("sv-SE");
const daypartNow = () => { const h = new Date().getHours(); return h < 6 ? "night" : h < 12 ? "morning" : h < 18 ? "afternoon" : "evening"; };
const parseSet = (v) => { try { const a = typeof v === "string" ? JSON.parse(v || "[]") : v; return Array.isArray(a) ? a : []; } catch (e) { return []; } };

// replaceKids sets el's children, skipping null and false (conditional parts).
function replaceKids(el, ...kids) {
  el.replaceChildren(...kids.flat().filter((k) => k !== null && k !== undefined && k !== false));
}

function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat()) if (kid !== null && kid !== undefined && kid !== false) el.append(kid.nodeType ? kid : String(kid));
  return el;
}

// ---- auth ---------------------------------------------------------------

async function loadAuth() { S.auth = (await store.meta("auth")) || null; }
async function saveAuth(a) { S.auth = a; await store.setMeta("auth", a); }

async function signIn(email, password) {
  const res = await api.post("/api/collections/users/auth-with-password", { identity: email, password });
  const r = res.record || {};
  if (!["worker", "lead"].includes(r.role) || !r.team) throw new Error(t("Kontot är inte ett fältkonto.", "This is not a field account."));
  await saveAuth({ token: res.token, kind: "user", id: r.id, team: r.team, name: r.name || r.email });
}

async function enroll(code) {
  const res = await api.post("/api/field/enroll", { code, label: navigator.userAgent.includes("Mobile") ? "Telefon" : "Surfplatta" });
  await saveAuth({ token: res.token, kind: "device", id: res.device.id, team: res.device.team_id, name: res.device.label });
}

// refreshToken renews the token once a day while online, so that a tablet
// in use never reaches the end of its 30 days.
async function refreshToken() {
  const last = (await store.meta("tokenRefreshedAt")) || 0;
  if (Date.now() - last < 24 * 3600 * 1000) return;
  const col = S.auth.kind === "device" ? "devices" : "users";
  try {
    const res = await api.post(`/api/collections/${col}/auth-refresh`);
    if (res && res.token) await saveAuth({ ...S.auth, token: res.token });
    await store.setMeta("tokenRefreshedAt", Date.now());
  } catch (e) {
    if (e.wipe) throw e;
  }
}

async function wipe(reason) {
  clearTimeout(S.retryTimer);
  await store.wipe();
  S.auth = null;
  S.message = reason;
  render();
}

// ---- sync ---------------------------------------------------------------

async function waitingCount() {
  let n = 0;
  for (const table of ["contacts", "outreach_sessions"]) for (const r of await store.all(table)) if (r._status !== "synced" && !r._rejected) n++;
  return n;
}

async function sync(manual) {
  if (!S.auth || S.syncing) return;
  if (!navigator.onLine) { S.message = manual ? t("Ingen uppkoppling.", "No connection.") : S.message; render(); return; }
  S.syncing = true;
  render();
  try {
    S.report = await synchronize(api);
    S.lastSync = new Date();
    await refreshToken();
    S.failures = 0;
    S.message = null;
  } catch (e) {
    if (e.wipe) { S.syncing = false; return wipe(t("Enheten har spärrats. Alla lokala uppgifter är raderade.", "This device was revoked. All local data has been erased.")); }
    if (e.status === 401) { S.message = t("Logga in igen.", "Please sign in again."); S.auth = null; await store.setMeta("auth", null); }
    else {
      S.failures++;
      const delay = Math.min(300, 2 ** S.failures) * 1000;
      S.message = t(`Synken misslyckades, nytt försök om ${Math.round(delay / 1000)} s.`, `Sync failed, retrying in ${Math.round(delay / 1000)} s.`);
      clearTimeout(S.retryTimer);
      S.retryTimer = setTimeout(() => sync(false), delay);
    }
  } finally {
    S.syncing = false;
    render();
  }
}

// ---- sessions -----------------------------------------------------------

async function running() { return (await store.meta("runningSession")) || null; }

async function startSession(kind, area, platforms) {
  const id = uuidv4();
  await createLocal("outreach_sessions", {
    id, team_id: S.auth.team, worker_id: S.auth.kind === "user" ? S.auth.id : "", kind, started_on: today(), daypart: daypartNow(),
    area, platforms: JSON.stringify(platforms), duration_minutes: 0, persons_observed: 0, ads_reviewed: 0, messages_sent: 0, notes: "",
  });
  await store.setMeta("runningSession", { id, startedAt: Date.now(), pausedMs: 0, pausedAt: null, kind, area, platforms });
}

async function togglePause() {
  const r = await running();
  if (!r) return;
  if (r.pausedAt) { r.pausedMs += Date.now() - r.pausedAt; r.pausedAt = null; } else r.pausedAt = Date.now();
  await store.setMeta("runningSession", r);
}

async function endSession(counts) {
  const r = await running();
  if (!r) return;
  const end = r.pausedAt || Date.now();
  const minutes = Math.max(0, Math.round((end - r.startedAt - r.pausedMs) / 60000));
  await updateLocal("outreach_sessions", r.id, { duration_minutes: Math.min(1440, minutes), ...counts });
  await store.setMeta("runningSession", null);
}

// ---- rendering ----------------------------------------------------------

function toggles(name, list, value, multi, onChange, codes) {
  const sel = new Set(multi ? value : [value]);
  const opts = (codes || tax[list].codes.map((c) => c.code)).map((code) =>
    h("button", { type: "button", class: "opt", "aria-pressed": sel.has(code) ? "true" : "false", "data-code": code, onclick: () => {
      if (multi) { sel.has(code) ? sel.delete(code) : sel.add(code); onChange([...sel]); } else onChange(code);
    } }, lbl(list, code)));
  return h("fieldset", { "data-field": list }, h("legend", {}, name), h("div", { class: "opts", role: "group" }, opts));
}

function select(name, list, value, onChange, id) {
  return h("div", {}, h("label", { class: "lbl", for: id }, name),
    h("select", { id, onchange: (e) => onChange(e.target.value) },
      tax[list].codes.map((c) => h("option", { value: c.code, selected: c.code === value }, S.lang === "en" ? c.en : c.sv))));
}

async function header() {
  const n = await waitingCount();
  const status = !navigator.onLine ? t("Offline", "Offline") : S.syncing ? t("Synkar…", "Syncing…") : "";
  const last = S.lastSync ? t("Senast synkad ", "Last synced ") + S.lastSync.toLocaleTimeString("sv-SE", { hour: "2-digit", minute: "2-digit" }) : "";
  return h("header", {},
    h("h1", {}, "uppsok"),
    h("span", { class: "status", id: "sync-status", "data-waiting": n, "data-synced-at": S.lastSync ? S.lastSync.getTime() : 0 }, [status, t(`${n} väntar`, `${n} waiting`), last].filter(Boolean).join(" · ")),
    h("button", { id: "sync-now", onclick: () => sync(true), disabled: S.syncing }, t("Synka", "Sync")),
    h("button", { class: "secondary", onclick: () => { S.lang = S.lang === "sv" ? "en" : "sv"; localStorage.setItem("uppsok.lang", S.lang); document.documentElement.lang = S.lang; render(); } }, S.lang === "sv" ? "English" : "Svenska"));
}

function reportView() {
  const out = [];
  if (S.message) out.push(h("div", { class: "warn", role: "status" }, S.message));
  const r = S.report;
  if (!r) return out;
  if (r.conflict) out.push(h("div", { class: "info" }, t("En kontakt hade ändrats av en kollega. Ändringarna har slagits ihop.", "A contact had been changed by a colleague. The changes were merged.")));
  if (r.rejected) out.push(h("div", { class: "warn" }, t(`${r.rejected} post(er) kunde inte sparas på servern (t.ex. raderade av någon annan). De finns kvar här markerade.`, `${r.rejected} record(s) could not be saved on the server (e.g. deleted by someone else). They stay here, marked.`)));
  const fields = Object.values(r.sanitized || {}).flatMap((m) => Object.values(m)).flat();
  if (fields.includes("notes")) out.push(h("div", { class: "info" }, t("En anteckning innehöll något som liknade personuppgifter. Det ersattes med [borttaget].", "A note held something that looked like personal data. It was replaced with [borttaget].")));
  else if (fields.length) out.push(h("div", { class: "info" }, t("Några fält rättades av servern (ogiltiga värden blev Okänd).", "Some fields were corrected by the server (invalid values became Unknown).")));
  return out;
}

async function sessionView() {
  const r = await running();
  if (r) {
    const mins = Math.round(((r.pausedAt || Date.now()) - r.startedAt - r.pausedMs) / 60000);
    const counts = { persons_observed: 0, ads_reviewed: 0, messages_sent: 0 };
    const num = (k, sv, en) => h("div", { class: "grow" }, h("label", { class: "lbl", for: "s-" + k }, t(sv, en)),
      h("input", { id: "s-" + k, type: "number", min: 0, inputmode: "numeric", value: 0, oninput: (e) => { counts[k] = Math.max(0, parseInt(e.target.value || "0", 10) || 0); } }));
    return h("section", { id: "session" },
      h("h2", {}, t("Pågående pass", "Running session") + ": " + lbl("kind", r.kind) + ", " + lbl("area", r.area) + ` (${mins} min${r.pausedAt ? ", " + t("pausat", "paused") : ""})`),
      h("div", { class: "row" }, num("persons_observed", "Observerade personer", "Persons observed"), num("ads_reviewed", "Granskade annonser", "Ads reviewed"), num("messages_sent", "Skickade meddelanden", "Messages sent")),
      h("div", { class: "row" },
        h("button", { class: "secondary", id: "pause-session", onclick: async () => { await togglePause(); render(); } }, r.pausedAt ? t("Fortsätt", "Resume") : t("Pausa", "Pause")),
        h("button", { id: "end-session", onclick: async () => { await endSession(counts); render(); sync(false); } }, t("Avsluta pass", "End session"))));
  }
  const f = { kind: "street", area: "unknown", platforms: [] };
  const sec = h("section", { id: "session" }, h("h2", {}, t("Starta ett pass", "Start a session")));
  const body = h("div");
  const draw = () => {
    replaceKids(body, 
      toggles(t("Typ", "Kind"), "kind", f.kind, false, (v) => { f.kind = v; draw(); }, ["street", "online"]),
      select(t("Område", "Area"), "area", f.area, (v) => { f.area = v; }, "session-area"),
      f.kind === "online" ? toggles(t("Plattformar", "Platforms"), "platforms", f.platforms, true, (v) => { f.platforms = v; draw(); }) : null,
      h("button", { id: "start-session", onclick: async () => { await startSession(f.kind, f.area, f.platforms); render(); } }, t("Starta pass", "Start session")));
  };
  draw();
  sec.append(body);
  return sec;
}

async function listView() {
  const contacts = (await store.all("contacts")).filter((c) => c._status !== "deleted").sort((a, b) => (b.occurred_on || "").localeCompare(a.occurred_on || "") || (b.updated_at || 0) - (a.updated_at || 0));
  return h("section", { id: "recent" }, h("h2", {}, t("Teamets senaste kontakter", "The team's recent contacts")),
    contacts.length === 0 ? h("p", {}, t("Inga kontakter ännu.", "No contacts yet.")) : h("ul", { class: "list" }, contacts.map((c) => {
      const waiting = c._status !== "synced";
      return h("li", { "data-id": c.id },
        h("span", { class: "grow" }, `${c.occurred_on} · ${lbl("channel", c.channel)} · ${lbl("age_band", c.age_band)} · ${lbl("gender", c.gender)}`),
        h("span", { class: "badge " + (c._rejected ? "waiting" : waiting ? "waiting" : "synced") }, c._rejected ? t("Ej sparad", "Not saved") : waiting ? t("Väntar", "Waiting") : t("Synkad", "Synced")),
        h("button", { class: "secondary", onclick: () => { S.view = "form"; S.editing = c.id; render(); } }, t("Ändra", "Edit")),
        h("button", { class: "danger", onclick: async () => { if (confirm(t("Radera kontakten?", "Delete this contact?"))) { await deleteLocal("contacts", c.id); render(); sync(false); } } }, t("Radera", "Delete")));
    })));
}

async function formView() {
  const r = await running();
  const existing = S.editing ? await store.get("contacts", S.editing) : null;
  const f = existing ? upgradeContact(existing) : {
    id: uuidv4(), team_id: S.auth.team, worker_id: S.auth.kind === "user" ? S.auth.id : "", session_id: r ? r.id : "",
    occurred_on: today(), daypart: daypartNow(), channel: r ? r.kind : "street", area: r ? r.area : "unknown",
    arena: r && r.kind === "online" ? "online_only" : "street", platforms: JSON.stringify(r ? r.platforms : []),
    role: "unknown", age_band: "unknown", gender: "unknown", origin_region: "unknown", language: "sv",
    ...NEW_CONTACT_FIELDS, assessment: "unknown", purposes: "[]", actions: "[]", cards_given: 0, notes: "",
  };
  const pc = { first: "", last: "", year: "" };
  const body = h("div");
  const sec = h("section", { id: "contact-form" }, h("h2", {}, existing ? t("Ändra kontakt", "Edit contact") : t("Ny kontakt", "New contact")), body);
  const set = (k) => (v) => { f[k] = Array.isArray(v) ? JSON.stringify(v) : v; draw(); };
  const draw = () => {
    const child = f.age_band === "under_15" || f.age_band === "15_17";
    const suspected = f.assessment === "suspected_trafficking" || f.assessment === "suspected_exploitation";
    const pcText = () => (pc.first.slice(0, 2) + pc.last.slice(0, 2) + pc.year).toUpperCase();
    const pcOut = h("output", { id: "c-person-code" }, pcText());
    const noteWarn = h("div", { class: "warn" + (looksPersonal(f.notes) ? "" : " hidden"), id: "notes-warning", role: "status" },
      t("Det här liknar personuppgifter (nummer, e-post, profilnamn). Skriv om – servern tar bort det annars.", "This looks like personal data (numbers, e-mail, profile names). Rephrase – the server removes it otherwise."));
    replaceKids(body, 
      h("div", { class: "row" },
        h("div", { class: "grow" }, h("label", { class: "lbl", for: "c-date" }, t("Datum", "Date")), h("input", { id: "c-date", type: "date", max: today(), value: f.occurred_on, onchange: (e) => { f.occurred_on = e.target.value; } })),
        h("div", { class: "grow" }, select(t("Område", "Area"), "area", f.area, (v) => { f.area = v; }, "c-area"))),
      toggles(t("Tid på dygnet", "Part of day"), "daypart", f.daypart, false, set("daypart"), ["morning", "afternoon", "evening", "night"]),
      toggles(t("Kanal", "Channel"), "channel", f.channel, false, set("channel")),
      toggles(t("Arena", "Arena"), "arena", f.arena, false, set("arena")),
      toggles(t("Plattformar", "Platforms"), "platforms", parseSet(f.platforms), true, set("platforms")),
      toggles(t("Roll", "Role"), "role", f.role, false, set("role")),
      toggles(t("Ålder", "Age"), "age_band", f.age_band, false, set("age_band")),
      child ? toggles(t("Riskgrupp (barn)", "Risk group (child)"), "risk_groups", parseSet(f.risk_groups), true, set("risk_groups")) : null,
      child ? h("div", { class: "warn", id: "child-warning", role: "alert" }, t(
        "Barn under 18 år är alltid möjliga brottsoffer. Gör en orosanmälan till socialtjänsten och kontakta regionkoordinator barn (08-508 43 726) eller Barnahus (08-508 25 700).",
        "A child under 18 is always a possible crime victim. File a report of concern with social services and contact the regional coordinator for children (08-508 43 726) or Barnahus (08-508 25 700).")) : null,
      toggles(t("Kön", "Gender"), "gender", f.gender, false, set("gender")),
      select(t("Ursprungsregion", "Region of origin"), "origin_region", f.origin_region, (v) => { f.origin_region = v; }, "c-origin"),
      select(t("Samtalsspråk", "Language of the conversation"), "language", f.language, (v) => { f.language = v; }, "c-language"),
      toggles(t("Tolkning", "Interpreting"), "interpreting", f.interpreting, false, set("interpreting")),
      f.role === "sells_sex" || f.role === "at_risk" ? toggles(t("Ersättning för sex", "What was given for sex"), "compensation", parseSet(f.compensation), true, set("compensation")) : null,
      toggles(t("Kontrollmedel", "Means of control"), "control", parseSet(f.control), true, set("control")),
      toggles(t("Sårbarheter", "Vulnerabilities"), "vulnerabilities", parseSet(f.vulnerabilities), true, set("vulnerabilities")),
      toggles(t("Bedömning", "Assessment"), "assessment", f.assessment, false, set("assessment")),
      suspected ? toggles(t("Ändamål", "Purposes"), "purposes", parseSet(f.purposes), true, set("purposes")) : null,
      toggles(t("Insatser", "Actions"), "actions", parseSet(f.actions), true, set("actions")),
      h("div", { class: "row" }, h("span", { class: "lbl" }, t("Utdelade kort", "Cards handed out")),
        h("button", { type: "button", class: "secondary", "aria-label": t("Ett kort färre", "One card fewer"), onclick: () => { f.cards_given = Math.max(0, f.cards_given - 1); draw(); } }, "−"),
        h("output", { id: "c-cards", "aria-live": "polite" }, String(f.cards_given)),
        h("button", { type: "button", class: "secondary", "aria-label": t("Ett kort till", "One more card"), onclick: () => { f.cards_given = Math.min(tax.max_cards_given, f.cards_given + 1); draw(); } }, "+")),
      h("fieldset", {}, h("legend", {}, t("Personkod (valfri, sparas bara krypterad)", "Person code (optional, stored only as a hash)")),
        h("div", { class: "row" },
          h("input", { class: "grow", "aria-label": t("Två första bokstäverna i förnamnet", "First two letters of the first name"), placeholder: t("Förnamn (2)", "First name (2)"), maxlength: 2, value: pc.first, oninput: (e) => { pc.first = e.target.value; pcOut.textContent = pcText(); } }),
          h("input", { class: "grow", "aria-label": t("Två första bokstäverna i efternamnet", "First two letters of the last name"), placeholder: t("Efternamn (2)", "Last name (2)"), maxlength: 2, value: pc.last, oninput: (e) => { pc.last = e.target.value; pcOut.textContent = pcText(); } }),
          h("input", { class: "grow", "aria-label": t("Födelseår", "Year of birth"), placeholder: t("Födelseår", "Year of birth"), inputmode: "numeric", maxlength: 4, value: pc.year, oninput: (e) => { pc.year = e.target.value; pcOut.textContent = pcText(); } })),
        pcOut),
      h("div", {}, h("label", { class: "lbl", for: "c-notes" }, t("Anteckning (inga personuppgifter)", "Note (no personal data)")),
        h("textarea", { id: "c-notes", maxlength: tax.max_notes, oninput: (e) => { f.notes = e.target.value; noteWarn.classList.toggle("hidden", !looksPersonal(f.notes)); } }, f.notes),
        noteWarn),
      h("div", { class: "row" },
        h("button", { id: "save-contact", onclick: async () => {
          const code = (pc.first.slice(0, 2) + pc.last.slice(0, 2) + pc.year).trim();
          const rec = { ...f };
          if (code) rec.person_code = code;
          if (existing) {
            const changes = {};
            for (const k of Object.keys(rec)) if (!k.startsWith("_")) changes[k] = rec[k];
            await updateLocal("contacts", rec.id, changes);
          } else await createLocal("contacts", rec);
          S.view = "main"; S.editing = null; render(); sync(false);
        } }, t("Spara", "Save")),
        h("button", { class: "secondary", onclick: () => { S.view = "main"; S.editing = null; render(); } }, t("Avbryt", "Cancel"))));
  };
  draw();
  return sec;
}

function signInView() {
  const form = h("form", { id: "sign-in", onsubmit: async (e) => {
    e.preventDefault();
    try { await signIn(form.email.value, form.password.value); S.message = null; render(); sync(false); }
    catch (err) { S.message = err.offline ? t("Ingen uppkoppling.", "No connection.") : err.status === 400 ? t("Fel e-post eller lösenord.", "Wrong e-mail or password.") : err.message; render(); }
  } },
  h("label", { class: "lbl", for: "email" }, t("E-post", "E-mail")), h("input", { id: "email", name: "email", type: "email", autocomplete: "username", required: true }),
  h("label", { class: "lbl", for: "password" }, t("Lösenord", "Password")), h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true }),
  h("p", {}, h("button", { type: "submit" }, t("Logga in", "Sign in"))),
  h("p", {}, t("En surfplatta skrivs in genom att skanna teamledarens QR-kod.", "A tablet is enrolled by scanning the team lead's QR code.")));
  return h("main", {}, h("section", {}, h("h2", {}, t("Logga in", "Sign in")), ...reportView(), form));
}

let renderSeq = 0;
async function render() {
  const seq = ++renderSeq;
  document.documentElement.lang = S.lang;
  let view;
  if (!S.auth) view = [h("header", {}, h("h1", {}, "uppsok")), signInView()];
  else if (S.view === "form") view = [await header(), h("main", {}, await formView())];
  else view = [await header(), h("main", {}, ...reportView(), await sessionView(),
    h("section", {}, h("button", { id: "new-contact", onclick: () => { S.view = "form"; S.editing = null; render(); } }, t("Ny kontakt", "New contact"))),
    await listView())];
  if (seq === renderSeq) root.replaceChildren(...view);
}

async function boot() {
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" }).catch(() => {});
  const m = location.hash.match(/^#\/enroll\/([A-Za-z0-9]+)$/);
  if (m) {
    history.replaceState(null, "", "/app/"); // the code leaves the address bar at once
    try { await enroll(m[1]); } catch (e) { S.message = t("Koden fungerade inte. Be om en ny.", "The code did not work. Ask for a new one."); }
  } else await loadAuth();
  window.addEventListener("online", () => sync(false));
  window.addEventListener("offline", () => render());
  setInterval(() => { if (navigator.onLine) sync(false); }, 3 * 60 * 1000);
  await render();
  if (S.auth) sync(false);
}

window.uppsok = { store, sync, waitingCount }; // for the browser tests
boot();
