// Drives the staff console in Debian's Chromium (playwright-core) as a lead
// on a tablet held upright (768×1024) and as an admin: the follow-ups say
// why a child was flagged and come a page at a time, every account action
// is within reach, the lead sees the address banner, the information pages
// name their audience, and a card sheet of unreviewed pages prints after
// "Skriv ut ändå". axe-core runs on every screen; screenshots at 1280×800
// and 768×1024. Prints what it saw as JSON for console/tablet_test.go.
//
// usage: node console_tablet_check.mjs BASE OUT_DIR SPEC_JSON
// SPEC_JSON: {"password", "lead", "admin", "newFollowUp", "oldFollowUp"}
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

async function newPage(viewport) {
  const ctx = await browser.newContext({ viewport, bypassCSP: true, acceptDownloads: true });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => { (out.pageErrors ||= []).push(e.message); });
  return page;
}

async function signIn(page, email) {
  await page.goto(base + "/console/");
  await page.fill("#email", email);
  await page.fill("#password", spec.password);
  await page.click("#sign-in button[type=submit]");
  await page.waitForSelector("main[data-ready]", { timeout: T });
}

async function open(page, hash) {
  await page.evaluate((hash) => {
    const m = document.querySelector("main");
    if (m) delete m.dataset.ready;
    if (location.hash === "#/" + hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
    else location.hash = "#/" + hash;
  }, hash);
  await page.waitForSelector("main[data-ready]", { timeout: T });
}

// check runs axe on the current screen and takes both screenshots (the
// viewport it had is restored).
async function check(page, name) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ content: axeSource });
  out.axe[name] = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, target: String(v.nodes[0].target) }));
  });
  out.screens.push(name);
  const vp = page.viewportSize();
  for (const [w, h] of [[1280, 800], [768, 1024]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: `${outDir}/console_${name}_${w}.png` });
  }
  await page.setViewportSize(vp);
}

const count = (page, sel) => page.evaluate((sel) => document.querySelectorAll(sel).length, sel);
const text = (page, sel) => page.evaluate((sel) => { const e = document.querySelector(sel); return e ? e.innerText : ""; }, sel);

try {
  // ------------------------------------------------- lead, tablet upright
  const lead = await newPage({ width: 768, height: 1024 });
  await signIn(lead, spec.lead);
  out.leadStart = await lead.evaluate(() => location.hash);
  out.banner = await text(lead, "#address-banner");
  out.openDrawn = await count(lead, "#open-followups > li");
  out.openHeading = await text(lead, "main h2");
  out.moreVisible = await lead.isVisible("#open-more");
  await check(lead, "tablet_followups");
  if (out.moreVisible) {
    await lead.click("#open-more");
    out.openAfterMore = await count(lead, "#open-followups > li");
    out.moreAfter = await lead.isVisible("#open-more");
    out.focusAfterMore = await lead.evaluate(() => {
      const li = document.activeElement && document.activeElement.closest("#open-followups > li");
      return li ? [...li.parentNode.children].indexOf(li) : -1;
    });
  }
  out.closedRows = await count(lead, "#closed-followups tbody tr");
  out.closedRange = await text(lead, "#closed-range");
  if (await lead.isVisible("#closed-next")) {
    await lead.click("#closed-next");
    await lead.waitForSelector("main[data-ready] #closed-prev", { timeout: T });
    out.closedRowsPage2 = await count(lead, "#closed-followups tbody tr");
    out.closedRangePage2 = await text(lead, "#closed-range");
  }
  // Why the child was flagged: the new follow-up, opened by its link.
  await open(lead, "uppfoljningar/" + spec.newFollowUp);
  out.deepLinkFocus = await lead.evaluate((id) => {
    const li = document.activeElement && document.activeElement.closest("[data-id]");
    return (li && li.dataset.id === id && document.activeElement.tagName === "SUMMARY" && li.querySelector("details").open) || false;
  }, spec.newFollowUp);
  await lead.evaluate((id) => { document.querySelector(`[data-id="${id}"] details`).open = true; }, spec.newFollowUp);
  out.newSummary = await text(lead, `[data-id="${spec.newFollowUp}"] summary`);
  out.newFacts = await text(lead, `[data-id="${spec.newFollowUp}"] dl.facts`);
  await check(lead, "tablet_followup_reasons");
  await open(lead, "uppfoljningar/" + spec.oldFollowUp);
  await lead.evaluate((id) => { document.querySelector(`[data-id="${id}"] details`).open = true; }, spec.oldFollowUp);
  out.oldSummary = await text(lead, `[data-id="${spec.oldFollowUp}"] summary`);
  out.oldFacts = await text(lead, `[data-id="${spec.oldFollowUp}"] dl.facts`);

  // Accounts: every action inside the table's visible box and the window,
  // reached with Tab.
  await open(lead, "konton");
  await check(lead, "tablet_accounts");
  out.accountButtons = await count(lead, "#accounts button");
  out.accountButtonsCut = await lead.evaluate(() => [...document.querySelectorAll("#accounts button")].filter((b) => {
    b.scrollIntoView({ block: "center" });
    const r = b.getBoundingClientRect(), w = b.closest(".table-wrap").getBoundingClientRect();
    return r.width === 0 || r.left < w.left || r.right > w.right || r.right > window.innerWidth;
  }).map((b) => b.getAttribute("aria-label")));
  const target = await lead.evaluate(() => {
    const b = document.querySelector("#accounts button");
    return b ? b.getAttribute("aria-label") : "";
  });
  await lead.focus("#acc-create");
  out.tabbedTo = "";
  for (let i = 0; i < 40 && out.tabbedTo !== target; i++) {
    await lead.keyboard.press("Tab");
    out.tabbedTo = await lead.evaluate(() => (document.activeElement && document.activeElement.getAttribute("aria-label")) || "");
  }
  out.focusOutline = await lead.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  await open(lead, "surfplattor");
  await check(lead, "tablet_devices");

  // ------------------------------------------------------------ admin
  const ad = await newPage({ width: 1280, height: 800 });
  await signIn(ad, spec.admin);
  out.adminOpenDrawn = await count(ad, "#open-followups > li");
  await ad.selectOption("#fu-team", spec.otherTeam);
  // The filtered list is a new render: wait for it, not for the old one
  // (on a busy machine the old screen was read while the new one drew).
  await ad.evaluate(() => { const m = document.querySelector("main"); if (m) delete m.dataset.ready; });
  await ad.click("#fu-team-form button[type=submit]");
  await ad.waitForFunction(() => location.hash.includes("team=") && document.querySelector("main[data-ready]"), null, { timeout: T });
  await ad.waitForSelector("main[data-ready]", { timeout: T });
  out.adminOtherTeamHeading = await text(ad, "main h2");
  out.adminOtherTeamSummary = await text(ad, "#open-followups > li summary");
  await check(ad, "admin_followups_team");
  await open(ad, "informationssidor");
  out.audiences = await ad.evaluate(() => [...document.querySelectorAll("#pages tbody tr")].map((tr) => tr.cells[2].innerText));
  out.languages = await ad.evaluate(() => [...document.querySelectorAll("#pages tbody tr")].map((tr) => tr.cells[1].innerText));
  await check(ad, "admin_pages_named");

  // A card sheet for a page that waits for review: asked, then printed.
  await open(ad, "kort");
  await ad.selectOption("#card-page", { index: 0 });
  await ad.fill("#card-campaign", "Ogranskad natt");
  await ad.fill("#card-count", "2");
  await ad.click("#card-create");
  const row = '#card-groups tr:has-text("Ogranskad natt")';
  await ad.waitForSelector(row, { timeout: T });
  out.cardPageName = await ad.locator(`${row} th`).innerText();
  await ad.click(`${row} button`);
  await ad.waitForSelector("dialog[open] #dlg-ok", { timeout: T });
  out.reviewDialog = await text(ad, "dialog[open]");
  await check(ad, "admin_cards_unreviewed_dialog");
  const [dl] = await Promise.all([ad.waitForEvent("download", { timeout: T }), ad.click("dialog[open] #dlg-ok")]);
  out.sheet = `${outDir}/console_kort_ogranskad.pdf`;
  await dl.saveAs(out.sheet);
} catch (err) {
  out.error = String(err && err.stack || err);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
