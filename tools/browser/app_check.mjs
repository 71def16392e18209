// Drives the field app in Debian's Chromium (playwright-core) through the
// flows a worker relies on, and prints what it saw as JSON for the Go test:
//  1. sign in, go offline, start a session, log three contacts, reload
//     offline (the app and its data are still there), end the session, go
//     online, sync;
//  2. two browsers edit the same contact offline and converge;
//  3. a revoked tablet wipes itself.
// Screenshots at 768×1024 and 360×740 go to OUT_DIR.
//
// usage: node app_check.mjs BASE OUT_DIR EMAIL_A EMAIL_B PASSWORD ENROLL_CODE LEAD_TOKEN
import { chromium } from "playwright-core";

const [base, outDir, emailA, emailB, password, enrollCode, leadToken] = process.argv.slice(2);
const out = {};
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

const waiting = (page) => page.$eval("#sync-status", (el) => Number(el.dataset.waiting));
async function waitWaiting(page, n, timeout = 15000) {
  await page.waitForFunction((n) => { const el = document.querySelector("#sync-status"); return el && Number(el.dataset.waiting) === n && !el.textContent.includes("Synkar"); }, n, { timeout });
}
async function signIn(page, email) {
  await page.goto(base + "/app/");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("#sign-in button[type=submit]");
  await page.waitForSelector("#new-contact");
  await page.evaluate(() => navigator.serviceWorker.ready);
  await waitWaiting(page, 0);
}
async function logContact(page, age, gender) {
  await page.click("#new-contact");
  await page.click(`[data-field=age_band] [data-code="${age}"]`);
  await page.click(`[data-field=gender] [data-code="${gender}"]`);
  await page.click(`[data-field=actions] [data-code="information"]`);
  await page.click("#save-contact");
  await page.waitForSelector("#new-contact");
}
// syncNow clicks Sync and waits until that sync has finished.
async function syncNow(page) {
  const before = await page.$eval("#sync-status", (el) => Number(el.dataset.syncedAt));
  await page.click("#sync-now");
  await page.waitForFunction((b) => { const el = document.querySelector("#sync-status"); return el && Number(el.dataset.syncedAt) > b; }, before, { timeout: 15000 });
}
const local = (page, table) => page.evaluate((t) => window.uppsok.store.all(t), table);

try {
  // 1. Offline logging survives a reload and syncs exactly once.
  const ctxA = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const a = await ctxA.newPage();
  await signIn(a, emailA);
  await ctxA.setOffline(true);
  await a.click("#start-session");
  await a.waitForSelector("#end-session");
  await logContact(a, "26_35", "woman");
  await logContact(a, "18_20", "woman");
  await logContact(a, "15_17", "man");
  out.waitingOffline = await waiting(a);
  await a.click("#new-contact");
  await a.click(`[data-field=age_band] [data-code="under_15"]`);
  out.childWarning = await a.isVisible("#child-warning");
  await a.fill("#c-notes", "ring 070-123 45 67");
  out.notesWarning = await a.isVisible("#notes-warning");
  await a.screenshot({ path: `${outDir}/app_form_768.png`, fullPage: true });
  await a.click("text=Avbryt");
  await a.reload();
  await a.waitForSelector("#new-contact");
  out.waitingAfterReload = await waiting(a);
  out.listedAfterReload = await a.$$eval("#recent li", (l) => l.length);
  await a.fill("#s-persons_observed", "4");
  await a.click("#end-session");
  await a.screenshot({ path: `${outDir}/app_offline_768.png`, fullPage: true });
  await ctxA.setOffline(false);
  await syncNow(a);
  await waitWaiting(a, 0);
  out.contactIds = (await local(a, "contacts")).map((c) => c.id).sort();
  out.sessionIds = (await local(a, "outreach_sessions")).map((s) => s.id);
  out.rawCodesLeft = (await local(a, "contacts")).filter((c) => c.person_code).length;
  await a.screenshot({ path: `${outDir}/app_synced_768.png`, fullPage: true });

  // 2. Two browsers edit the same contact offline and converge.
  const ctxB = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const b = await ctxB.newPage();
  await signIn(b, emailB);
  const x = out.contactIds[0];
  out.convergeId = x;
  await ctxA.setOffline(true);
  await ctxB.setOffline(true);
  await a.click(`#recent li[data-id="${x}"] button.secondary`);
  await a.click('button[aria-label="Ett kort till"]');
  await a.click('button[aria-label="Ett kort till"]');
  await a.click("#save-contact");
  await b.click(`#recent li[data-id="${x}"] button.secondary`);
  await b.click(`[data-field=actions] [data-code="support_talk"]`);
  await b.click("#save-contact");
  await b.screenshot({ path: `${outDir}/app_offline_360.png`, fullPage: true });
  await ctxA.setOffline(false);
  await syncNow(a);
  await waitWaiting(a, 0);
  await ctxB.setOffline(false);
  await syncNow(b);
  await waitWaiting(b, 0);
  await syncNow(a);
  await waitWaiting(a, 0);
  const pick = (r) => ({ cards_given: r.cards_given, actions: JSON.parse(r.actions).sort() });
  out.convergedA = pick((await local(a, "contacts")).find((c) => c.id === x));
  out.convergedB = pick((await local(b, "contacts")).find((c) => c.id === x));
  await b.screenshot({ path: `${outDir}/app_synced_360.png`, fullPage: true });

  // 3. A revoked tablet wipes itself.
  const ctxC = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const c = await ctxC.newPage();
  await c.goto(`${base}/app/#/enroll/${enrollCode}`);
  await c.waitForSelector("#new-contact");
  out.enrollCodeInURL = c.url().includes(enrollCode);
  await logContact(c, "36_50", "man");
  await waitWaiting(c, 0);
  const auth = await c.evaluate(() => window.uppsok.store.meta("auth"));
  const res = await fetch(`${base}/api/field/devices/${auth.id}/revoke`, { method: "POST", headers: { Authorization: leadToken } });
  out.revokeStatus = res.status;
  await c.click("#sync-now");
  await c.waitForSelector("#sign-in");
  out.wipedContacts = (await local(c, "contacts")).length;
  out.wipedAuth = await c.evaluate(() => window.uppsok.store.meta("auth"));
  await c.screenshot({ path: `${outDir}/app_wiped_768.png` });
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
