// The staff console: sign-in, the shell (navigation by role, language
// button) and the hash router. Each screen lives in its own module and
// renders into <main>. The server enforces every rule; the navigation only
// leaves out what a role cannot use anyway.
import PocketBase from "pocketbase";
import "./style.css";
import { h, fill, t, setLang, currentLang, setTaxonomy, errorText, busy, field } from "./ui.js";
import * as lead from "./lead.js";
import * as analyst from "./analyst.js";
import * as admin from "./admin.js";

const pb = new PocketBase("/");
pb.autoCancellation(false);
// A session that ended on the server (expired, password changed, account
// deactivated) sends the user back to sign-in instead of failing quietly.
pb.afterSend = (response, data) => {
  if (response.status === 401 && pb.authStore.isValid) {
    pb.authStore.clear();
    setTimeout(() => signInScreen(t("Du har loggats ut. Logga in igen.", "You were signed out. Sign in again.")), 0);
  }
  return data;
};

// Screens: route name (Swedish, in the address bar), label, roles, render.
const screens = [
  { name: "uppfoljningar", sv: "Uppföljningar", en: "Follow-ups", roles: ["lead", "admin"], render: lead.followUps },
  { name: "surfplattor", sv: "Surfplattor", en: "Tablets", roles: ["lead", "admin"], render: lead.tablets },
  { name: "konton", sv: "Konton", en: "Accounts", roles: ["lead", "admin"], render: lead.accounts },
  { name: "kort", sv: "Kort", en: "Cards", roles: ["lead", "admin"], render: lead.cards },
  { name: "aktivitet", sv: "Aktivitet", en: "Activity", roles: ["lead", "admin"], render: lead.activity },
  { name: "lagesbild", sv: "Lägesbild", en: "Situation report", roles: ["analyst", "admin"], render: analyst.lagesbild },
  { name: "utgavor", sv: "Utgåvor", en: "Releases", roles: ["analyst", "admin"], render: analyst.releases },
  { name: "analys", sv: "Orsaksanalys och aktivitetsplan", en: "Analysis and activity plan", roles: ["analyst", "admin"], render: analyst.plan },
  { name: "exportlogg", sv: "Exportlogg", en: "Export log", roles: ["analyst", "admin"], render: analyst.exportLog },
  { name: "team", sv: "Team", en: "Teams", roles: ["admin"], render: admin.teams },
  { name: "informationssidor", sv: "Informationssidor", en: "Information pages", roles: ["admin"], render: admin.pages },
  { name: "installningar", sv: "Inställningar", en: "Settings", roles: ["admin"], render: admin.settings },
];

// role of the signed-in account: superusers count as admins.
function role() {
  const r = pb.authStore.record;
  if (!pb.authStore.isValid || !r) return "";
  if (r.collectionName === "_superusers") return "admin";
  return r.role || "";
}
function startScreen(r) {
  return { lead: "uppfoljningar", analyst: "lagesbild", admin: "uppfoljningar" }[r] || "";
}

// ctx is what every screen gets.
const ctx = {
  pb,
  role,
  me: () => pb.authStore.record,
  team: () => (pb.authStore.record && pb.authStore.record.team) || "",
  token: () => pb.authStore.token,
  go: (path) => { location.hash = "#/" + path; },
  refresh: () => route(),
  settings: null, // leads and admins: {app_url, loopback}
  teams: [],
  cleanups: [],
};

const app = document.getElementById("app");

function signInScreen(message) {
  const email = h("input", { type: "email", autocomplete: "username", required: true, id: "email" });
  const password = h("input", { type: "password", autocomplete: "current-password", required: true, id: "password" });
  const err = h("p", { class: "error", role: "alert", id: "signin-error" }, message || "");
  const submit = h("button", { type: "submit" }, t("Logga in", "Sign in"));
  const form = h("form", { id: "sign-in", class: "card narrow", onsubmit: (e) => {
    e.preventDefault();
    err.textContent = "";
    busy(submit, async () => {
      try {
        await pb.collection("users").authWithPassword(email.value.trim(), password.value);
      } catch (e1) {
        // Superusers sign in here too (their own collection).
        try {
          await pb.collection("_superusers").authWithPassword(email.value.trim(), password.value);
        } catch (e2) {
          err.textContent = e1.status === 0 || e2.status === 0 ? errorText(e1)
            : t("Fel e-post eller lösenord, eller så är kontot avstängt.", "Wrong e-mail or password, or the account is deactivated.");
          password.focus();
          return;
        }
      }
      checkedAt = Date.now();
      if (!startScreen(role())) {
        pb.authStore.clear();
        err.textContent = t("Konsolen är för ledare, analytiker och administratörer. Fältpersonal använder fältappen på /app/.",
          "The console is for leads, analysts and admins. Field staff use the field app at /app/.");
        return;
      }
      await afterSignIn();
      route();
    });
  } },
  h("h1", { tabindex: "-1" }, t("Logga in i konsolen", "Sign in to the console")),
  h("p", {}, t("För teamledare, analytiker och administratörer.", "For team leads, analysts and admins.")),
  field(t("E-post", "E-mail"), email),
  field(t("Lösenord", "Password"), password),
  err,
  submit);
  fill(app, header(null), h("main", { id: "main" }, form));
  email.focus();
}

function langButton() {
  return h("button", { class: "secondary small", id: "lang", lang: currentLang() === "sv" ? "en" : "sv", onclick: () => {
    setLang(currentLang() === "sv" ? "en" : "sv");
    if (role()) route(); else signInScreen();
  } }, currentLang() === "sv" ? "English" : "Svenska");
}

function header(r) {
  const me = pb.authStore.record;
  return h("header", {},
    h("p", { class: "brand" }, "uppsok ", h("span", {}, t("konsol", "console"))),
    r ? h("p", { class: "who" }, (me.name || me.email) + " · " + roleName(r)) : null,
    langButton(),
    r ? h("button", { class: "secondary small", id: "sign-out", onclick: () => { pb.authStore.clear(); location.hash = ""; signInScreen(); } }, t("Logga ut", "Sign out")) : null);
}

function roleName(r) {
  if (pb.authStore.record && pb.authStore.record.collectionName === "_superusers") return t("superanvändare", "superuser");
  return { lead: t("teamledare", "team lead"), analyst: t("analytiker", "analyst"), admin: t("administratör", "admin") }[r] || r;
}

async function afterSignIn() {
  ctx.settings = null;
  try {
    ctx.teams = await pb.collection("teams").getFullList({ sort: "name" });
  } catch { ctx.teams = []; }
  if (role() === "admin" || role() === "lead") {
    try { ctx.settings = await pb.send("/api/console/settings", {}); } catch { ctx.settings = null; }
  }
}

// PocketBase treats a token it no longer accepts as no sign-in at all (lists
// come back empty), so the session is checked with the server at most once
// a minute, on navigation; a refused one returns the user to sign-in.
let checkedAt = Date.now();
async function sessionAlive() {
  if (Date.now() - checkedAt < 60000) return true;
  try {
    const col = pb.authStore.record.collectionName === "_superusers" ? "_superusers" : "users";
    await pb.collection(col).authRefresh();
    checkedAt = Date.now();
    return true;
  } catch (err) {
    if (err.status === 0) return true; // offline: keep what is on screen
    pb.authStore.clear();
    return false;
  }
}

async function route() {
  for (const f of ctx.cleanups.splice(0)) f();
  if (role() && !(await sessionAlive())) {
    return signInScreen(t("Du har loggats ut. Logga in igen.", "You were signed out. Sign in again."));
  }
  const r = role();
  if (!r) return signInScreen();
  // "#/name/param?query": the query is read by the screen itself.
  const [name, ...rest] = location.hash.replace(/^#\/?/, "").split("?")[0].split("/");
  const allowed = screens.filter((s) => s.roles.includes(r));
  let screen = allowed.find((s) => s.name === name);
  if (!screen) {
    // replaceState, not location.replace: no hashchange, so the start
    // screen is drawn once (a second route drew it again, under the first).
    history.replaceState(null, "", "#/" + startScreen(r));
    screen = allowed.find((s) => s.name === startScreen(r));
  }
  // Open follow-ups are counted in the menu, so a lead sees them from any screen.
  let openCount = 0;
  if (r === "lead" || r === "admin") {
    try { openCount = (await pb.collection("follow_ups").getList(1, 1, { filter: 'status != "done"' })).totalItems; } catch { openCount = 0; }
  }
  const nav = h("nav", { "aria-label": t("Huvudmeny", "Main menu") },
    h("ul", {}, allowed.map((s) => h("li", {}, h("a", { href: "#/" + s.name, "aria-current": s === screen ? "page" : null }, t(s.sv, s.en),
      s.name === "uppfoljningar" && openCount ? h("span", { class: "count", id: "open-count" }, h("span", { class: "sr-only" }, t(", öppna: ", ", open: ")), openCount) : null)))));
  const main = h("main", { id: "main", tabindex: "-1" });
  const banner = (r === "admin" || r === "lead") && ctx.settings && ctx.settings.loopback
    ? h("section", { class: "banner", id: "address-banner", "aria-label": t("Varning om den publika adressen", "Warning about the public address") },
      h("strong", {}, t("Den publika adressen är inte satt. ", "The public address is not set. ")),
      t("QR-koder, kort och inskrivningslänkar pekar nu på ", "QR codes, cards and enroll links now point to "), h("code", {}, ctx.settings.app_url),
      t(", som bara fungerar på den här datorn. ", ", which only works on this machine. "),
      r === "admin"
        ? h("a", { href: "#/installningar" }, t("Sätt adressen under Inställningar.", "Set it under Settings."))
        : t("Skriv inte ut kort och skriv inte in surfplattor förrän den är satt. Be en administratör att sätta den publika adressen.", "Do not print cards or enroll tablets until it is set. Ask an admin to set the public address."))
    : null;
  fill(app, header(r), banner || "", h("div", { class: "layout" }, nav, main));
  main.append(h("p", { class: "muted" }, t("Hämtar…", "Loading…")));
  try {
    await screen.render(main, ctx, rest);
  } catch (err) {
    fill(main, h("h1", {}, t(screen.sv, screen.en)), h("p", { class: "error", role: "alert" }, errorText(err)));
    if (err && err.status === 401) { pb.authStore.clear(); signInScreen(t("Du har loggats ut. Logga in igen.", "You were signed out. Sign in again.")); return; }
  }
  // Focus the heading, unless the screen put it somewhere itself (a
  // follow-up opened by the link in an alert e-mail).
  const h1 = main.querySelector("h1");
  if (h1) h1.tabIndex = -1;
  if (h1 && !main.contains(document.activeElement)) h1.focus({ preventScroll: true });
  document.title = t(screen.sv, screen.en) + " – uppsok";
  main.dataset.ready = "1"; // for browser tests: the screen has rendered
}

window.addEventListener("hashchange", route);

// Start: load the code lists, refresh a stored session, then route.
(async () => {
  try {
    const res = await fetch("/console/taxonomy.json");
    setTaxonomy(await res.json());
  } catch { setTaxonomy({}); }
  if (pb.authStore.isValid) {
    try {
      const col = pb.authStore.record.collectionName === "_superusers" ? "_superusers" : "users";
      await pb.collection(col).authRefresh();
      await afterSignIn();
    } catch {
      pb.authStore.clear();
    }
  }
  route();
})();

// For browser tests and debugging.
window.uppsokConsole = { pb, recheck: () => { checkedAt = 0; } };
