// An admin's own screens: teams, information pages, the public address,
// and the card scan chart (the card screen itself is shared with leads).
import { h, fill, t, field, select, toast, busy, table, confirmAsk, label } from "./ui.js";

// svFirst orders pages Swedish first, then by audience and language.
export function svFirst(pages) {
  return pages.sort((a, b) => (a.language === "sv") === (b.language === "sv")
    ? (a.audience + a.language).localeCompare(b.audience + b.language) : a.language === "sv" ? -1 : 1);
}

// -------------------------------------------------------------------- teams

export async function teams(main, ctx) {
  const list = await ctx.pb.collection("teams").getFullList({ sort: "name" });
  const code = h("input", { id: "team-code", required: true, maxlength: 40, pattern: "[a-z0-9_]+" });
  const name = h("input", { id: "team-name", required: true, maxlength: 120 });
  const add = h("button", { type: "submit" }, t("Skapa team", "Create team"));
  fill(main,
    h("h1", {}, t("Team", "Teams")),
    table(null, [t("Namn", "Name"), t("Kod", "Code"), t("Åtgärder", "Actions")], list.map((tm) => h("tr", {},
      h("th", { scope: "row" }, tm.name), h("td", { class: "mono" }, tm.code),
      h("td", {}, h("button", { class: "secondary small", "aria-label": t("Byt namn på ", "Rename ") + tm.name, onclick: async () => {
        const input = h("input", { id: "team-rename", maxlength: 120, value: tm.name });
        if (!(await confirmAsk(t("Byt namn på teamet", "Rename the team"), [field(t("Nytt namn", "New name"), input)], t("Spara", "Save"), false))) return;
        await busy(null, async () => { await ctx.pb.collection("teams").update(tm.id, { name: input.value.trim() }); ctx.teams = await ctx.pb.collection("teams").getFullList({ sort: "name" }); ctx.refresh(); });
      } }, t("Byt namn", "Rename"))))), { id: "teams" }),
    h("form", { class: "card", onsubmit: (e) => {
      e.preventDefault();
      busy(add, async () => {
        await ctx.pb.collection("teams").create({ code: code.value.trim(), name: name.value.trim() });
        ctx.teams = await ctx.pb.collection("teams").getFullList({ sort: "name" });
        toast(t("Teamet är skapat.", "The team is created."));
        ctx.refresh();
      });
    } }, h("h2", {}, t("Nytt team", "New team")),
    h("div", { class: "grid2" }, field(t("Namn", "Name"), name), field(t("Kod (små bokstäver, siffror, _; ändras aldrig)", "Code (lowercase letters, digits, _; never changes)"), code)), add));
}

// ---------------------------------------------------------- information pages

export async function pages(main, ctx, [openId]) {
  const list = svFirst(await ctx.pb.collection("info_pages").getFullList({ sort: "audience,language" }));
  const page = list.find((p) => p.id === openId);
  if (!page) {
    fill(main, h("h1", {}, t("Informationssidor", "Information pages")),
      h("p", {}, t("Sidorna som korten leder till. De är offentliga: skriv inget som pekar ut någon.", "The pages the cards lead to. They are public: write nothing that singles anyone out.")),
      table(null, [t("Titel", "Title"), t("Språk", "Language"), t("Målgrupp", "Audience"), t("Öppna", "Open")], list.map((p) => h("tr", {},
        h("th", { scope: "row", lang: p.language }, p.title), h("td", {}, label("language", p.language)), h("td", {}, label("audience", p.audience)),
        h("td", {}, h("a", { href: `#/informationssidor/${p.id}`, "aria-label": t("Redigera ", "Edit ") + p.title }, t("Redigera", "Edit")), " · ",
          h("a", { href: `/info/${p.language}/${p.audience}`, target: "_blank", rel: "noopener" }, t("Visa publikt", "View public"))))), { id: "pages" }));
    return;
  }
  let phones = [];
  try { phones = Array.isArray(page.phones) ? page.phones : JSON.parse(page.phones || "[]"); } catch { phones = []; }
  const title = h("input", { id: "pg-title", required: true, maxlength: 120, value: page.title, lang: page.language });
  const body = h("textarea", { id: "pg-body", required: true, maxlength: 6000, rows: 10, lang: page.language }, page.body);
  const cardText = h("input", { id: "pg-card", maxlength: 140, value: page.card_text || "", lang: page.language });
  const phoneBox = h("div", { id: "pg-phones" });
  const preview = h("div", { class: "preview", id: "pg-preview", lang: page.language, dir: ["ar", "fa"].includes(page.language) ? "rtl" : "ltr" });
  const phoneRow = (p) => {
    const l = h("input", { maxlength: 80, value: p.label || "", "aria-label": t("Namn på numret", "Name of the number") });
    const n = h("input", { maxlength: 30, value: p.number || "", inputmode: "tel", "aria-label": t("Telefonnummer", "Phone number") });
    const row = h("div", { class: "row phone" }, l, n, h("button", { type: "button", class: "secondary small", onclick: () => { row.remove(); draw(); } }, t("Ta bort", "Remove")));
    l.addEventListener("input", draw); n.addEventListener("input", draw);
    return row;
  };
  const readPhones = () => [...phoneBox.querySelectorAll(".phone")].map((r) => { const [l, n] = r.querySelectorAll("input"); return { label: l.value.trim(), number: n.value.trim() }; }).filter((p) => p.label || p.number);
  phones.forEach((p) => phoneBox.append(phoneRow(p)));
  function draw() {
    fill(preview, h("h3", {}, title.value), ...body.value.split(/\n\s*\n/).map((para) => h("p", {}, para)),
      h("ul", {}, readPhones().map((p) => h("li", {}, p.label + ": ", h("strong", {}, p.number)))));
  }
  title.addEventListener("input", draw); body.addEventListener("input", draw);
  draw();
  const save = h("button", { type: "submit", id: "pg-save" }, t("Spara sidan", "Save the page"));
  fill(main,
    h("p", {}, h("a", { href: "#/informationssidor" }, t("← Alla sidor", "← All pages"))),
    h("h1", {}, t("Redigera informationssida", "Edit information page"), " ", h("span", { class: "muted small" }, `${label("language", page.language)} · ${label("audience", page.audience)}`)),
    h("div", { class: "side" },
      h("form", { class: "card grow", onsubmit: (e) => {
        e.preventDefault();
        busy(save, async () => {
          await ctx.pb.collection("info_pages").update(page.id, { title: title.value.trim(), body: body.value, card_text: cardText.value.trim(), phones: readPhones() });
          toast(t("Sidan är sparad och syns direkt för den som skannar ett kort.", "The page is saved and shown at once to anyone who scans a card."));
        });
      } },
      field(t("Titel", "Title"), title),
      field(t("Text (tom rad = nytt stycke)", "Text (blank line = new paragraph)"), body),
      field(t("Kort text på kortet (högst 140 tecken)", "Short text on the card (at most 140 characters)"), cardText),
      h("fieldset", {}, h("legend", {}, t("Hjälpnummer", "Help numbers")), phoneBox,
        h("button", { type: "button", class: "secondary small", onclick: () => { phoneBox.append(phoneRow({})); draw(); } }, t("Lägg till nummer", "Add a number"))),
      save),
      h("section", { class: "card grow", "aria-labelledby": "pv-h" }, h("h2", { id: "pv-h" }, t("Förhandsvisning", "Preview")), preview)));
}

// ------------------------------------------------------------------ settings

export async function settings(main, ctx) {
  const cur = await ctx.pb.send("/api/console/settings", {});
  ctx.settings = cur;
  const url = h("input", { id: "app-url", type: "url", required: true, value: cur.loopback ? "" : cur.app_url, placeholder: "https://uppsok.stockholm.se" });
  const save = h("button", { type: "submit", id: "app-url-save" }, t("Spara adressen", "Save the address"));
  fill(main,
    h("h1", {}, t("Inställningar", "Settings")),
    h("form", { class: "card", id: "app-url-form", onsubmit: (e) => {
      e.preventDefault();
      busy(save, async () => {
        ctx.settings = await ctx.pb.send("/api/console/settings/app-url", { method: "POST", body: { app_url: url.value } });
        toast(t("Adressen är sparad.", "The address is saved."));
        ctx.refresh();
      });
    } },
    h("h2", {}, t("Publik adress", "Public address")),
    h("p", {}, t("Adressen som QR-koder på kort, inskrivningslänkar för surfplattor och e-post om uppföljningar pekar på. Tryckta kort lever i åratal på gatan: använd den riktiga, publika adressen innan du skriver ut kort.",
      "The address that QR codes on cards, enroll links for tablets and follow-up e-mails point to. Printed cards live for years on the street: use the real, public address before printing cards.")),
    h("p", {}, t("Nu: ", "Now: "), h("code", { id: "app-url-now" }, cur.app_url), cur.loopback ? h("strong", { class: "warn-text" }, t(" (bara den här datorn)", " (this machine only)")) : null),
    field(t("Ny adress (https://…)", "New address (https://…)"), url),
    save));
}

// --------------------------------------------------------------- scan chart

// scanChart adds scans per month (chart and table), per campaign and per
// card below the card screen (admins only can read the scan counts).
export async function scanChart(main, ctx, cards, pageName) {
  const scans = await ctx.pb.collection("card_scans").getFullList({ sort: "day" });
  const cardBy = new Map(cards.map((c) => [c.id, c]));
  const sum = (keyFn) => { const m = new Map(); for (const s of scans) { const k = keyFn(s); m.set(k, (m.get(k) || 0) + s.count); } return m; };
  const byMonth = sum((s) => s.day.slice(0, 7));
  const byCampaign = sum((s) => (cardBy.get(s.card) || {}).campaign || t("(ingen)", "(none)"));
  const byCard = sum((s) => s.card);
  const months = [...byMonth.keys()].sort().slice(-12);
  const max = Math.max(1, ...months.map((m) => byMonth.get(m)));
  const W = 760, H = 200, bw = (W - 20) / Math.max(1, months.length);
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H + 24}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("Stapeldiagram: skanningar per månad", "Bar chart: scans per month"));
  svg.classList.add("chart");
  months.forEach((m, i) => {
    const v = byMonth.get(m), bh = (v / max) * (H - 24);
    const r = document.createElementNS(ns, "rect");
    Object.entries({ x: 10 + i * bw + 4, y: H - bh, width: bw - 8, height: bh, class: "bar" }).forEach(([k, x]) => r.setAttribute(k, x));
    const lab = document.createElementNS(ns, "text");
    Object.entries({ x: 10 + i * bw + 4, y: H + 16, class: "axis" }).forEach(([k, x]) => lab.setAttribute(k, x));
    lab.textContent = m;
    const val = document.createElementNS(ns, "text");
    Object.entries({ x: 10 + i * bw + 4, y: H - bh - 4, class: "axis" }).forEach(([k, x]) => val.setAttribute(k, x));
    val.textContent = v;
    svg.append(r, lab, val);
  });
  const top = [...byCard.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20);
  main.append(
    h("h2", { id: "scans" }, t("Skanningar", "Scans")),
    h("p", {}, t("Bara antal per kort och dag sparas, inget om den som skannar.", "Only counts per card and day are kept, nothing about who scans.")),
    months.length ? h("figure", {}, svg, h("figcaption", {}, t("Skanningar per månad (senaste 12)", "Scans per month (last 12)"))) : h("p", { class: "muted" }, t("Inga skanningar ännu.", "No scans yet.")),
    h("div", { class: "side" },
      table(t("Per kampanj", "By campaign"), [t("Kampanj", "Campaign"), t("Skanningar", "Scans")], [...byCampaign.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => h("tr", {}, h("th", { scope: "row" }, k), h("td", { class: "num" }, v))), { id: "scans-campaign" }),
      table(t("Per kort (flest först)", "By card (most first)"), [t("Kort", "Card"), t("Sida", "Page"), t("Skanningar", "Scans")], top.map(([id, v]) => {
        const c = cardBy.get(id) || {};
        return h("tr", {}, h("th", { scope: "row", class: "mono" }, c.code || id), h("td", {}, c.page ? pageName(c.page) : "–"), h("td", { class: "num" }, v));
      }), { id: "scans-card" }),
      table(t("Per månad", "By month"), [t("Månad", "Month"), t("Skanningar", "Scans")], months.map((m) => h("tr", {}, h("th", { scope: "row" }, m), h("td", { class: "num" }, byMonth.get(m)))))));
}


