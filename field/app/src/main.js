// The field app: sign-in (worker account or enrolled tablet), outreach
// sessions, fast contact logging, the team's recent contacts, and sync
// (automatic when online, manual, with backoff). Everything is stored in
// IndexedDB first; the server is reached only through the sync protocol.
//
// Rendering is synchronous from the in-memory state S (the data it shows is
// cached in S by refresh()), so nothing typed or tapped can be overwritten
// by a render that started earlier: the contact being written (S.draft) and
// the running session's counts (S.run) live in S and in IndexedDB, never
// only in the page.
import "./style.css";
import tax from "./taxonomy.json";
import { makeApi } from "./api.js";
import { createLocal, deleteLocal, store, updateLocal } from "./store.js";
import { looksPersonal, screenKinds } from "./screen.js";
import { synchronize, uuidv4 } from "./sync.js";
import { NEW_CONTACT_FIELDS, alsoTouched, upgradeContact } from "./schema3.js";

// KIND_NAMES name what the note screen found (privacy.Kind codes).
const KIND_NAMES = {
  name: ["namn", "a name"], phone: ["telefonnummer", "a phone number"], personnummer: ["personnummer", "a personal identity number"],
  email: ["e-postadress", "an e-mail address"], link: ["länk", "a link"], handle: ["profilnamn", "a profile name"],
};
function foundText(kinds) {
  return kinds.length ? " (" + kinds.map((k) => (KIND_NAMES[k] ? t(...KIND_NAMES[k]) : k)).join(", ") + ")" : "";
}

const S = {
  auth: null, // {token, kind: "user"|"device", id, team, name, locked}
  lang: localStorage.getItem("uppsok.lang") || "sv",
  theme: localStorage.getItem("uppsok.theme") || "auto", // auto | dark | light
  view: "main", // main | form
  draft: null, // the contact being written, see openForm
  run: null, // the running session (meta "runningSession") with its counts
  start: { kind: "street", area: "unknown", platforms: [] }, // the start-a-session form
  contacts: [], // the list, newest first
  rejected: [], // records the server refused, with _rejected = reason
  waiting: 0,
  teamName: "",
  syncing: false,
  lastSync: null,
  report: null,
  message: null, // {text, kind: "warn"|"info", retryEnroll}
  toast: null, // {text, at}
  lastSaved: null,
  signOut: false, // the sign-out question is open
  enrolled: false, // just enrolled: say which team
  failures: 0,
  retryTimer: null,
};
const api = makeApi(() => (S.auth ? S.auth.token : ""));
const root = document.getElementById("app");

const t = (sv, en) => (S.lang === "en" ? en : sv);
const codeLabel = (list, code) => {
  const c = (tax[list] ? tax[list].codes : []).find((x) => x.code === code);
  return c ? (S.lang === "en" ? c.en : c.sv) : code;
};
const codes = (list) => (tax[list] ? tax[list].codes.map((c) => c.code) : []);
const today = () => new Date().toLocaleDateString("sv-SE");
const daypartNow = () => { const h = new Date().getHours(); return h < 6 ? "night" : h < 12 ? "morning" : h < 18 ? "afternoon" : "evening"; };
const parseSet = (v) => { try { const a = typeof v === "string" ? JSON.parse(v || "[]") : v; return Array.isArray(a) ? a : []; } catch (e) { return []; } };
const isChild = (band) => band === "under_15" || band === "15_17";

// inHandler: a user's own handler is running (its redraw is never held back).
let inHandler = false;

function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), (e) => { inHandler = true; try { return v(e); } finally { inHandler = false; } });
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat(Infinity)) if (kid !== null && kid !== undefined && kid !== false) el.append(kid.nodeType ? kid : String(kid));
  return el;
}

// ---- the contact form's layout --------------------------------------------
// What the running session already says (one openable line), the questions
// asked every time (large toggles), then "Mer" sections that open in place.
const CONTEXT_FIELDS = ["occurred_on", "daypart", "channel", "area", "arena", "platforms"];
const QUICK = [
  { field: "age_band", sv: "Ålder", en: "Age" },
  { field: "gender", sv: "Kön", en: "Gender" },
  { field: "role", sv: "Roll", en: "Role" },
  { field: "assessment", sv: "Bedömning", en: "Assessment" },
];
const COMMON_ACTIONS = ["information", "info_card", "support_talk", "harm_reduction", "report_of_concern", "police_report", "declined"];
const SECTIONS = [
  { id: "indicators", sv: "Indikatorer", en: "Indicators", after: "assessment", fields: ["control", "vulnerabilities", "compensation", "purposes"] },
  { id: "more_actions", sv: "Fler insatser och kort", en: "More actions and cards", after: "actions", fields: ["actions_more", "cards_given"] },
  { id: "person", sv: "Ursprung och språk", en: "Origin and language", after: "actions", fields: ["origin_region", "language", "interpreting"] },
  { id: "notes", sv: "Personkod och anteckning", en: "Person code and note", after: "actions", fields: ["person_code", "notes"] },
];
const SINGLE = { daypart: 1, channel: 1, arena: 1, role: 1, age_band: 1, gender: 1, assessment: 1 };

function newContact() {
  const r = S.run;
  return {
    id: uuidv4(), team_id: S.auth.team, worker_id: S.auth.kind === "user" ? S.auth.id : "", session_id: r ? r.id : "",
    occurred_on: today(), daypart: daypartNow(), channel: r ? r.kind : "street", area: r ? r.area : "unknown",
    arena: r && r.kind === "online" ? "online_only" : "street", platforms: JSON.stringify(r ? r.platforms : []),
    role: "unknown", age_band: "unknown", gender: "unknown", origin_region: "unknown", language: "sv",
    ...NEW_CONTACT_FIELDS, assessment: "unknown", purposes: "[]", actions: "[]", cards_given: 0, notes: "",
  };
}

// openForm starts a draft: a new contact, or a copy of a stored one. Only
// the columns the worker touches are written back to a stored one, so that
// a colleague's change pulled meanwhile is not overwritten by stale values.
// It draws the form and moves focus before anything asynchronous, so that
// taps and keys that follow at once land in the form.
function openForm(id) {
  const base = id ? S.contacts.find((c) => c.id === id) : null;
  if (id && !base) return;
  // A contact saved before the app moved to schema 3 is shown in the new
  // fields, mapped as the server maps it.
  const f = base ? upgradeContact(base) : newContact();
  for (const k of Object.keys(f)) if (k.startsWith("_")) delete f[k];
  delete f.person_code;
  S.draft = { f, existing: !!base, touched: [], pc: { first: "", last: "", year: "" }, open: {}, confirm: null, error: null };
  if (base) {
    // Sections that hold something are open when a stored contact is edited.
    if (["control", "vulnerabilities", "compensation", "purposes"].some((k) => parseSet(f[k]).length)) S.draft.open.indicators = true;
    if (parseSet(f.actions).some((a) => !COMMON_ACTIONS.includes(a)) || f.cards_given > 0) S.draft.open.more_actions = true;
    if (f.origin_region !== "unknown" || f.language !== "sv" || f.interpreting !== "unknown") S.draft.open.person = true;
    if (f.notes) S.draft.open.notes = true;
  }
  S.view = "form";
  S.message = null;
  render();
  focusFirst("[data-field=age_band] button[tabindex='0']");
  saveDraft();
}

function saveDraft() { return store.setMeta("draft", S.draft); }

// setField records a worker's change in the draft (and in IndexedDB).
function setField(k, v) {
  const d = S.draft;
  d.f[k] = Array.isArray(v) ? JSON.stringify(v) : v;
  for (const x of [k, ...alsoTouched(k)]) if (!d.touched.includes(x)) d.touched.push(x);
  d.confirm = null;
  if (k === "actions" && Array.isArray(v) && v.includes("info_card") && !(d.f.cards_given > 0)) setField("cards_given", 1);
  if (k === "assessment" && v !== "none" && v !== "unknown") d.open.indicators = true;
  saveDraft();
}

const pcText = (pc) => (pc.first.slice(0, 2) + pc.last.slice(0, 2) + pc.year).toUpperCase().trim();

function isEmptyDraft(d) {
  return !d.pc.first && !d.pc.last && !d.pc.year && d.touched.every((k) => CONTEXT_FIELDS.includes(k));
}

async function saveContact(force) {
  const d = S.draft;
  const f = d.f;
  if (d.error || !f.occurred_on || f.occurred_on > today()) {
    d.error = d.error || !f.occurred_on ? t("Ange ett datum.", "Enter a date.") : t("Datumet ligger i framtiden. Välj dagens datum eller ett tidigare.", "The date is in the future. Choose today or an earlier date.");
    d.open.context = true;
    render();
    focusFirst("#c-date");
    return;
  }
  if (!d.existing && !force && isEmptyDraft(d)) {
    d.confirm = "empty";
    render();
    focusFirst("#save-anyway");
    return;
  }
  const code = pcText(d.pc);
  const id = f.id;
  if (d.existing && d.confirm !== "gone") {
    const changes = {};
    for (const k of d.touched) changes[k] = f[k];
    if (code) changes.person_code = code;
    try {
      await updateLocal("contacts", id, changes);
    } catch (e) {
      // Deleted meanwhile (by a colleague, pulled by a sync): ask before
      // keeping the edit as a new contact.
      d.confirm = "gone";
      render();
      focusFirst("#save-anyway");
      return;
    }
  } else {
    const rec = { ...f };
    if (d.confirm === "gone") rec.id = uuidv4();
    if (code) rec.person_code = code;
    await createLocal("contacts", rec);
  }
  S.draft = null;
  await store.setMeta("draft", null);
  S.view = "main";
  S.lastSaved = id;
  toast(t("Kontakten är sparad.", "The contact is saved."));
  await refresh();
  focusFirst("#new-contact");
  sync(false);
}

async function closeForm(force) {
  if (!force && S.draft && (S.draft.touched.length || pcText(S.draft.pc))) {
    S.draft.confirm = "discard";
    render();
    focusFirst("#keep-editing");
    return;
  }
  S.draft = null;
  await store.setMeta("draft", null);
  S.view = "main";
  render();
  focusFirst("#new-contact");
}

// ---- auth ---------------------------------------------------------------

async function saveAuth(a) { S.auth = a; await store.setMeta("auth", a); }

async function signIn(email, password) {
  const res = await api.post("/api/collections/users/auth-with-password", { identity: email, password });
  const r = res.record || {};
  if (!["worker", "lead"].includes(r.role) || !r.team) throw new Error(t("Kontot är inte ett fältkonto.", "This is not a field account."));
  await saveAuth({ token: res.token, kind: "user", id: r.id, team: r.team, name: r.name || r.email });
}

// enroll uses a code from the lead's QR link. Offline, the code is kept
// (it is single-use and not spent) and tried again when the connection is back.
async function enroll(code) {
  if (!navigator.onLine) throw Object.assign(new Error("offline"), { offline: true });
  const res = await api.post("/api/field/enroll", { code, label: navigator.userAgent.includes("Mobile") ? "Telefon" : "Surfplatta" });
  await saveAuth({ token: res.token, kind: "device", id: res.device.id, team: res.device.team_id, name: res.device.label });
  S.enrolled = true;
}

async function tryEnroll(code) {
  try {
    await enroll(code);
    await store.setMeta("pendingEnroll", null);
    S.message = null;
  } catch (e) {
    if (e.offline || e.status === 0) {
      await store.setMeta("pendingEnroll", { code, at: Date.now() });
      S.message = { kind: "warn", retryEnroll: true, text: t("Ingen uppkoppling. Koden är inte använd än: anslut surfplattan till nätet och tryck Försök igen.", "No connection. The code has not been used yet: connect the tablet and press Try again.") };
    } else {
      await store.setMeta("pendingEnroll", null);
      S.message = { kind: "warn", text: t("Koden fungerade inte (fel, redan använd eller för gammal). Be ledningen om en ny kod.", "The code did not work (wrong, already used or too old). Ask the lead for a new code.") };
    }
  }
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

async function wipe(text) {
  clearTimeout(S.retryTimer);
  S.auth = null; // no new sync starts; a running one ends before the erase
  for (let i = 0; S.syncing && i < 600; i++) await new Promise((r) => setTimeout(r, 100));
  await store.wipe();
  Object.assign(S, { auth: null, draft: null, run: null, view: "main", contacts: [], rejected: [], waiting: 0, teamName: "", report: null, signOut: false, lastSync: null });
  S.message = { kind: "warn", text };
  render();
}

// signOut pushes everything first: nothing is left behind for the next
// account, and nothing unsynced is erased.
async function signOut() {
  if (S.waiting > 0 || S.rejected.length > 0 || S.draft) {
    for (let i = 0; S.syncing && i < 300; i++) await new Promise((r) => setTimeout(r, 200)); // let a running sync end
    await sync(true);
    await refresh();
  }
  if (S.waiting > 0 || S.rejected.length > 0) {
    S.signOut = true;
    S.message = { kind: "warn", text: S.rejected.length
      ? t("Du är inte utloggad: en post kunde inte sparas på servern. Välj vad som ska hända med den först.", "You are not signed out: a record could not be saved on the server. Decide what happens to it first.")
      : t(`Du är inte utloggad: ${S.waiting} post(er) väntar och synken gick inte. Försök igen när du har uppkoppling.`, `You are not signed out: ${S.waiting} record(s) are waiting and the sync failed. Try again when you are online.`) };
    render();
    return;
  }
  await wipe(t("Du är utloggad. Allt var synkat.", "You are signed out. Everything was synced."));
}

// ---- sync ---------------------------------------------------------------

async function sync(manual) {
  if (!S.auth || S.auth.locked) return;
  if (S.syncing) { S.syncAgain = true; return; } // a change made during a sync goes out right after it
  if (!navigator.onLine) {
    if (manual) toast(t("Ingen uppkoppling. Allt sparas här och synkas sedan.", "No connection. Everything is kept here and synced later."));
    renderStatus();
    return;
  }
  S.syncing = true;
  renderStatus();
  let report = null;
  try {
    report = await synchronize(api);
    if (report.wipe) {
      S.syncing = false;
      return wipe(t("Surfplattan är återlämnad. Allt som fanns här är överfört till servern och raderat från plattan.", "This tablet was returned. Everything it held is on the server and was erased here."));
    }
    S.report = report;
    S.lastSync = new Date();
    await refreshToken();
    S.failures = 0;
    if (S.message && S.message.sync) S.message = null;
  } catch (e) {
    if (e.wipe) { S.syncing = false; return wipe(t("Enheten har spärrats av ledningen. Alla lokala uppgifter är raderade.", "This device was revoked by the lead. All local data has been erased.")); }
    if ((e.status === 401 || e.status === 403) && S.auth.kind === "device") {
      // Expired or locked: the tablet keeps its records and says what to do.
      await saveAuth({ ...S.auth, locked: true });
    } else if (e.status === 401) {
      await saveAuth({ ...S.auth, expired: true });
      S.message = { kind: "warn", text: t("Logga in igen. Inget av det du sparat är borta.", "Please sign in again. Nothing you saved is lost.") };
    } else {
      S.failures++;
      const delay = Math.min(300, 2 ** S.failures) * 1000;
      S.message = { kind: "warn", sync: true, text: t(`Synken misslyckades, nytt försök om ${Math.round(delay / 1000)} s. Allt finns kvar här.`, `Sync failed, retrying in ${Math.round(delay / 1000)} s. Everything is kept here.`) };
      clearTimeout(S.retryTimer);
      S.retryTimer = setTimeout(() => sync(false), delay);
    }
  } finally {
    S.syncing = false;
  }
  if (report && report.followups) toast(t("Ledningen har fått en uppföljning.", "The lead has been given a follow-up."));
  await refresh();
  if (S.syncAgain && S.auth) { S.syncAgain = false; if (!S.failures) sync(false); }
}

// ---- local data -----------------------------------------------------------

// refresh reloads what the screens show from IndexedDB, then renders.
async function refresh() {
  const all = await store.all("contacts");
  const sessions = await store.all("outreach_sessions");
  S.contacts = all.filter((c) => c._status !== "deleted")
    .sort((a, b) => (b.occurred_on || "").localeCompare(a.occurred_on || "") || (b._at || b.updated_at || 0) - (a._at || a.updated_at || 0));
  S.rejected = [...all.map((r) => ["contacts", r]), ...sessions.map((r) => ["outreach_sessions", r])].filter(([, r]) => r._rejected);
  S.waiting = [...all, ...sessions].filter((r) => r._status !== "synced" && !r._rejected).length;
  if (S.auth) {
    const team = await store.get("teams", S.auth.team);
    S.teamName = team ? team.name : "";
  }
  render();
}

// keepAsNew turns an edit the server refused (its record was deleted) into
// a new record, so that nothing the worker wrote is lost.
async function keepAsNew(table, id) {
  const old = await store.get(table, id);
  if (!old) return;
  const rec = {};
  for (const [k, v] of Object.entries(old)) if (!k.startsWith("_") && k !== "created_at" && k !== "updated_at") rec[k] = v;
  rec.id = uuidv4();
  await createLocal(table, rec);
  await store.remove(table, id);
  toast(t("Ändringen är sparad som en ny kontakt.", "The edit is saved as a new contact."));
  await refresh();
  sync(false);
}

async function dropRejected(table, id) {
  await store.remove(table, id);
  await refresh();
}

// ---- sessions -----------------------------------------------------------

async function startSession() {
  const { kind, area, platforms } = S.start;
  const id = uuidv4();
  await createLocal("outreach_sessions", {
    id, team_id: S.auth.team, worker_id: S.auth.kind === "user" ? S.auth.id : "", kind, started_on: today(), daypart: daypartNow(),
    area, platforms: JSON.stringify(kind === "online" ? platforms : []), duration_minutes: 0, persons_observed: 0, ads_reviewed: 0, messages_sent: 0, notes: "",
  });
  S.run = { id, startedAt: Date.now(), pausedMs: 0, pausedAt: null, kind, area, platforms: kind === "online" ? platforms : [], counts: { persons_observed: 0, ads_reviewed: 0, messages_sent: 0 } };
  await store.setMeta("runningSession", S.run);
  await refresh();
  focusFirst("#new-contact");
}

async function togglePause() {
  const r = S.run;
  if (r.pausedAt) { r.pausedMs += Date.now() - r.pausedAt; r.pausedAt = null; } else r.pausedAt = Date.now();
  await store.setMeta("runningSession", r);
  render();
}

async function endSession() {
  const r = S.run;
  const end = r.pausedAt || Date.now();
  const minutes = Math.max(0, Math.round((end - r.startedAt - r.pausedMs) / 60000));
  const counts = { persons_observed: r.counts.persons_observed || 0 };
  if (r.kind === "online") Object.assign(counts, { ads_reviewed: r.counts.ads_reviewed || 0, messages_sent: r.counts.messages_sent || 0 });
  await updateLocal("outreach_sessions", r.id, { duration_minutes: Math.min(1440, minutes), ...counts });
  S.run = null;
  await store.setMeta("runningSession", null);
  toast(t("Passet är avslutat och sparat.", "The session is ended and saved."));
  await refresh();
  sync(false);
}

// ---- rendering ----------------------------------------------------------

// toggles draws one question as large toggle buttons. Tab reaches the group
// once; arrows move within it; Space or Enter chooses.
function toggles(field, legend, value, multi, onChange, list, opts = {}) {
  const sel = new Set(multi ? value : [value]);
  const all = list || codes(field);
  const stop = all.find((c) => sel.has(c) && c !== "unknown") || all[0];
  const buttons = all.map((code) => h("button", {
    type: "button", class: "opt", "aria-pressed": sel.has(code) ? "true" : "false", "data-code": code, "data-k": `${opts.key || field}:${code}`,
    tabindex: code === stop ? "0" : "-1",
    onclick: () => {
      if (multi) { sel.has(code) ? sel.delete(code) : sel.add(code); onChange([...sel]); } else onChange(code);
      render();
    },
  }, codeLabel(opts.labels || field, code)));
  return h("fieldset", { "data-field": opts.key || field, class: opts.big ? "big" : "" }, h("legend", {}, legend),
    h("div", { class: "opts", onkeydown: rove }, buttons));
}

function rove(e) {
  const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
  if (!step && e.key !== "Home" && e.key !== "End") return;
  const btns = [...e.currentTarget.querySelectorAll("button.opt")];
  let i = btns.indexOf(document.activeElement);
  if (i < 0) return;
  i = e.key === "Home" ? 0 : e.key === "End" ? btns.length - 1 : (i + step + btns.length) % btns.length;
  for (const b of btns) b.tabIndex = -1;
  btns[i].tabIndex = 0;
  btns[i].focus();
  e.preventDefault();
}

function select(label, list, value, onChange, id) {
  return h("div", { class: "field" }, h("label", { class: "lbl", for: id }, label),
    h("select", { id, "data-k": id, onchange: (e) => onChange(e.target.value) },
      tax[list].codes.map((c) => h("option", { value: c.code, selected: c.code === value }, S.lang === "en" ? c.en : c.sv))));
}

function statusText() {
  const parts = [];
  if (S.toast && Date.now() - S.toast.at < 8000) parts.push("✓ " + S.toast.text);
  if (!navigator.onLine) parts.push(t("Offline", "Offline"));
  if (S.syncing) parts.push(t("Synkar…", "Syncing…"));
  if (S.rejected.length) parts.push(t(`${S.rejected.length} kunde inte sparas på servern`, `${S.rejected.length} could not be saved on the server`));
  parts.push(S.waiting === 0 ? (S.rejected.length ? t("inget annat väntar", "nothing else waiting") : t("Allt synkat", "All synced")) : t(`${S.waiting} väntar på synk`, `${S.waiting} waiting to sync`));
  if (S.lastSync) parts.push(t("senast ", "last ") + S.lastSync.toLocaleTimeString("sv-SE", { hour: "2-digit", minute: "2-digit" }));
  return parts.join(" · ");
}

function toast(text) {
  S.toast = { text, at: Date.now() };
  renderStatus();
  setTimeout(renderStatus, 8100);
}

// The header and its status line are built once: the status is the app's
// only live region, and a live region must stay in the page to be heard.
const statusEl = h("p", { id: "sync-status", role: "status", class: "status" });
const whoEl = h("p", { class: "who" });
const toolsEl = h("div", { class: "tools" });
const mainEl = h("main", { id: "main" });
const barEl = h("div", { class: "bar" });

function renderStatus() {
  if (!S.auth) return;
  const text = statusText();
  if (statusEl.textContent !== text) statusEl.textContent = text;
  statusEl.dataset.waiting = S.waiting;
  statusEl.dataset.syncedAt = S.lastSync ? S.lastSync.getTime() : 0;
  statusEl.classList.toggle("saved", !!(S.toast && Date.now() - S.toast.at < 8000));
  const sn = document.getElementById("sync-now");
  if (sn) sn.disabled = S.syncing;
}

function applyTheme() {
  if (S.theme === "auto") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = S.theme;
}

function headerTools() {
  const themeName = { auto: t("Auto", "Auto"), dark: t("Mörkt", "Dark"), light: t("Ljust", "Light") }[S.theme];
  const kids = [];
  if (S.auth && !S.auth.locked && !S.auth.expired) kids.push(h("button", { id: "sync-now", "data-k": "sync-now", disabled: S.syncing, onclick: () => sync(true) }, t("Synka", "Sync")));
  kids.push(h("button", { class: "secondary", id: "theme", "data-k": "theme", onclick: () => {
    S.theme = { auto: "dark", dark: "light", light: "auto" }[S.theme];
    localStorage.setItem("uppsok.theme", S.theme);
    applyTheme();
    render();
  } }, t("Tema: ", "Theme: ") + themeName));
  kids.push(h("button", { class: "secondary", id: "lang", "data-k": "lang", lang: S.lang === "sv" ? "en" : "sv", onclick: () => { S.lang = S.lang === "sv" ? "en" : "sv"; localStorage.setItem("uppsok.lang", S.lang); render(); } }, S.lang === "sv" ? "English" : "Svenska"));
  if (S.auth && S.auth.kind === "user" && !S.auth.expired && S.view !== "form") kids.push(h("button", { class: "secondary", id: "sign-out", "data-k": "sign-out", onclick: () => signOut() }, t("Logga ut", "Sign out")));
  return kids;
}

function notices() {
  const out = [];
  const m = S.message;
  if (m) out.push(h("div", { class: m.kind || "warn", id: "message" }, h("p", {}, m.text),
    m.retryEnroll ? h("button", { id: "retry-enroll", "data-k": "retry-enroll", onclick: async () => { const p = await store.meta("pendingEnroll"); if (p) await tryEnroll(p.code); await refresh(); if (S.auth) sync(false); } }, t("Försök igen", "Try again")) : null));
  if (S.enrolled && S.auth) out.push(h("div", { class: "info", id: "enrolled" }, S.teamName
    ? t(`Klart! Surfplattan hör nu till ${S.teamName}.`, `Done! This tablet now belongs to ${S.teamName}.`)
    : t("Surfplattan är inskriven. Teamets namn visas efter första synken.", "The tablet is enrolled. The team's name shows after the first sync.")));
  for (const [table, r] of S.rejected) {
    const what = table === "contacts" ? `${r.occurred_on} · ${codeLabel("age_band", r.age_band)} · ${codeLabel("gender", r.gender)}` : `${t("Pass", "Session")} ${r.started_on}`;
    if (r._rejected === "deleted") {
      out.push(h("div", { class: "warn rejected", "data-id": r.id },
        h("p", {}, t(`En kollega har raderat en kontakt som du har ändrat (${what}). Din ändring finns kvar här. Vill du spara den som en ny kontakt?`, `A colleague deleted a contact that you changed (${what}). Your edit is kept here. Save it as a new contact?`)),
        h("div", { class: "row" },
          h("button", { class: "keep-new", "data-k": "keep:" + r.id, onclick: () => keepAsNew(table, r.id) }, t("Spara som ny kontakt", "Save as a new contact")),
          h("button", { class: "secondary", "data-k": "drop:" + r.id, onclick: () => dropRejected(table, r.id) }, t("Släng ändringen", "Discard the edit")))));
    } else {
      out.push(h("div", { class: "warn rejected", "data-id": r.id }, h("p", {}, t(`Servern kunde inte spara en post (${what}). Den finns kvar här. Kontakta ledningen.`, `The server could not save a record (${what}). It is kept here. Contact the lead.`))));
    }
  }
  const r = S.report;
  if (r && r.conflict) out.push(h("div", { class: "info" }, t("En kontakt hade ändrats av en kollega. Ändringarna har slagits ihop.", "A contact had been changed by a colleague. The changes were merged.")));
  const fields = r ? Object.values(r.sanitized || {}).flatMap((m) => Object.values(m)).flat() : [];
  if (fields.includes("notes")) out.push(h("div", { class: "info" }, t("En anteckning innehöll något som liknade personuppgifter. Det ersattes med [borttaget].", "A note held something that looked like personal data. It was replaced with [borttaget].")));
  else if (fields.length) out.push(h("div", { class: "info" }, t("Några fält rättades av servern (ogiltiga värden blev Okänd).", "Some fields were corrected by the server (invalid values became Unknown).")));
  return out;
}

function sessionView() {
  const r = S.run;
  if (r) {
    const mins = Math.max(0, Math.round(((r.pausedAt || Date.now()) - r.startedAt - r.pausedMs) / 60000));
    const num = (k, sv, en) => h("div", { class: "field" }, h("label", { class: "lbl", for: "s-" + k }, t(sv, en)),
      h("input", { id: "s-" + k, "data-k": "s-" + k, type: "number", min: 0, inputmode: "numeric", value: r.counts[k] || 0, oninput: (e) => {
        r.counts[k] = Math.max(0, parseInt(e.target.value || "0", 10) || 0);
        store.setMeta("runningSession", r);
      }, onchange: () => {
        // Written to the session record as soon as the field is left, so a
        // sync (or a returned tablet's last push) carries the count too.
        updateLocal("outreach_sessions", r.id, { [k]: r.counts[k] }).then(refresh, () => {});
      } }));
    return h("section", { id: "session" },
      h("h2", {}, t("Pågående pass", "Running session") + ": " + codeLabel("kind", r.kind) + ", " + codeLabel("area", r.area) + ` (${mins} min${r.pausedAt ? ", " + t("pausat", "paused") : ""})`),
      h("div", { class: "row" }, num("persons_observed", "Observerade personer", "Persons observed"),
        r.kind === "online" ? [num("ads_reviewed", "Granskade annonser", "Ads reviewed"), num("messages_sent", "Skickade meddelanden", "Messages sent")] : null),
      h("div", { class: "row" },
        h("button", { class: "secondary", id: "pause-session", "data-k": "pause", onclick: togglePause }, r.pausedAt ? t("Fortsätt", "Resume") : t("Pausa", "Pause")),
        h("button", { class: "secondary", id: "end-session", "data-k": "end", onclick: endSession }, t("Avsluta pass", "End session"))));
  }
  const f = S.start;
  return h("section", { id: "session" }, h("h2", {}, t("Starta ett pass", "Start a session")),
    toggles("kind", t("Typ", "Kind"), f.kind, false, (v) => { f.kind = v; }, ["street", "online"]),
    select(t("Område", "District"), "area", f.area, (v) => { f.area = v; }, "session-area"),
    f.kind === "online" ? toggles("platforms", t("Plattformar", "Platforms"), f.platforms, true, (v) => { f.platforms = v; }) : null,
    h("button", { id: "start-session", "data-k": "start", onclick: startSession }, t("Starta pass", "Start session")));
}

function listView() {
  const c = S.contacts;
  return h("section", { id: "recent" }, h("h2", {}, t("Teamets senaste kontakter", "The team's recent contacts")),
    c.length === 0 ? h("p", {}, t("Inga kontakter ännu.", "No contacts yet.")) : h("ul", { class: "list" }, c.map((x) => {
      const waiting = x._status !== "synced";
      return h("li", { "data-id": x.id, class: x.id === S.lastSaved ? "new" : "" },
        h("span", { class: "grow" }, `${x.occurred_on} · ${codeLabel("channel", x.channel)} · ${codeLabel("age_band", x.age_band)} · ${codeLabel("gender", x.gender)}`),
        h("span", { class: "badge " + (waiting || x._rejected ? "waiting" : "synced") }, x._rejected ? t("Ej sparad", "Not saved") : waiting ? t("Väntar", "Waiting") : t("Synkad", "Synced")),
        h("button", { class: "secondary edit", "data-k": "edit:" + x.id, "aria-label": t("Ändra kontakten ", "Edit the contact ") + x.occurred_on, onclick: () => openForm(x.id) }, t("Ändra", "Edit")),
        h("button", { class: "danger", "data-k": "del:" + x.id, "aria-label": t("Radera kontakten ", "Delete the contact ") + x.occurred_on, onclick: async () => {
          if (confirm(t("Radera kontakten?", "Delete this contact?"))) { await deleteLocal("contacts", x.id); await refresh(); sync(false); }
        } }, t("Radera", "Delete")));
    })));
}

const CHILD_NUMBERS = [
  { sv: "regionkoordinator barn", en: "the regional coordinator for children", shown: "08-508 43 726", tel: "+46850843726" },
  { sv: "Barnahus", en: "Barnahus", shown: "08-508 25 700", tel: "+46850825700" },
];

function childReminder() {
  const [rk, bh] = CHILD_NUMBERS.map((n) => h("a", { href: "tel:" + n.tel, class: "tel" }, n.shown));
  return h("div", { class: "warn", id: "child-warning" },
    h("p", {}, t("Barn under 18 år är alltid möjliga brottsoffer. Gör en orosanmälan till socialtjänsten och ring ", "A child under 18 is always a possible crime victim. File a report of concern with social services and call "),
      t(CHILD_NUMBERS[0].sv, CHILD_NUMBERS[0].en), " ", rk, " ", t("eller ", "or "), t(CHILD_NUMBERS[1].sv, CHILD_NUMBERS[1].en), " ", bh, "."));
}

function moreSection(sec, body) {
  const d = S.draft;
  const open = !!d.open[sec.id];
  return h("div", { class: "more", "data-section": sec.id },
    h("button", { type: "button", class: "more-toggle", "aria-expanded": open ? "true" : "false", "aria-controls": "sec-" + sec.id, id: "more-" + sec.id, "data-k": "more:" + sec.id, onclick: () => {
      d.open[sec.id] = !open;
      saveDraft();
      render();
    } }, h("span", { "aria-hidden": "true", class: "chev" }, open ? "▾" : "▸"), t("Mer: ", "More: ") + t(sec.sv, sec.en)),
    open ? h("div", { class: "more-body", id: "sec-" + sec.id }, body()) : null);
}

function contextLine(f) {
  const date = f.occurred_on === today() ? t("Idag", "Today") : f.occurred_on;
  const plats = parseSet(f.platforms).map((p) => codeLabel("platforms", p));
  return [date, codeLabel("daypart", f.daypart).replace(/ \d.*$/, ""), codeLabel("channel", f.channel), codeLabel("area", f.area), codeLabel("arena", f.arena), ...plats].join(" · ");
}

function formView() {
  const d = S.draft;
  const f = d.f;
  const set = (k) => (v) => setField(k, v);
  const child = isChild(f.age_band);
  const suspected = f.assessment === "suspected_trafficking" || f.assessment === "suspected_exploitation";
  const acts = parseSet(f.actions);
  const pcOut = h("output", { id: "c-person-code", "aria-label": t("Personkod", "Person code") }, pcText(d.pc));
  const noteFound = h("span", { id: "notes-found" }, foundText(screenKinds(f.notes)));
  const noteWarn = h("div", { class: "warn" + (looksPersonal(f.notes) ? "" : " hidden"), id: "notes-warning" },
    t("Det här liknar personuppgifter", "This looks like personal data"), noteFound,
    t(". Skriv om – servern tar bort det annars.", ". Rephrase – the server removes it otherwise."));
  const pcInput = (k, sv, en, ph, attrs) => h("input", { class: "grow", "data-k": "pc-" + k, id: "pc-" + k, "aria-label": t(sv, en), placeholder: ph, value: d.pc[k], ...attrs, oninput: (e) => { d.pc[k] = e.target.value; pcOut.textContent = pcText(d.pc); saveDraft(); } });
  const ctxOpen = !!d.open.context;
  const sec = (id) => SECTIONS.find((s) => s.id === id);
  return h("section", { id: "contact-form" },
    h("h2", { id: "form-title", tabindex: "-1" }, d.existing ? t("Ändra kontakt", "Edit contact") : t("Ny kontakt", "New contact")),
    h("div", { class: "context" + (d.error ? " has-error" : "") },
      h("button", { type: "button", id: "c-context", class: "context-line", "aria-expanded": ctxOpen ? "true" : "false", "aria-controls": "context-body", "data-k": "context", onclick: () => { d.open.context = !ctxOpen; saveDraft(); render(); } },
        h("span", { class: "chev", "aria-hidden": "true" }, ctxOpen ? "▾" : "▸"), h("span", { class: "grow" }, contextLine(f)), h("span", { class: "change" }, ctxOpen ? t("Stäng", "Close") : t("Ändra", "Change"))),
      ctxOpen ? h("div", { id: "context-body" },
        h("div", { class: "row" },
          h("div", { class: "field grow" }, h("label", { class: "lbl", for: "c-date" }, t("Datum", "Date")),
            h("input", { id: "c-date", "data-k": "c-date", type: "date", max: today(), value: d.badDate || f.occurred_on, "aria-invalid": d.error ? "true" : null, "aria-describedby": d.error ? "date-error" : null, onchange: (e) => {
              const v = e.target.value;
              d.badDate = null;
              if (!v || v > today()) {
                d.badDate = v;
                d.error = !v ? t("Ange ett datum.", "Enter a date.") : t("Datumet ligger i framtiden. Välj dagens datum eller ett tidigare.", "The date is in the future. Choose today or an earlier date.");
              } else { d.error = null; setField("occurred_on", v); }
              render();
            } }),
            d.error ? h("p", { class: "error", id: "date-error" }, d.error) : null),
          h("div", { class: "grow" }, select(t("Område", "District"), "area", f.area, (v) => { setField("area", v); render(); }, "c-area"))),
        toggles("daypart", t("Tid på dygnet", "Part of day"), f.daypart, false, set("daypart"), ["morning", "afternoon", "evening", "night"]),
        toggles("channel", t("Kanal", "Channel"), f.channel, false, set("channel")),
        toggles("arena", t("Arena", "Arena"), f.arena, false, set("arena")),
        toggles("platforms", t("Plattformar", "Platforms"), parseSet(f.platforms), true, set("platforms"))) : null),
    toggles("age_band", t("Ålder", "Age"), f.age_band, false, set("age_band"), null, { big: true }),
    child ? childReminder() : null,
    child || parseSet(f.risk_groups).length ? toggles("risk_groups", t("Riskgrupp (barn)", "Risk group (child)"), parseSet(f.risk_groups), true, set("risk_groups")) : null,
    QUICK.slice(1).map((q) => [
      toggles(q.field, t(q.sv, q.en), f[q.field], false, set(q.field), null, { big: true }),
      q.field === "assessment" ? moreSection(sec("indicators"), () => [
        toggles("control", t("Kontrollmedel", "Means of control"), parseSet(f.control), true, set("control")),
        toggles("vulnerabilities", t("Sårbarheter", "Vulnerabilities"), parseSet(f.vulnerabilities), true, set("vulnerabilities")),
        f.role === "sells_sex" || f.role === "at_risk" || parseSet(f.compensation).length ? toggles("compensation", t("Ersättning för sex", "What was given for sex"), parseSet(f.compensation), true, set("compensation")) : null,
        suspected || parseSet(f.purposes).length ? toggles("purposes", t("Ändamål", "Purposes"), parseSet(f.purposes), true, set("purposes")) : null]) : null]),
    toggles("actions", t("Insatser", "Actions"), acts.filter((a) => COMMON_ACTIONS.includes(a)), true,
      (v) => setField("actions", [...v, ...acts.filter((a) => !COMMON_ACTIONS.includes(a))]), COMMON_ACTIONS, { big: true }),
    moreSection(sec("more_actions"), () => [
      toggles("actions", t("Fler insatser och hänvisningar", "More actions and referrals"), acts.filter((a) => !COMMON_ACTIONS.includes(a)), true,
        (v) => setField("actions", [...acts.filter((a) => COMMON_ACTIONS.includes(a)), ...v]), codes("actions").filter((a) => !COMMON_ACTIONS.includes(a)), { key: "actions_more", labels: "actions" }),
      h("div", { class: "row cards" }, h("span", { class: "lbl", id: "cards-label" }, t("Utdelade kort", "Cards handed out")),
        h("button", { type: "button", class: "secondary step", "data-k": "cards-", "aria-label": t("Ett kort färre", "One card fewer"), onclick: () => { setField("cards_given", Math.max(0, f.cards_given - 1)); render(); } }, "−"),
        h("output", { id: "c-cards", "aria-labelledby": "cards-label" }, String(f.cards_given)),
        h("button", { type: "button", class: "secondary step", "data-k": "cards+", "aria-label": t("Ett kort till", "One more card"), onclick: () => { setField("cards_given", Math.min(tax.max_cards_given, f.cards_given + 1)); render(); } }, "+"))]),
    moreSection(sec("person"), () => [
      select(t("Ursprungsregion", "Region of origin"), "origin_region", f.origin_region, (v) => setField("origin_region", v), "c-origin"),
      select(t("Samtalsspråk", "Language of the conversation"), "language", f.language, (v) => setField("language", v), "c-language"),
      toggles("interpreting", t("Tolkning", "Interpreting"), f.interpreting, false, set("interpreting"))]),
    moreSection(sec("notes"), () => [
      h("fieldset", {}, h("legend", {}, t("Personkod (valfri, sparas bara krypterad)", "Person code (optional, stored only as a hash)")),
        h("div", { class: "row" },
          pcInput("first", "Två första bokstäverna i förnamnet", "First two letters of the first name", t("Förnamn (2)", "First name (2)"), { maxlength: 2 }),
          pcInput("last", "Två första bokstäverna i efternamnet", "First two letters of the last name", t("Efternamn (2)", "Last name (2)"), { maxlength: 2 }),
          pcInput("year", "Födelseår", "Year of birth", t("Födelseår", "Year of birth"), { inputmode: "numeric", maxlength: 4 })),
        pcOut),
      h("div", { class: "field" }, h("label", { class: "lbl", for: "c-notes" }, t("Anteckning (inga personuppgifter)", "Note (no personal data)")),
        h("textarea", { id: "c-notes", "data-k": "c-notes", maxlength: tax.max_notes, "aria-describedby": "notes-warning", oninput: (e) => {
          d.f.notes = e.target.value;
          if (!d.touched.includes("notes")) d.touched.push("notes");
          const kinds = screenKinds(d.f.notes);
          const warn = kinds.length > 0;
          const shown = warn && noteWarn.classList.contains("hidden");
          noteFound.textContent = foundText(kinds);
          noteWarn.classList.toggle("hidden", !warn);
          // Newly shown: bring it out from under the Save bar.
          if (shown) noteWarn.scrollIntoView({ block: "nearest" });
          saveDraft();
        } }, f.notes),
        noteWarn)]));
}

function formBar() {
  const d = S.draft;
  if (d.confirm) {
    const q = { empty: t("Inget är ifyllt. Spara ändå?", "Nothing is filled in. Save anyway?"),
      discard: t("Kasta det du har fyllt i?", "Throw away what you filled in?"),
      gone: t("Kontakten har raderats av en kollega. Spara det du skrev som en ny kontakt?", "A colleague deleted this contact. Save what you wrote as a new contact?") }[d.confirm];
    return [h("p", { class: "ask", id: "ask" }, q),
      d.confirm === "discard"
        ? h("button", { class: "danger", id: "discard", "data-k": "discard", onclick: () => closeForm(true) }, t("Kasta", "Throw away"))
        : h("button", { id: "save-anyway", "data-k": "save-anyway", onclick: () => saveContact(true) }, d.confirm === "gone" ? t("Spara som ny", "Save as new") : t("Spara ändå", "Save anyway")),
      h("button", { class: "secondary", id: "keep-editing", "data-k": "keep-editing", onclick: () => { d.confirm = null; render(); focusFirst("#save-contact"); } }, t("Fortsätt fylla i", "Keep filling in"))];
  }
  return [h("button", { id: "save-contact", "data-k": "save", onclick: () => saveContact(false) }, t("Spara", "Save")),
    h("button", { class: "secondary", id: "cancel", "data-k": "cancel", onclick: () => closeForm(false) }, t("Avbryt", "Cancel"))];
}

function signInView() {
  const form = h("form", { id: "sign-in", onsubmit: async (e) => {
    e.preventDefault();
    try { await signIn(form.email.value, form.password.value); S.message = null; await refresh(); sync(false); }
    catch (err) {
      S.message = { kind: "warn", text: err.offline ? t("Ingen uppkoppling. Inloggning kräver nät.", "No connection. Signing in needs the network.")
        : err.status === 400 ? t("Fel e-post eller lösenord.", "Wrong e-mail or password.")
          : err.status === 429 ? t("För många försök. Vänta en stund och försök igen.", "Too many attempts. Wait a while and try again.") : err.message };
      render();
    }
  } },
  h("label", { class: "lbl", for: "email" }, t("E-post", "E-mail")), h("input", { id: "email", name: "email", type: "email", autocomplete: "username", required: true }),
  h("label", { class: "lbl", for: "password" }, t("Lösenord", "Password")), h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true }),
  h("p", {}, h("button", { type: "submit" }, t("Logga in", "Sign in"))),
  h("p", {}, t("En surfplatta skrivs in genom att skanna teamledarens QR-kod.", "A tablet is enrolled by scanning the team lead's QR code.")));
  return [h("h2", {}, t("Logga in", "Sign in")), ...notices(), form];
}

// lockedView: an enrolled tablet whose token expired or was locked out. It
// never shows an e-mail form; its unsynced records stay until a new code.
function lockedView() {
  return [h("section", { id: "locked" }, h("h2", {}, t("Surfplattan behöver en ny kod", "The tablet needs a new code")),
    h("p", {}, t("Surfplattans inloggning har gått ut eller spärrats. Be ledningen om en ny kod och skanna den.", "The tablet's sign-in has expired or was locked. Ask the lead for a new code and scan it.")),
    h("p", { id: "locked-waiting" }, S.waiting + S.rejected.length > 0
      ? t(`${S.waiting + S.rejected.length} osynkade poster finns kvar här och skickas när plattan har en ny kod.`, `${S.waiting + S.rejected.length} unsynced records are kept here and sent once the tablet has a new code.`)
      : t("Inget väntar på att synkas.", "Nothing is waiting to be synced.")))];
}

// A redraw that replaces the element under a finger between its press and
// its release eats the tap (the click needs both on one element). Redraws
// that nobody asked for (a sync ending, a store write finishing) wait while
// a pointer or key is held, and run right after the release's click.
let held = false;
let renderWaiting = false;
function hold() { held = true; }
function release() {
  held = false;
  if (renderWaiting) setTimeout(() => { if (!held && renderWaiting) render(); }, 0);
}
document.addEventListener("pointerdown", hold, true);
document.addEventListener("keydown", (e) => { if (e.key === " " || e.key === "Enter") hold(); }, true);
for (const ev of ["pointerup", "pointercancel", "keyup"]) document.addEventListener(ev, release, true);
window.addEventListener("blur", release);

// render draws the screen from S (synchronously). Focus and the caret are
// kept on the element with the same data-k, so a tap never loses focus.
function render() {
  if (held && !inHandler) { renderWaiting = true; return; }
  renderWaiting = false;
  document.documentElement.lang = S.lang;
  const active = document.activeElement;
  const key = active && active.dataset ? active.dataset.k : null;
  const caret = active && typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
  const who = S.auth ? [S.teamName || t("Team", "Team"), S.auth.name].filter(Boolean).join(" · ") : "";
  replaceWho(who);
  toolsEl.replaceChildren(...headerTools());
  statusEl.hidden = !S.auth;
  renderStatus();
  let kids;
  let bar = [];
  if (S.auth && S.auth.locked) kids = [...notices(), ...lockedView()];
  else if (!S.auth || S.auth.expired) kids = signInView();
  else if (S.view === "form" && S.draft) { kids = [formView()]; bar = formBar(); }
  else {
    kids = [...notices(), sessionView(), listView()];
    bar = [h("button", { id: "new-contact", "data-k": "new-contact", onclick: () => openForm(null) }, "+ " + t("Ny kontakt", "New contact"))];
  }
  mainEl.replaceChildren(...kids.flat().filter(Boolean));
  barEl.replaceChildren(...bar);
  barEl.hidden = bar.length === 0;
  document.body.classList.toggle("has-bar", bar.length > 0);
  if (key && !document.activeElement.dataset?.k) {
    const el = root.querySelector(`[data-k="${CSS.escape(key)}"]`);
    if (el) {
      el.focus({ preventScroll: true });
      if (caret && typeof el.setSelectionRange === "function") try { el.setSelectionRange(caret[0], caret[1]); } catch (e) { /* not a text field */ }
    }
  }
}

function replaceWho(text) {
  whoEl.replaceChildren(...[h("strong", {}, "uppsok"), text ? h("span", { id: "who" }, " · " + text) : null].filter(Boolean));
}

// focusFirst moves focus after a change of screen; the new screen starts
// at its top, where the confirmation and the newest contact are.
function focusFirst(sel) {
  const el = root.querySelector(sel);
  if (el) el.focus({ preventScroll: true });
  if (sel === "#new-contact" || sel.startsWith("[data-field=age_band]")) window.scrollTo(0, 0);
  else if (el) el.scrollIntoView({ block: "nearest" });
}

async function boot() {
  applyTheme();
  root.replaceChildren(h("header", {}, whoEl, statusEl, toolsEl), mainEl, barEl);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" }).catch(() => {});
  S.auth = (await store.meta("auth")) || null;
  S.run = (await store.meta("runningSession")) || null;
  if (S.run && !S.run.counts) S.run.counts = { persons_observed: 0, ads_reviewed: 0, messages_sent: 0 };
  S.draft = (await store.meta("draft")) || null;
  if (S.draft) S.view = "form";
  const m = location.hash.match(/^#\/enroll\/([A-Za-z0-9]+)$/);
  if (m) {
    history.replaceState(null, "", "/app/"); // the code leaves the address bar at once
    await tryEnroll(m[1]);
  }
  window.addEventListener("online", async () => {
    const p = await store.meta("pendingEnroll");
    if (p && !S.auth) { await tryEnroll(p.code); await refresh(); }
    sync(false);
  });
  window.addEventListener("offline", () => renderStatus());
  setInterval(() => { if (navigator.onLine) sync(false); }, 3 * 60 * 1000);
  await refresh();
  if (S.auth) sync(false);
}

window.uppsok = { store, sync, state: S }; // for the browser tests
boot();
