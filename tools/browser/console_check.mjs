// Drives the staff console in Debian's Chromium (playwright-core) through
// what each role relies on, runs axe-core on every screen, saves
// screenshots at 1280×800 and 768×1024, and prints what it saw as JSON for
// the Go test (console/browser_test.go), which checks the server's side.
//
// usage: node console_check.mjs BASE OUT_DIR SPEC_JSON
// SPEC_JSON: {"password", "lead", "analyst", "admin", "year", "newWorker", "publicURL"}
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const [base, outDir, specJSON] = process.argv.slice(2);
const spec = JSON.parse(specJSON);
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const out = { axe: {}, screens: [] };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const T = 45000; // generous: the machine is shared
// Counting a lägesbild (with its audit) is the slowest step, much slower
// under the race detector that CI uses: its own, longer wait.
const TL = 300000;

// newPage: a fresh browser context (no shared storage). The console sends
// a strict CSP; axe is injected by the test, so the test context bypasses it.
async function newPage(viewport = { width: 1280, height: 800 }) {
  const ctx = await browser.newContext({ viewport, bypassCSP: true, acceptDownloads: true });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => { (out.pageErrors ||= []).push(e.message); });
  return { ctx, page };
}

async function signIn(page, email) {
  await page.goto(base + "/console/");
  await page.fill("#email", email);
  await page.fill("#password", spec.password);
  await page.click("#sign-in button[type=submit]");
  await page.waitForSelector("main[data-ready]", { timeout: T });
}

// open goes to a screen and waits until it has rendered.
async function open(page, hash, timeout = T) {
  await page.evaluate((hash) => {
    const m = document.querySelector("main");
    if (m) delete m.dataset.ready;
    if (location.hash === "#/" + hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
    else location.hash = "#/" + hash;
  }, hash);
  await page.waitForSelector("main[data-ready]", { timeout });
}

// check runs axe on the current screen and takes both screenshots.
async function check(page, name) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ content: axeSource });
  const res = await page.evaluate(async () => {
    if (!window.axe) return null;
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, target: String(v.nodes[0].target) }));
  });
  out.axe[name] = res;
  out.screens.push(name);
  const vp = page.viewportSize();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${outDir}/console_${name}_1280.png` });
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.screenshot({ path: `${outDir}/console_${name}_768.png` });
  await page.setViewportSize(vp);
}

async function saveDownload(page, selector, path, timeout = T) {
  const [dl] = await Promise.all([page.waitForEvent("download", { timeout }), page.click(selector)]);
  await dl.saveAs(path);
  return path;
}

try {
  // ---------------------------------------------------------------- lead
  const { page: lead } = await newPage();
  await lead.goto(base + "/console/");
  await lead.waitForSelector("#sign-in");
  await check(lead, "signin");
  await signIn(lead, spec.lead);
  out.leadStart = await lead.evaluate(() => location.hash);
  out.openFollowUps = await lead.$$eval("#open-followups > li", (l) => l.length);
  out.followUpText = await lead.$eval("#open-followups", (el) => el.textContent);
  await check(lead, "lead_followups");

  // Decide the first open follow-up.
  const fuId = await lead.$eval("#open-followups > li", (el) => el.dataset.id);
  out.followUpId = fuId;
  // The e-mail's link opens this follow-up.
  await open(lead, "uppfoljningar/" + fuId);
  out.deepLinkOpen = await lead.$eval(`[data-id="${fuId}"] details`, (d) => d.open);
  await lead.selectOption(`#fu-status-${fuId}`, "done");
  await lead.selectOption(`#fu-decision-${fuId}`, "report_of_concern_made");
  await lead.fill(`#fu-note-${fuId}`, "Orosanmälan skickad samma kväll.");
  await check(lead, "lead_followup_form");
  await lead.evaluate(() => { delete document.querySelector("main").dataset.ready; });
  await lead.click(`[data-id="${fuId}"] form button[type=submit]`);
  await lead.waitForSelector("#closed-followups", { timeout: T });
  out.closedAfterDecision = await lead.$$eval("#closed-followups tbody tr", (l) => l.length);

  // Enroll a tablet; a second browser opens the link and is enrolled; the
  // lead's list shows it without a reload.
  await open(lead, "surfplattor");
  await lead.fill("#enroll-label", "Platta Natt");
  await lead.click("#enroll-create");
  await lead.waitForSelector("#enroll-code", { timeout: T });
  const code = (await lead.textContent("#enroll-code")).replace(/\s/g, "");
  out.enrollCodeLength = code.length;
  out.qrLoaded = await lead.waitForFunction(() => { const img = document.querySelector("#enroll-result img.qr"); return img && img.complete && img.naturalWidth > 0; }, null, { timeout: T }).then(() => true, () => false);
  out.countdown = await lead.textContent("#enroll-countdown");
  await check(lead, "lead_enroll");
  const { ctx: tabCtx, page: tablet } = await newPage({ width: 768, height: 1024 });
  await tablet.goto(`${base}/app/#/enroll/${code}`);
  await tablet.waitForSelector("#new-contact", { timeout: T });
  out.tabletAuth = await tablet.evaluate(() => window.uppsok.store.meta("auth").then((a) => a && a.id));
  await lead.waitForSelector(`#devices tr[data-id="${out.tabletAuth}"]`, { timeout: T });
  out.enrolledListed = true;
  out.enrolledLabel = await lead.$eval(`#devices tr[data-id="${out.tabletAuth}"] th`, (el) => el.textContent);
  await check(lead, "lead_tablets");

  // Returned tablet: one contact logged offline reaches the server before
  // the wipe (only when the server knows revoke modes).
  if (spec.returnedMode) {
    await tabCtx.setOffline(true);
    await tablet.click("#new-contact");
    await tablet.click(`[data-field=age_band] [data-code="36_50"]`);
    await tablet.click(`[data-field=gender] [data-code="man"]`);
    await tablet.click(`[data-field=actions] [data-code="information"]`);
    await tablet.click("#save-contact");
    await tablet.waitForSelector("#new-contact");
    out.tabletContactIds = (await tablet.evaluate(() => window.uppsok.store.all("contacts"))).map((c) => c.id);
  }
  const devId = out.tabletAuth;
  await lead.click(`#devices tr[data-id="${devId}"] button.danger`);
  await lead.waitForSelector("dialog[open]");
  await lead.check(spec.returnedMode ? "#mode-returned" : "#mode-lost");
  await check(lead, "lead_revoke_dialog");
  await lead.evaluate(() => { delete document.querySelector("main").dataset.ready; });
  await lead.click("#dlg-ok");
  await lead.waitForSelector("main[data-ready]", { timeout: T });
  out.revokedState = await lead.$eval(`#devices tr[data-id="${devId}"]`, (tr) => tr.textContent);
  if (spec.returnedMode) {
    await tabCtx.setOffline(false);
    // Coming online starts a sync by itself; press Synka if it has not.
    try {
      await tablet.waitForSelector("#sign-in", { timeout: 8000 });
    } catch {
      await tablet.click("#sync-now", { timeout: T });
      await tablet.waitForSelector("#sign-in", { timeout: T });
    }
    out.tabletWipedContacts = (await tablet.evaluate(() => window.uppsok.store.all("contacts"))).length;
  }

  // Rename a tablet.
  await lead.click(`#devices tr[data-id="${devId}"] button.secondary`);
  await lead.fill("#rename-input", "Platta Natt (återlämnad)");
  await lead.evaluate(() => { delete document.querySelector("main").dataset.ready; });
  await lead.click("#dlg-ok");
  await lead.waitForSelector('#devices tr:has-text("Platta Natt (återlämnad)")', { timeout: T });

  // Create a worker account; it signs in to the field app.
  await open(lead, "konton");
  await lead.fill("#acc-name", "Nya Nora");
  await lead.fill("#acc-email", spec.newWorker);
  const newPassword = await lead.inputValue("#acc-password");
  await check(lead, "lead_accounts");
  await lead.evaluate(() => { delete document.querySelector("main").dataset.ready; });
  await lead.click("#acc-create");
  await lead.waitForSelector(`#accounts tr[data-email="${spec.newWorker}"]`, { timeout: T });
  // The password that was set stays on screen (the form gets a new suggestion).
  const shownPassword = await lead.textContent("#created-password");
  if (shownPassword !== newPassword) throw new Error(`the created account's password is not shown: ${shownPassword}`);
  const { page: worker } = await newPage({ width: 768, height: 1024 });
  await worker.goto(base + "/app/");
  await worker.fill("#email", spec.newWorker);
  await worker.fill("#password", newPassword);
  await worker.click("#sign-in button[type=submit]");
  await worker.waitForSelector("#new-contact", { timeout: T });
  out.newWorkerSignedIn = true;
  // The new worker cannot use the console.
  const { page: wc } = await newPage();
  await wc.goto(base + "/console/");
  await wc.fill("#email", spec.newWorker);
  await wc.fill("#password", newPassword);
  await wc.click("#sign-in button[type=submit]");
  await wc.waitForFunction(() => document.querySelector("#signin-error").textContent.length > 0, null, { timeout: T });
  out.workerConsoleRefused = await wc.textContent("#signin-error");

  await open(lead, "kort");
  await check(lead, "lead_cards");
  await open(lead, "aktivitet");
  out.activityText = await lead.textContent("main");
  await check(lead, "lead_activity");
  await lead.evaluate(() => { delete document.querySelector("main").dataset.ready; });
  await lead.click("#lang");
  await lead.waitForSelector("main[data-ready]", { timeout: T });
  out.englishNav = await lead.textContent("nav");
  await lead.click("#lang");
  // At night the tablet is in dark mode: the same checks in the dark theme.
  await lead.emulateMedia({ colorScheme: "dark" });
  for (const s of ["uppfoljningar", "surfplattor", "konton"]) {
    await open(lead, s);
    await check(lead, "lead_dark_" + s);
  }
  await lead.emulateMedia({ colorScheme: "light" });

  // ------------------------------------------------------------- analyst
  const { page: an } = await newPage();
  await signIn(an, spec.analyst);
  await open(an, `lagesbild?year=${spec.year}&tertial=0`, TL);
  out.hiddenCells = await an.$$eval("td.hidden-cell", (l) => l.length);
  out.hiddenCellText = await an.$$eval("td.hidden-cell", (l) => (l[0] ? l[0].textContent : ""));
  out.lagesbildText = (await an.textContent("main")).slice(0, 3000);
  out.hiddenExplained = await an.textContent("#hidden-explained");
  out.tables = await an.$$eval("section.lb-table", (l) => l.length);
  // Headers name the dimension and the periods; a table much wider than
  // long is turned; on a tablet last year's matrix sits below this year's.
  out.roleHeaders = await an.$$eval('[data-table="contacts_by_role"] thead th', (l) => l.map((x) => x.textContent));
  out.sessionsHeader = await an.$eval('[data-table="sessions_by_kind_area"] thead th', (x) => x.textContent).catch(() => "");
  await an.setViewportSize({ width: 768, height: 1024 });
  out.tabletStacked = await an.$eval('[data-table="contacts_by_gender_role"] .side', (s) => {
    const w = s.querySelectorAll(".table-wrap");
    return w.length === 2 && w[1].getBoundingClientRect().top > w[0].getBoundingClientRect().bottom;
  }).catch(() => false);
  await an.setViewportSize({ width: 1280, height: 800 });
  await check(an, "analyst_lagesbild");
  await an.fill("#lb-recipient", "Polisregion Stockholm");
  out.downloads = {};
  for (const f of ["csv", "xlsx", "pdf", "json"]) {
    out.downloads[f] = await saveDownload(an, "#dl-" + f, `${outDir}/console_lagesbild.${f}`, TL);
  }
  await an.fill("#rel-note", "Till polisen, helår");
  await an.fill("#rel-recipient", "Polisregion Stockholm");
  await an.click("#rel-freeze");
  await an.waitForSelector("dialog[open]");
  await an.click("#dlg-ok");
  await an.waitForFunction(() => document.querySelector("#freeze-result").textContent.length > 0, null, { timeout: TL });
  out.freezeResult = await an.textContent("#freeze-result");
  await open(an, "utgavor");
  out.releasesListed = await an.$$eval("#releases tbody tr", (l) => l.length);
  await an.click('#releases button:has-text("Vad ändrades?")');
  await an.waitForSelector("#diff h2", { timeout: T });
  out.diffRows = await an.$$eval("#diff-table tbody tr", (l) => l.length).catch(() => 0);
  out.diffText = await an.textContent("#diff");
  await an.$eval("#diff", (el) => el.scrollIntoView());
  await check(an, "analyst_release_diff");
  await check(an, "analyst_releases");
  // Orsaksanalys and aktivitetsplan for tertial 1.
  await open(an, `analys?year=${spec.year}&tertial=1`);
  await an.fill("#an-text", "Fler kontakter via nätet under våren; annonser flyttar mellan plattformar.");
  await an.evaluate(() => { delete document.querySelector("main").dataset.ready; });
  await an.click("#an-save");
  await an.waitForSelector("main[data-ready]", { timeout: T });
  await an.fill("#ac-activity", "Uppsökande arbete på nya plattformar");
  await an.fill("#ac-org", "Mikamottagningen");
  await an.fill("#ac-due", `${spec.year}-04-30`);
  await an.evaluate(() => { delete document.querySelector("main").dataset.ready; });
  await an.click("#ac-add");
  await an.waitForSelector("#activities tbody tr", { timeout: T });
  await an.selectOption("#activities tbody tr select", "ongoing");
  await an.waitForFunction(() => document.getElementById("toast").textContent.length > 0, null, { timeout: T });
  out.analysisText = await an.inputValue("#an-text");
  await check(an, "analyst_plan");
  await open(an, "exportlogg");
  out.exportLogRows = await an.$$eval("#export-log tbody tr", (l) => l.length).catch(() => 0);
  await check(an, "analyst_exportlog");
  out.analystNav = await an.textContent("nav");

  // --------------------------------------------------------------- admin
  const { page: ad } = await newPage();
  await signIn(ad, spec.admin);
  out.bannerBefore = await ad.isVisible("#address-banner");
  await open(ad, "installningar");
  await check(ad, "admin_settings_loopback");
  await ad.fill("#app-url", spec.publicURL);
  await ad.evaluate(() => { delete document.querySelector("main").dataset.ready; });
  await ad.click("#app-url-save");
  await ad.waitForSelector("main[data-ready]", { timeout: T });
  out.bannerAfter = await ad.isVisible("#address-banner");
  out.appURLNow = await ad.textContent("#app-url-now");
  await open(ad, "kort");
  await ad.selectOption("#card-page", { index: 0 });
  await ad.fill("#card-campaign", "Natt 2026");
  await ad.fill("#card-count", "3");
  await ad.evaluate(() => { delete document.querySelector("main").dataset.ready; });
  await ad.click("#card-create");
  await ad.waitForSelector('#card-groups tr:has-text("Natt 2026")', { timeout: T });
  await check(ad, "admin_cards");
  out.sheet = await saveDownload(ad, '#card-groups tr:has-text("Natt 2026") button', `${outDir}/console_kort.pdf`);
  await open(ad, "konton");
  out.adminAccounts = await ad.$$eval("#accounts tbody tr", (l) => l.length);
  await check(ad, "admin_accounts");
  await open(ad, "team");
  await check(ad, "admin_teams");
  await open(ad, "informationssidor");
  await check(ad, "admin_pages");
  await ad.click("#pages tbody tr a");
  await ad.waitForSelector("#pg-preview");
  await ad.fill("#pg-title", "Förhandsvisad titel");
  out.previewTitle = await ad.textContent("#pg-preview h3");
  await check(ad, "admin_page_edit");
  await open(ad, "uppfoljningar");
  await check(ad, "admin_followups");
  await open(ad, "surfplattor");
  await check(ad, "admin_tablets");
  // A superuser signs in with the same form and gets the admin's menu.
  const { page: su } = await newPage();
  await signIn(su, spec.superuser);
  out.superuserNav = await su.textContent("nav");
  // A token the server no longer accepts (expired, password changed,
  // deactivated; here a broken signature) returns the user to sign-in.
  await su.evaluate(() => { const s = window.uppsokConsole.pb.authStore; s.save(s.token.slice(0, -6) + "AAAAAA", s.record); window.uppsokConsole.recheck(); });
  await su.evaluate(() => location.hash = "#/team");
  await su.waitForSelector("#sign-in", { timeout: T });
  out.signedOutOn401 = await su.textContent("#signin-error");
} catch (err) {
  out.error = String(err && err.stack || err);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
