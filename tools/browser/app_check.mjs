// Drives the field app in Debian's Chromium (playwright-core) through the
// flows a worker relies on, and prints what it saw as JSON for the Go test
// (field/app/browser_test.go):
//  1. sign in, go offline, start a session, log three contacts, reload
//     offline (the app and its data are still there), end the session, go
//     online, sync;
//  2. two browsers edit the same contact offline and converge; an edit
//     started before a re-render (offline/online events, a sync) is kept;
//  3. a colleague deletes a contact edited offline: the worker is told and
//     keeps the edit as a new contact;
//  4. at 768×1024 and 360×740, on an enrolled tablet: the three standard
//     contacts (taps and key presses counted), save confirmation,
//     validation, session counts through contacts and syncs, themes,
//     toggle contrast from computed styles, axe-core on every screen state,
//     offline enrollment, an expired token;
//  5. sign-out syncs first; a revoked tablet wipes itself.
// Screenshots go to OUT_DIR.
//
//  6. a returned tablet pushes its unsynced child contact, then wipes; a
//     tablet whose device record was deleted wipes itself.
//
// usage: node app_check.mjs BASE OUT_DIR EMAIL_A EMAIL_B PASSWORD ENROLL_CODE LEAD_TOKEN TEAM_ID ADMIN_TOKEN
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");
const [base, outDir, emailA, emailB, password, enrollCode, leadToken, teamId, adminToken] = process.argv.slice(2);
const out = { axe: [], axeStates: [], taps: {}, keys: {}, contrast: {}, sizes: {} };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
// bypassCSP lets the test inject axe-core into the app's strict CSP.
// Generous timeouts: the machine may be busy (no wall-clock limit is asserted).
async function newContext(width, height) {
  const ctx = await browser.newContext({ viewport: { width, height }, bypassCSP: true });
  ctx.setDefaultTimeout(90000);
  return ctx;
}

const waiting = (page) => page.$eval("#sync-status", (el) => Number(el.dataset.waiting));
async function waitWaiting(page, n, timeout = 90000) {
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
  await page.waitForFunction((b) => { const el = document.querySelector("#sync-status"); return el && Number(el.dataset.syncedAt) > b; }, before, { timeout: 90000 });
}
const local = (page, table) => page.evaluate((t) => window.uppsok.store.all(t), table);
const pick = (r) => ({ cards_given: r.cards_given, actions: JSON.parse(r.actions).sort() });

// axe runs axe-core on the current screen; critical and serious violations
// are reported with the state's name.
async function axe(page, state) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ path: axePath });
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "critical" || v.impact === "serious")
      .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  out.axeStates.push(state);
  for (const v of res) out.axe.push({ state, ...v });
}

// contrast measures every visible toggle from its computed style: the
// boundary (fill if it differs from the surface, else the border) against
// the surface behind it (3:1), the label against its own fill (4.5:1), and
// whether selected and unselected differ by more than colour (a mark).
async function contrast(page) {
  return page.evaluate(() => {
    const rgb = (s) => { const m = s.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
    const lum = ({ r, g, b }) => { const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const behind = (el) => { for (let p = el.parentElement; p; p = p.parentElement) { const c = rgb(getComputedStyle(p).backgroundColor); if (c.a > 0) return c; } return { r: 255, g: 255, b: 255, a: 1 }; };
    const res = { pressed: { n: 0, boundary: 99, text: 99, marked: true }, unpressed: { n: 0, boundary: 99, text: 99, marked: true } };
    for (const el of document.querySelectorAll(".opt")) {
      if (!el.offsetParent) continue;
      const cs = getComputedStyle(el);
      const surface = behind(el);
      const fill = rgb(cs.backgroundColor);
      const own = fill.a > 0 ? fill : surface;
      const fillStands = fill.a > 0 && ratio(fill, surface) >= 1.05;
      const boundary = Math.max(fillStands ? ratio(fill, surface) : 0, parseFloat(cs.borderTopWidth) > 0 ? ratio(rgb(cs.borderTopColor), surface) : 0);
      const pressed = el.getAttribute("aria-pressed") === "true";
      const mark = getComputedStyle(el, "::before").content;
      const r = res[pressed ? "pressed" : "unpressed"];
      r.n++;
      r.boundary = Math.min(r.boundary, Math.round(boundary * 100) / 100);
      r.text = Math.min(r.text, Math.round(ratio(rgb(cs.color), own) * 100) / 100);
      if (pressed !== (mark.includes("✓"))) r.marked = false;
    }
    res.dark = lum(rgb(getComputedStyle(document.body).backgroundColor)) < 0.1;
    return res;
  });
}

// tapper counts the worker's taps (trusted clicks) in the page.
async function countTaps(page, fn) {
  await page.evaluate(() => { window.__taps = 0; window.__tapper = window.__tapper || document.addEventListener("click", (e) => { if (e.isTrusted) window.__taps++; }, true) || 1; });
  await fn();
  return page.evaluate(() => window.__taps);
}
async function lastSaved(page) {
  const id = await page.evaluate(() => window.uppsok.state.lastSaved);
  const r = (await local(page, "contacts")).find((c) => c.id === id);
  return { id, age_band: r.age_band, gender: r.gender, role: r.role, assessment: r.assessment, channel: r.channel, arena: r.arena,
    actions: JSON.parse(r.actions).sort(), indicators: [...JSON.parse(r.control), ...JSON.parse(r.vulnerabilities)].sort() /* schema 3: the old indicators */, cards_given: r.cards_given, occurred_on: r.occurred_on, session_id: r.session_id };
}
const liveRegions = (page) => page.$$eval("[aria-live],[role=status],[role=alert],[role=log]", (l) => l.map((e) => e.id || e.tagName));

try {
  // 1. Offline logging survives a reload and syncs exactly once.
  const ctxA = await newContext(768, 1024);
  const a = await ctxA.newPage();
  await signIn(a, emailA);
  await axe(a, "main, no session");
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
  await a.click("#more-notes");
  await a.fill("#c-notes", "ring 070-123 45 67");
  out.notesWarning = await a.isVisible("#notes-warning");
  // The same screen as the server's: a name after "heter" warns, a place
  // named the same way does not.
  await a.fill("#c-notes", "Hon sa att hon heter Ahmed");
  out.notesWarningName = await a.isVisible("#notes-warning");
  out.notesWarningNameText = await a.textContent("#notes-warning");
  await a.fill("#c-notes", "Stället heter Relax Spa");
  out.notesWarningPlace = await a.isVisible("#notes-warning");
  await a.fill("#c-notes", "ring 070-123 45 67");
  // Shown again as it is typed: not under the Save bar.
  out.notesWarningClear = await a.evaluate(() => {
    const w = document.querySelector("#notes-warning").getBoundingClientRect();
    const bar = document.querySelector(".bar");
    return w.height > 0 && w.top >= 0 && (!bar || w.bottom <= bar.getBoundingClientRect().top + 1);
  });
  await a.screenshot({ path: `${outDir}/app_form_768.png`, fullPage: true });
  await axe(a, "form, child, notes warning");
  await a.click("#cancel");
  await a.click("#discard");
  await a.waitForSelector("#new-contact"); // the draft is cleared in IndexedDB by then
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

  // 2. Two browsers edit the same contact offline and converge. A's taps
  // are split by everything that used to redraw the form (the offline
  // event, a sync attempt, the online event): none may be lost.
  const ctxB = await newContext(360, 740);
  const b = await ctxB.newPage();
  await signIn(b, emailB);
  const x = out.contactIds[0];
  out.convergeId = x;
  await ctxA.setOffline(true);
  await ctxB.setOffline(true);
  await a.click(`#recent li[data-id="${x}"] button.edit`);
  await a.click("#more-more_actions");
  await a.click('button[aria-label="Ett kort till"]');
  await a.evaluate(async () => { window.dispatchEvent(new Event("offline")); window.dispatchEvent(new Event("online")); await window.uppsok.sync(true); });
  await a.click('button[aria-label="Ett kort till"]');
  out.cardsShownBeforeSave = Number(await a.textContent("#c-cards"));
  await a.click("#save-contact");
  await b.click(`#recent li[data-id="${x}"] button.edit`);
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
  out.convergedA = pick((await local(a, "contacts")).find((c) => c.id === x));
  out.convergedB = pick((await local(b, "contacts")).find((c) => c.id === x));
  await b.screenshot({ path: `${outDir}/app_synced_360.png`, fullPage: true });

  // 3. B logs a contact; A edits it offline while B deletes it.
  await logContact(b, "36_50", "woman");
  await waitWaiting(b, 0);
  const y = await b.evaluate(() => window.uppsok.state.lastSaved);
  await syncNow(a);
  await ctxA.setOffline(true);
  await a.click(`#recent li[data-id="${y}"] button.edit`);
  await a.click(`[data-field=actions] [data-code="support_talk"]`);
  await a.click("#save-contact");
  b.once("dialog", (d) => d.accept());
  await b.click(`#recent li[data-id="${y}"] button.danger`);
  // The delete is pushed once B no longer holds the record at all.
  await b.waitForFunction(async (y) => !(await window.uppsok.store.get("contacts", y)), y, { timeout: 90000, polling: 200 });
  await waitWaiting(b, 0);
  await ctxA.setOffline(false);
  await syncNow(a);
  await a.waitForSelector(`.rejected[data-id="${y}"] .keep-new`);
  out.deletedMessage = await a.textContent(`.rejected[data-id="${y}"] p`);
  await a.screenshot({ path: `${outDir}/app_deleted_by_colleague_768.png`, fullPage: true });
  await axe(a, "main, edit deleted by a colleague");
  await a.click(`.rejected[data-id="${y}"] .keep-new`);
  await a.waitForSelector(`.rejected[data-id="${y}"]`, { state: "detached" });
  await syncNow(a);
  await waitWaiting(a, 0);
  const kept = (await local(a, "contacts")).filter((c) => c.id !== y && JSON.parse(c.actions).includes("support_talk") && c.age_band === "36_50");
  out.keptAsNewIds = kept.map((c) => c.id);
  out.deletedStillLocal = (await local(a, "contacts")).some((c) => c.id === y);

  // 4. The worker's experience, on an enrolled tablet at both sizes.
  const codes = [];
  for (let i = 0; i < 5; i++) {
    const r = await fetch(`${base}/api/field/enrollments`, { method: "POST", headers: { Authorization: leadToken, "Content-Type": "application/json" }, body: JSON.stringify({ team_id: teamId, label: `Surfplatta ${i + 2}` }) });
    codes.push((await r.json()).code);
  }
  for (const [w, hgt, code] of [[768, 1024, codes[0]], [360, 740, codes[1]]]) {
    const S = `${w}`;
    const res = {};
    out.sizes[S] = res;
    const ctx = await newContext(w, hgt);
    const p = await ctx.newPage();
    await p.goto(`${base}/app/#/enroll/${code}`);
    await p.waitForSelector("#new-contact");
    await p.waitForSelector("#enrolled");
    await waitWaiting(p, 0);
    await p.waitForFunction(() => document.querySelector("#enrolled").textContent.includes("hör nu till"));
    res.enrolledText = await p.textContent("#enrolled");
    res.header = await p.textContent("header .who");
    res.emailFormShown = await p.isVisible("#email");
    await p.evaluate(() => navigator.serviceWorker.ready);
    await p.screenshot({ path: `${outDir}/app_enrolled_${S}.png` });
    await axe(p, `enrolled ${S}`);

    // Street session: no ads or messages asked.
    await p.click("#start-session");
    await p.waitForSelector("#end-session");
    res.streetAsksAds = (await p.$("#s-ads_reviewed")) !== null || (await p.$("#s-messages_sent")) !== null;
    await p.fill("#s-persons_observed", "7");
    await axe(p, `street session ${S}`);

    // (a) by taps.
    res.tapsA = await countTaps(p, async () => {
      await p.click("#new-contact");
      await p.click('[data-field=age_band] [data-code="26_35"]');
      await p.click('[data-field=gender] [data-code="woman"]');
      await p.click('[data-field=role] [data-code="sells_sex"]');
      await p.click('[data-field=assessment] [data-code="none"]');
      await p.click('[data-field=actions] [data-code="information"]');
      res.focusKept = await p.evaluate(() => document.activeElement && document.activeElement.dataset.code === "information");
      await p.click('[data-field=actions] [data-code="info_card"]');
      await p.screenshot({ path: `${outDir}/app_contact_a_${S}.png` });
      await axe(p, `form (a) filled ${S}`);
      res.contrastLight = await contrast(p);
      await p.click("#save-contact");
    });
    await p.waitForSelector("#new-contact");
    res.savedA = await lastSaved(p);
    res.toast = await p.textContent("#sync-status");
    res.newOnTop = await p.evaluate(() => document.querySelector("#recent li").dataset.id === window.uppsok.state.lastSaved);
    res.liveRegions = await liveRegions(p);
    await p.screenshot({ path: `${outDir}/app_saved_${S}.png` });
    await axe(p, `saved ${S}`);

    // Session counts survive a contact and syncs.
    res.personsAfterContact = await p.inputValue("#s-persons_observed");
    await p.evaluate(() => window.uppsok.sync(true));
    await waitWaiting(p, 0);
    res.personsAfterSync = await p.inputValue("#s-persons_observed");

    // (c) a girl 15–17.
    res.tapsC = await countTaps(p, async () => {
      await p.click("#new-contact");
      await p.click('[data-field=age_band] [data-code="15_17"]');
      await p.click('[data-field=gender] [data-code="woman"]');
      await p.click('[data-field=role] [data-code="sells_sex"]');
      await p.click('[data-field=assessment] [data-code="indicators"]');
      await p.click('[data-field=vulnerabilities] [data-code="homeless"]');
      await p.click('[data-field=actions] [data-code="report_of_concern"]');
      res.childTel = await p.$$eval("#child-warning a", (l) => l.map((a) => a.getAttribute("href")));
      await p.screenshot({ path: `${outDir}/app_contact_c_${S}.png`, fullPage: true });
      await axe(p, `form (c) child ${S}`);
      await p.click("#save-contact");
    });
    await p.waitForSelector("#new-contact");
    res.savedC = await lastSaved(p);
    await p.waitForFunction(() => document.querySelector("#sync-status").textContent.includes("uppföljning"), null, { timeout: 90000 });
    res.followupToast = await p.textContent("#sync-status");

    // (a) by keyboard: Tab, Shift+Tab, arrows, Space and Enter all count.
    await p.focus("#new-contact");
    const keys = ["Enter", "ArrowRight", "ArrowRight", "ArrowRight", "ArrowRight", "Space", "Tab", "Space", "Tab", "Space", "Tab", "Space",
      "Tab", "Tab", "Space", "ArrowRight", "Space", "Tab", "Tab", "Tab", "Tab", "Enter"];
    for (const k of keys) await p.keyboard.press(k);
    await p.waitForSelector("#new-contact");
    res.keysA = keys.length;
    res.savedKeysA = await lastSaved(p);

    // Validation: a future date is refused; an empty contact asks first.
    await p.click("#new-contact");
    await p.click("#c-context");
    const tomorrow = await p.evaluate(() => { const d = new Date(); d.setDate(d.getDate() + 1); return d.toLocaleDateString("sv-SE"); });
    await p.fill("#c-date", tomorrow);
    res.futureDateError = await p.isVisible("#date-error") ? await p.textContent("#date-error") : "";
    res.dateKept = await p.evaluate(() => window.uppsok.state.draft.f.occurred_on);
    await p.screenshot({ path: `${outDir}/app_future_date_${S}.png`, fullPage: true });
    await axe(p, `form, future date ${S}`);
    await p.fill("#c-date", await p.evaluate(() => new Date().toLocaleDateString("sv-SE")));
    await p.click("#save-contact");
    await p.waitForSelector("#ask");
    res.emptyAsk = await p.textContent("#ask");
    await p.screenshot({ path: `${outDir}/app_empty_ask_${S}.png` });
    await axe(p, `form, empty contact asks ${S}`);
    await p.click("#keep-editing");

    // A draft survives a reload (nothing is lost when the page goes away).
    await p.click('[data-field=age_band] [data-code="21_25"]');
    await p.waitForFunction(async () => { const d = await window.uppsok.store.meta("draft"); return d && d.f.age_band === "21_25"; }, null, { polling: 100 });
    await p.reload();
    await p.waitForSelector("#contact-form");
    res.draftAfterReload = await p.getAttribute('[data-field=age_band] [data-code="21_25"]', "aria-pressed");
    await p.click("#cancel");
    await p.click("#discard");

    // Dark theme: by the device setting, and chosen by hand.
    await p.emulateMedia({ colorScheme: "dark" });
    await p.click("#new-contact");
    await p.click('[data-field=age_band] [data-code="26_35"]');
    await p.click('[data-field=actions] [data-code="information"]');
    res.contrastDarkAuto = await contrast(p);
    await p.screenshot({ path: `${outDir}/app_form_dark_${S}.png` });
    await axe(p, `form, dark theme ${S}`);
    await p.emulateMedia({ colorScheme: "light" });
    await p.click("#theme"); // auto -> dark
    res.contrastDarkManual = await contrast(p);
    res.manualTheme = await p.evaluate(() => document.documentElement.dataset.theme || "auto");
    await p.click("#theme"); // dark -> light
    await p.click("#theme"); // light -> auto
    await p.click("#cancel");
    await p.click("#discard");

    // End the street session with its count, then (b) in an online session.
    await p.click("#end-session");
    await p.click('[data-field=kind] [data-code="online"]');
    await p.click('[data-field=platforms] [data-code="escort_ads"]');
    await p.click("#start-session");
    await p.waitForSelector("#end-session");
    res.onlineAsksAds = (await p.$("#s-ads_reviewed")) !== null && (await p.$("#s-messages_sent")) !== null;
    await p.fill("#s-ads_reviewed", "12");
    res.tapsB = await countTaps(p, async () => {
      await p.click("#new-contact");
      await p.click('[data-field=age_band] [data-code="18_20"]');
      await p.click('[data-field=gender] [data-code="woman"]');
      await p.click('[data-field=role] [data-code="sells_sex"]');
      await p.click('[data-field=assessment] [data-code="indicators"]');
      await p.click('[data-field=control] [data-code="third_party_control"]');
      await p.click('[data-field=actions] [data-code="information"]');
      await p.screenshot({ path: `${outDir}/app_contact_b_${S}.png`, fullPage: true });
      await p.click("#save-contact");
    });
    await p.waitForSelector("#new-contact");
    res.savedB = await lastSaved(p);
    await p.click("#end-session");
    await waitWaiting(p, 0);
    res.sessions = (await local(p, "outreach_sessions")).map((s) => ({ id: s.id, kind: s.kind, persons_observed: s.persons_observed, ads_reviewed: s.ads_reviewed }));
    await p.emulateMedia({ colorScheme: "dark" });
    await p.screenshot({ path: `${outDir}/app_main_dark_${S}.png`, fullPage: true });
    await axe(p, `main, dark theme ${S}`);
    await p.emulateMedia({ colorScheme: "light" });

    // An expired token: no e-mail form, the unsynced record stays.
    await ctx.setOffline(true);
    await logContact(p, "over_50", "man");
    await p.evaluate(async () => { const a = await window.uppsok.store.meta("auth"); await window.uppsok.store.setMeta("auth", { ...a, token: "expired" }); window.uppsok.state.auth.token = "expired"; });
    await ctx.setOffline(false);
    await p.evaluate(() => window.uppsok.sync(true));
    await p.waitForSelector("#locked");
    res.lockedText = await p.textContent("#locked");
    res.lockedEmailForm = (await p.$("#email")) !== null;
    res.lockedKept = (await local(p, "contacts")).filter((c) => c._status === "created").length;
    await p.screenshot({ path: `${outDir}/app_locked_${S}.png` });
    await axe(p, `locked tablet ${S}`);
    await ctx.close();
  }

  // Enrollment while offline: the code is kept and used when back online.
  {
    const ctx = await newContext(768, 1024);
    const p = await ctx.newPage();
    await p.goto(`${base}/app/`);
    await p.evaluate(() => navigator.serviceWorker.ready);
    await p.reload();
    await p.waitForSelector("#sign-in");
    await axe(p, "sign-in");
    await ctx.setOffline(true);
    await p.goto(`${base}/app/?offline#/enroll/${codes[2]}`);
    await p.waitForSelector("#retry-enroll");
    out.offlineEnrollText = await p.textContent("#message");
    await p.screenshot({ path: `${outDir}/app_enroll_offline_768.png` });
    await axe(p, "enrollment offline");
    await ctx.setOffline(false);
    await p.waitForSelector("#enrolled", { timeout: 90000 });
    await p.waitForFunction(() => document.querySelector("#enrolled").textContent.includes("hör nu till"), null, { timeout: 90000 });
    out.offlineEnrollThen = await p.textContent("#enrolled");
    await ctx.close();
  }

  // 5. Sign-out syncs first and never leaves records behind.
  await ctxA.setOffline(true);
  await logContact(a, "21_25", "trans");
  await a.click("#sign-out");
  await a.waitForSelector("#message");
  out.signOutOffline = { message: await a.textContent("#message"), signedIn: (await a.$("#new-contact")) !== null, waiting: await waiting(a) };
  await ctxA.setOffline(false);
  const signOutId = await a.evaluate(() => window.uppsok.state.lastSaved);
  await a.click("#sign-out");
  await a.waitForSelector("#sign-in");
  out.signOut = { id: signOutId, contactsLeft: (await local(a, "contacts")).length, message: await a.textContent("#message") };
  await a.screenshot({ path: `${outDir}/app_signed_out_768.png` });

  // A revoked tablet wipes itself.
  const ctxC = await newContext(768, 1024);
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

  // 6. A returned tablet: its unsynced child contact reaches the server
  // before the wipe.
  {
    const ctx = await newContext(768, 1024);
    const p = await ctx.newPage();
    await p.goto(`${base}/app/#/enroll/${codes[3]}`);
    await p.waitForSelector("#new-contact");
    await waitWaiting(p, 0);
    await ctx.setOffline(true);
    await p.click("#new-contact");
    await p.click('[data-field=age_band] [data-code="15_17"]');
    await p.click('[data-field=role] [data-code="sells_sex"]');
    await p.click('[data-field=assessment] [data-code="none"]');
    await p.click("#save-contact");
    await p.waitForSelector("#new-contact");
    const id = await p.evaluate(() => window.uppsok.state.lastSaved);
    const dev = await p.evaluate(() => window.uppsok.store.meta("auth"));
    const r = await fetch(`${base}/api/field/devices/${dev.id}/revoke`, { method: "POST", headers: { Authorization: leadToken, "Content-Type": "application/json" }, body: JSON.stringify({ mode: "returned" }) });
    await ctx.setOffline(false);
    await p.evaluate(() => window.uppsok.sync(true));
    await p.waitForSelector("#sign-in");
    out.returned = { status: r.status, id, contactsLeft: (await local(p, "contacts")).length, message: await p.textContent("#message") };
    await p.screenshot({ path: `${outDir}/app_returned_768.png` });
    await ctx.close();
  }
  // A deleted device record locks the tablet out like a lost one.
  {
    const ctx = await newContext(768, 1024);
    const p = await ctx.newPage();
    await p.goto(`${base}/app/#/enroll/${codes[4]}`);
    await p.waitForSelector("#new-contact");
    await logContact(p, "36_50", "woman");
    await waitWaiting(p, 0);
    const dev = await p.evaluate(() => window.uppsok.store.meta("auth"));
    const r = await fetch(`${base}/api/collections/devices/records/${dev.id}`, { method: "DELETE", headers: { Authorization: adminToken } });
    await p.evaluate(() => window.uppsok.sync(true));
    await p.waitForSelector("#sign-in");
    out.deletedDevice = { status: r.status, contactsLeft: (await local(p, "contacts")).length, message: await p.textContent("#message") };
    await ctx.close();
  }
} catch (err) {
  // What the app showed when a step failed: a screenshot per page and its state.
  let i = 0;
  for (const ctx of browser.contexts()) for (const pg of ctx.pages()) {
    i++;
    await pg.screenshot({ path: `${outDir}/app_failure_${i}.png`, fullPage: true }).catch(() => {});
    const st = await pg.evaluate(() => { const S = window.uppsok && window.uppsok.state; return S && JSON.stringify({ view: S.view, auth: S.auth && { kind: S.auth.kind, locked: S.auth.locked, expired: S.auth.expired }, run: !!S.run, draft: !!S.draft, message: S.message, waiting: S.waiting, syncing: S.syncing, status: document.querySelector("#sync-status")?.textContent }); }).catch((e) => String(e));
    console.error(`page ${i} ${pg.url()}: ${st}`);
  }
  throw err;
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
