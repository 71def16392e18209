// An analyst's screens: the lägesbild in the page, downloads, releases and
// what changed between revisions, the orsaksanalys and aktivitetsplan, and
// the export log. Analysts never see contacts, only the published tables.
import { h, fill, t, field, select, label, fmtDateTime, fmtDate, toast, errorText, confirmAsk, busy, table, download } from "./ui.js";

const FORMATS = [["csv", "CSV"], ["xlsx", "Excel (XLSX)"], ["pdf", "PDF"], ["json", "JSON"]];
const TERTIALS = () => [["0", t("Hela året", "Whole year")], ["1", t("Tertial 1 (jan–apr)", "Tertial 1 (Jan–Apr)")], ["2", t("Tertial 2 (maj–aug)", "Tertial 2 (May–Aug)")], ["3", t("Tertial 3 (sep–dec)", "Tertial 3 (Sep–Dec)")]];

function periodFromHash() {
  const p = new URLSearchParams(location.hash.split("?")[1] || "");
  return { year: Number(p.get("year")) || new Date().getFullYear(), tertial: Number(p.get("tertial")) || 0 };
}
const periodText = (year, tertial) => (tertial ? t(`${year}, tertial ${tertial}`, `${year}, tertial ${tertial}`) : t(`helåret ${year}`, `the whole year ${year}`));

async function fetchJSON(ctx, url) {
  const res = await fetch(url, { headers: { Authorization: ctx.token() } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) { const e = new Error(body.message || "HTTP " + res.status); e.status = res.status; e.response = body; throw e; }
  return body;
}

// The one plain explanation of "..", shown above the tables.
function hiddenExplanation(k, prevName) {
  return h("div", { class: "info", id: "hidden-explained" },
    h("p", {}, h("strong", {}, t("Vad betyder ”..”? ", "What does “..” mean? ")),
      t(`Ett värde som visas som .. är dolt. Antal från 1 till ${k - 1} döljs, eftersom så få personer kan vara möjliga att känna igen. Ibland döljs också ett större tal, annars skulle det dolda värdet kunna räknas ut från summorna. Noll visas alltid.`,
        `A value shown as .. is hidden. Counts from 1 to ${k - 1} are hidden because so few persons could be recognisable. Sometimes a larger number is hidden too, because otherwise the hidden value could be worked out from the totals. Zero is always shown.`)),
    h("p", {}, t(`Kolumnen ${prevName} visar samma period ett år tidigare, som den publicerades.`, `The column ${prevName} shows the same period one year earlier, as it was published.`)));
}
// A column's name for a period n years before the one shown: its year, or
// its tertial and year ("T2 2025"), as the PDF and XLSX print it.
const periodName = (year, tertial, n = 0) => (tertial ? `T${tertial} ${year - n}` : String(year - n));
// A two-way table with many more codes across than down (sessions by kind
// × 18 districts) is shown turned, the long dimension down, as in the PDF.
const MAX_COLUMNS = 10;

// Labels of the lägesbild's dimensions come from the server's table
// declarations (derived dimensions such as age group or team included).
let lbLabels = null;
async function loadLabels(ctx) {
  if (!lbLabels) {
    try { lbLabels = await ctx.pb.send("/api/console/lagesbild-labels", {}); } catch { lbLabels = {}; }
  }
}
function dimLabel(ctx, dim, code) {
  if (code === "_total") return t("Totalt", "Total");
  const l = lbLabels && lbLabels[dim] && lbLabels[dim][code];
  if (l) return t(l[0], l[1] || l[0]);
  return label(dim, code);
}
const isTrend = (id) => /_prev\d*$/.test(id);
// A dimension's own name (the header of a two-way table's first column),
// as the exported files print it.
function dimName(dim) {
  const n = lbLabels && lbLabels._titles && lbLabels._titles[dim];
  return n ? t(n[0], n[1] || n[0]) : dim;
}
const cellText = (c) => (!c ? "–" : c.hidden ? ".." : String(c.value));
function valueCell(c, cls = "num") {
  if (c && c.hidden) return h("td", { class: cls + " hidden-cell", title: t("Dolt värde", "Hidden value") }, h("span", { "aria-hidden": "true" }, ".."), h("span", { class: "sr-only" }, t("dolt", "hidden")));
  return h("td", { class: cls }, cellText(c));
}
// Order of codes: as they first appear (the server writes them in code-list
// order), totals last.
function codesOf(cells, dim) {
  const seen = [];
  for (const c of cells) { const v = c.dims[dim]; if (v !== undefined && !seen.includes(v)) seen.push(v); }
  return seen.filter((x) => x !== "_total").concat(seen.includes("_total") ? ["_total"] : []);
}
function keyOf(dims) { return Object.keys(dims).sort().map((k) => k + "=" + dims[k]).join("&"); }

function renderTable(ctx, tbl, prev, period) {
  const title = t(tbl.title_sv, tbl.title_en);
  const prevBy = new Map((prev ? prev.cells : []).map((c) => [keyOf(c.dims), c]));
  const dims = tbl.dimensions;
  if (dims.length === 1) {
    const d = dims[0];
    const rows = codesOf(tbl.cells, d).map((code) => {
      const c = tbl.cells.find((x) => x.dims[d] === code);
      return h("tr", { class: code === "_total" ? "total" : "" }, h("th", { scope: "row" }, dimLabel(ctx, d, code)), valueCell(c), valueCell(prevBy.get(keyOf(c.dims)), "num prev"));
    });
    return h("section", { class: "lb-table", "data-table": tbl.id },
      table(title, [dimName(d), periodName(period.year, period.tertial), periodName(period.year, period.tertial, 1)], rows));
  }
  // Two dimensions: first down, second across (turned when too wide);
  // last year's matrix beside, or below on a tablet.
  let [d1, d2] = dims;
  if (codesOf(tbl.cells, d2).length > MAX_COLUMNS && codesOf(tbl.cells, d1).length < codesOf(tbl.cells, d2).length) [d1, d2] = [d2, d1];
  const cols = codesOf(tbl.cells, d2);
  const matrix = (cells, caption, prevMatrix) => {
    const by = new Map(cells.map((c) => [keyOf(c.dims), c]));
    return table(caption, [dimName(d1), ...cols.map((c) => dimLabel(ctx, d2, c))],
      codesOf(tbl.cells, d1).map((r) => h("tr", { class: r === "_total" ? "total" : "" }, h("th", { scope: "row" }, dimLabel(ctx, d1, r)),
        cols.map((c) => valueCell(by.get(keyOf({ [d1]: r, [d2]: c })), prevMatrix ? "num prev" : "num")))));
  };
  const m = h("section", { class: "lb-table wide", "data-table": tbl.id },
    h("div", { class: "side" }, matrix(tbl.cells, title + " – " + periodName(period.year, period.tertial)),
      prev ? matrix(prev.cells, title + " – " + periodName(period.year, period.tertial, 1), true) : null));
  // Wide matrices scroll sideways on a tablet: the scroll area takes focus
  // so that a keyboard can scroll it too.
  m.querySelectorAll(".table-wrap").forEach((w, i) => {
    w.tabIndex = 0;
    w.setAttribute("role", "region");
    w.setAttribute("aria-label", title + " – " + periodName(period.year, period.tertial, i));
  });
  return m;
}

export async function lagesbild(main, ctx) {
  const { year, tertial } = periodFromHash();
  const yearIn = h("input", { id: "lb-year", type: "number", min: 2000, max: 2100, value: year });
  const tertialIn = select({ id: "lb-tertial" }, TERTIALS(), String(tertial));
  const picker = h("form", { class: "row", onsubmit: (e) => { e.preventDefault(); location.hash = `#/lagesbild?year=${yearIn.value}&tertial=${tertialIn.value}`; } },
    field(t("År", "Year"), yearIn), field(t("Period", "Period"), tertialIn), h("button", { type: "submit" }, t("Visa", "Show")));
  // Counting a year takes a while and every view is logged: count only when
  // asked (Visa, or a link with a period), not on every sign-in.
  if (!new URLSearchParams(location.hash.split("?")[1] || "").has("year")) {
    fill(main, h("h1", {}, t("Lägesbild", "Situation report")), picker,
      h("p", { class: "info" }, t("Välj år och period och tryck Visa. Lägesbilden räknas fram på nytt varje gång (ett utkast) och visningen sparas i exportloggen. Frysta utgåvor finns under Utgåvor.",
        "Choose a year and period and press Show. The report is counted afresh each time (a draft) and the view is kept in the export log. Frozen releases are under Releases.")));
    return;
  }
  fill(main, h("h1", {}, t("Lägesbild", "Situation report")), picker, h("p", { class: "muted", role: "status" }, t("Räknar… det kan ta en stund.", "Counting… this may take a while.")));
  // Every fetch of the lägesbild is logged; this one says it was a view.
  const doc = await fetchJSON(ctx, `/api/lagesbild?year=${year}&tertial=${tertial}&format=json&recipient=${encodeURIComponent(t("visning i konsolen", "viewed in the console"))}`);
  const byId = new Map(doc.tables.map((x) => [x.id, x]));
  await loadLabels(ctx);
  const current = doc.tables.filter((x) => !isTrend(x.id));
  const hiddenCount = current.reduce((s, x) => s + x.cells.filter((c) => c.hidden).length, 0);

  const recipient = h("input", { id: "lb-recipient", maxlength: 200, placeholder: t("t.ex. Polisregion Stockholm", "e.g. Polisregion Stockholm") });
  const dl = FORMATS.map(([f, name]) => {
    const b = h("button", { class: "secondary", id: "dl-" + f, onclick: () => busy(b, async () => {
      await download(ctx.token(), `/api/lagesbild?year=${year}&tertial=${tertial}&format=${f}&recipient=${encodeURIComponent(recipient.value.trim())}`, `lagesbild.${f}`);
      toast(t(`${name} hämtad (utkast, loggad).`, `${name} downloaded (draft, logged).`));
    }) }, name);
    return b;
  });
  const note = h("textarea", { id: "rel-note", maxlength: 500, rows: 2 });
  const relRecipient = h("input", { id: "rel-recipient", maxlength: 200 });
  const freeze = h("button", { type: "submit", id: "rel-freeze" }, t("Frys som utgåva", "Freeze as a release"));
  const freezeForm = h("form", { class: "card", id: "freeze-form", onsubmit: async (e) => {
    e.preventDefault();
    const ok = await confirmAsk(t("Frys lägesbilden", "Freeze the situation report"), [
      t(`Lägesbilden för ${periodText(year, tertial)} sparas som den ser ut nu och kan alltid hämtas igen exakt likadan. Finns en utgåva sedan tidigare blir detta en ny revision; det som var dolt i den förra förblir dolt.`,
        `The report for ${periodText(year, tertial)} is stored as it is now and can always be fetched again exactly the same. If a release exists, this becomes a new revision; what was hidden in the earlier one stays hidden.`),
    ], t("Frys utgåvan", "Freeze the release"), false);
    if (!ok) return;
    busy(freeze, async () => {
      const body = { year, tertial, note: note.value.trim(), recipient: relRecipient.value.trim() };
      const rel = await ctx.pb.send("/api/lagesbild/releases", { method: "POST", body });
      toast(t(`Utgåva ${rel.period} revision ${rel.revision} är sparad.`, `Release ${rel.period} revision ${rel.revision} is stored.`));
      const out = document.getElementById("freeze-result");
      fill(out, t(`Sparad: revision ${rel.revision}. `, `Stored: revision ${rel.revision}. `), h("a", { href: "#/utgavor" }, t("Se utgåvor och hämta filerna", "See releases and download the files")));
    });
  } },
  h("h2", {}, t("Frys en utgåva", "Freeze a release")),
  h("div", { class: "grid2" }, field(t("Anteckning (t.ex. vad utgåvan är till)", "Note (e.g. what the release is for)"), note), field(t("Mottagare", "Recipient"), relRecipient)),
  freeze, h("p", { id: "freeze-result", role: "status" }));

  fill(main,
    h("h1", {}, t("Lägesbild", "Situation report"), " ", h("span", { class: "muted small" }, periodText(year, tertial), t(" (utkast)", " (draft)"))),
    picker,
    hiddenExplanation(doc.k, periodName(year, tertial, 1)),
    h("p", {}, t(`${current.length} tabeller, ${hiddenCount} dolda celler. Skyddsgräns k = ${doc.k}.`, `${current.length} tables, ${hiddenCount} hidden cells. Threshold k = ${doc.k}.`)),
    h("section", { class: "card", "aria-labelledby": "dl-h" }, h("h2", { id: "dl-h" }, t("Hämta utkastet", "Download the draft")),
      field(t("Mottagare (sparas i exportloggen)", "Recipient (kept in the export log)"), recipient), h("div", { class: "row" }, dl)),
    freezeForm,
    h("h2", {}, t("Tabeller", "Tables")),
    ...current.map((x) => renderTable(ctx, x, byId.get(x.id + "_prev"), { year, tertial })));
}

// ------------------------------------------------------------------ releases

export async function releases(main, ctx, [openId]) {
  const { items } = await ctx.pb.send("/api/lagesbild/releases", {});
  const byPeriod = new Map();
  for (const r of items) { if (!byPeriod.has(r.period)) byPeriod.set(r.period, []); byPeriod.get(r.period).push(r); }
  const recipient = h("input", { id: "rl-recipient", maxlength: 200 });
  const diffBox = h("div", { id: "diff", "aria-live": "polite" });
  const rows = items.map((r) => {
    const prev = (byPeriod.get(r.period) || []).find((x) => x.revision === r.revision - 1);
    return h("tr", { "data-id": r.id },
      h("th", { scope: "row" }, r.period), h("td", { class: "num" }, r.revision), h("td", {}, fmtDateTime(r.created)), h("td", {}, r.note || "–"), h("td", {}, r.recipient || "–"),
      h("td", { class: "actions" }, FORMATS.map(([f, name]) => {
        const b = h("button", { class: "secondary small", "aria-label": `${f.toUpperCase()} ${r.period} r${r.revision}`, onclick: () => busy(b, async () => {
          await download(ctx.token(), `/api/lagesbild/releases/${r.id}?format=${f}&recipient=${encodeURIComponent(recipient.value.trim())}`, `lagesbild.${f}`);
        }) }, f.toUpperCase());
        return b;
      }), prev ? h("button", { class: "small", onclick: () => showDiff(ctx, diffBox, prev, r) }, t("Vad ändrades?", "What changed?")) : null));
  });
  fill(main,
    h("h1", {}, t("Utgåvor", "Releases")),
    h("p", {}, t("En utgåva är lägesbilden som den lämnades ut. Den hämtas alltid likadan. En ny revision av samma period visar vad som ändrats.",
      "A release is the report as it was handed over. It is always served the same. A new revision of a period shows what changed.")),
    field(t("Mottagare vid hämtning (sparas i exportloggen)", "Recipient when downloading (kept in the export log)"), recipient),
    items.length ? table(null, [t("Period", "Period"), t("Revision", "Revision"), t("Skapad", "Created"), t("Anteckning", "Note"), t("Mottagare", "Recipient"), t("Hämta", "Download")], rows, { id: "releases", class: "stack" })
      : h("p", { class: "muted" }, t("Inga utgåvor ännu. Frys en under Lägesbild.", "No releases yet. Freeze one under Situation report.")),
    diffBox);
  if (openId) { const r = items.find((x) => x.id === openId); if (r) main.querySelector(`[data-id="${r.id}"]`)?.scrollIntoView(); }
}

// showDiff lists the cells whose value or hidden state differ between two
// revisions of a period.
async function showDiff(ctx, box, a, b) {
  fill(box, h("p", { class: "muted" }, t("Jämför…", "Comparing…")));
  try {
    await loadLabels(ctx);
    const [da, db] = await Promise.all([fetchJSON(ctx, `/api/lagesbild/releases/${a.id}`), fetchJSON(ctx, `/api/lagesbild/releases/${b.id}`)]);
    const changes = diffDocs(da, db);
    fill(box, h("h2", { tabindex: "-1" }, t(`Ändrat från revision ${a.revision} till ${b.revision} (${b.period})`, `Changed from revision ${a.revision} to ${b.revision} (${b.period})`)),
      h("p", {}, t("Celler vars värde eller dolda läge skiljer sig. Ett värde som ändrats med bara några få döljs i den nya revisionen (..), så att två utgåvor inte kan jämföras fram till enstaka sena kontakter.",
        "Cells whose value or hidden state differ. A value that changed by only a few is hidden in the new revision (..), so that two releases cannot be compared down to single late contacts.")),
      changes.length ? table(null, [t("Tabell", "Table"), t("Cell", "Cell"), t(`Revision ${a.revision}`, `Revision ${a.revision}`), t(`Revision ${b.revision}`, `Revision ${b.revision}`)],
        changes.map((c) => h("tr", {}, h("td", {}, t(c.table.title_sv, c.table.title_en)),
          h("td", {}, Object.entries(c.dims).map(([d, v]) => dimLabel(ctx, d, v)).join(" · ")), valueCell(c.before), valueCell(c.after))), { id: "diff-table" })
        : h("p", {}, t("Inga celler ändrades.", "No cells changed.")));
    box.querySelector("h2").focus();
  } catch (err) {
    fill(box, h("p", { class: "error", role: "alert" }, errorText(err)));
  }
}

// diffDocs returns the cells (of this period's tables) whose value or
// hidden state differ, including cells present in only one of the two.
export function diffDocs(a, b) {
  const out = [];
  const tablesA = new Map(a.tables.map((x) => [x.id, x]));
  for (const tb of b.tables) {
    if (isTrend(tb.id)) continue;
    const ta = tablesA.get(tb.id) || { cells: [] };
    const cellsA = new Map(ta.cells.map((c) => [keyOf(c.dims), c]));
    const seen = new Set();
    for (const c of tb.cells) {
      const k = keyOf(c.dims);
      seen.add(k);
      const p = cellsA.get(k);
      if (!p || p.hidden !== c.hidden || p.value !== c.value) out.push({ table: tb, dims: c.dims, before: p, after: c });
    }
    for (const [k, p] of cellsA) if (!seen.has(k)) out.push({ table: tb, dims: p.dims, before: p, after: null });
  }
  return out;
}

// ------------------------------------------------ orsaksanalys, aktivitetsplan

const ACT_STATUS = { planned: ["Planerad", "Planned"], ongoing: ["Pågår", "Ongoing"], done: ["Klar", "Done"], cancelled: ["Inställd", "Cancelled"] };

export async function plan(main, ctx) {
  const { year, tertial } = periodFromHash();
  const yearIn = h("input", { id: "pl-year", type: "number", min: 2000, max: 2100, value: year });
  const tertialIn = select({ id: "pl-tertial" }, TERTIALS(), String(tertial));
  const picker = h("form", { class: "row", onsubmit: (e) => { e.preventDefault(); location.hash = `#/analys?year=${yearIn.value}&tertial=${tertialIn.value}`; } },
    field(t("År", "Year"), yearIn), field(t("Period", "Period"), tertialIn), h("button", { type: "submit" }, t("Visa", "Show")));
  let analyses, activities;
  try {
    const filter = ctx.pb.filter("year = {:y} && tertial = {:t}", { y: year, t: tertial });
    [analyses, activities] = await Promise.all([
      ctx.pb.collection("lagesbild_analyses").getFullList({ filter }),
      ctx.pb.collection("lagesbild_activities").getFullList({ filter, sort: "due_on" }),
    ]);
  } catch (err) {
    if (err.status === 404) {
      fill(main, h("h1", {}, t("Orsaksanalys och aktivitetsplan", "Analysis and activity plan")), picker,
        h("p", { class: "info" }, t("Servern har ännu inte stöd för orsaksanalys och aktivitetsplan.", "The server does not support the analysis and activity plan yet.")));
      return;
    }
    throw err;
  }
  const existing = analyses[0];
  const text = h("textarea", { id: "an-text", rows: 10, maxlength: 20000 }, existing ? existing.text : "");
  const saveText = h("button", { type: "submit", id: "an-save" }, t("Spara orsaksanalysen", "Save the analysis"));
  const analysisForm = h("form", { class: "card", onsubmit: (e) => {
    e.preventDefault();
    busy(saveText, async () => {
      const body = { year, tertial, text: text.value };
      if (existing) await ctx.pb.collection("lagesbild_analyses").update(existing.id, body);
      else await ctx.pb.collection("lagesbild_analyses").create(body);
      toast(t("Orsaksanalysen är sparad.", "The analysis is saved."));
      ctx.refresh();
    });
  } },
  h("h2", {}, t("Orsaksanalys", "Root-cause analysis")),
  field(t(`Text för ${periodText(year, tertial)} (följer med i exporterna)`, `Text for ${periodText(year, tertial)} (goes with the exports)`), text),
  h("p", { class: "hint" }, t("Skriv om mönster och orsaker, aldrig om enskilda personer.", "Write about patterns and causes, never about individual persons.")),
  saveText);

  const act = h("input", { id: "ac-activity", required: true, maxlength: 300 });
  const org = h("input", { id: "ac-org", required: true, maxlength: 120 });
  const due = h("input", { id: "ac-due", type: "date" });
  const st = select({ id: "ac-status" }, Object.keys(ACT_STATUS).map((k) => [k, t(...ACT_STATUS[k])]), "planned");
  const add = h("button", { type: "submit", id: "ac-add" }, t("Lägg till aktivitet", "Add activity"));
  const addForm = h("form", { class: "card", onsubmit: (e) => {
    e.preventDefault();
    busy(add, async () => {
      await ctx.pb.collection("lagesbild_activities").create({ year, tertial, activity: act.value.trim(), organisation: org.value.trim(), due_on: due.value, status: st.value });
      toast(t("Aktiviteten är tillagd.", "The activity is added."));
      ctx.refresh();
    });
  } },
  h("h2", {}, t("Ny aktivitet", "New activity")),
  h("div", { class: "grid2" }, field(t("Aktivitet", "Activity"), act), field(t("Ansvarig organisation", "Responsible organisation"), org), field(t("Klar senast", "Due"), due), field(t("Läge", "State"), st)),
  add);
  const rows = activities.map((a) => {
    const s = select({ "aria-label": t("Läge för ", "State of ") + a.activity }, Object.keys(ACT_STATUS).map((k) => [k, t(...ACT_STATUS[k])]), a.status);
    s.addEventListener("change", () => busy(s, async () => {
      await ctx.pb.collection("lagesbild_activities").update(a.id, { status: s.value });
      toast(t("Sparat.", "Saved."));
    }));
    return h("tr", {}, h("th", { scope: "row" }, a.activity), h("td", {}, a.organisation || "–"), h("td", {}, a.due_on ? fmtDate(a.due_on) : "–"), h("td", {}, s));
  });
  fill(main, h("h1", {}, t("Orsaksanalys och aktivitetsplan", "Analysis and activity plan")), picker, analysisForm,
    h("h2", {}, t(`Aktivitetsplan för ${periodText(year, tertial)}`, `Activity plan for ${periodText(year, tertial)}`)),
    // The aktivitetsplan is kept per tertial.
    tertial === 0 ? h("p", { class: "info" }, t("Aktivitetsplanen förs per tertial: välj ett tertial ovan.", "The activity plan is kept per tertial: choose a tertial above.")) :
    rows.length ? table(null, [t("Aktivitet", "Activity"), t("Organisation", "Organisation"), t("Klar senast", "Due"), t("Läge", "State")], rows, { id: "activities" })
      : h("p", { class: "muted" }, t("Inga aktiviteter ännu.", "No activities yet.")),
    tertial === 0 ? null : addForm);
}

// ---------------------------------------------------------------- export log

export async function exportLog(main, ctx) {
  const list = await ctx.pb.collection("lagesbild_exports").getList(1, 200, { sort: "-created" });
  const me = ctx.me();
  fill(main,
    h("h1", {}, t("Exportlogg", "Export log")),
    h("p", {}, t("Varje hämtning av lägesbilden sparas här: vem, när, period, format, mottagare och filens kontrollsumma.", "Every download of the report is kept here: who, when, period, format, recipient and the file's checksum.")),
    list.items.length ? table(null, [t("När", "When"), t("Vem", "Who"), t("Period", "Period"), t("Slag", "Kind"), t("Format", "Format"), t("Mottagare", "Recipient"), "SHA-256"],
      list.items.map((x) => h("tr", {}, h("td", {}, fmtDateTime(x.created)), h("td", {}, x.actor === "users:" + me.id || x.actor === "_superusers:" + me.id ? t("du", "you") : x.actor),
        h("td", {}, x.period_key), h("td", {}, x.kind === "release" ? t("utgåva", "release") : t("utkast", "draft")), h("td", {}, x.format.toUpperCase()),
        h("td", {}, x.recipient || "–"), h("td", { class: "mono" }, (x.sha256 || "").slice(0, 12) + "…"))), { id: "export-log" })
      : h("p", { class: "muted" }, t("Inga exporter ännu.", "No exports yet.")));
}
