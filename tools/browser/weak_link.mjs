// The field app's first sync over a weak mobile link: Chromium's network
// emulation at 1.6 Mbit/s with 150 ms latency (a poor 3G/4G edge in the
// field). The app is loaded once at full speed (installed, as on a tablet),
// then the link is throttled and the tablet enrolls; the time runs until the
// team's whole field window is stored in IndexedDB. Prints JSON
// {"seconds", "contacts"} for scripts/bench.sh (via tools/loadtest).
//
// usage: node weak_link.mjs BASE ENROLL_CODE EXPECTED_CONTACTS
import { chromium } from "playwright-core";

const [base, code, expectedRaw] = process.argv.slice(2);
const expected = Number(expectedRaw);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const ctx = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const page = await ctx.newPage();
  await page.goto(base + "/app/");
  await page.waitForLoadState("networkidle");

  const cdp = await ctx.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false, latency: 150,
    downloadThroughput: 1.6e6 / 8, uploadThroughput: 1.6e6 / 8,
  });

  const count = () => page.evaluate(() => new Promise((resolve) => {
    const req = indexedDB.open("uppsok-field");
    req.onsuccess = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains("contacts")) { db.close(); resolve(0); return; }
      const c = db.transaction("contacts").objectStore("contacts").count();
      c.onsuccess = () => { db.close(); resolve(c.result); };
      c.onerror = () => { db.close(); resolve(0); };
    };
    req.onerror = () => resolve(0);
  }));

  // Leave the page first: a goto that only changes the hash would not
  // start the app again.
  await page.goto("about:blank");
  const t0 = Date.now();
  await page.goto(base + "/app/#/enroll/" + code);
  let n = 0;
  // Bounded: at most 15 minutes of polling.
  for (let i = 0; i < 1800 && n < expected; i++) {
    await page.waitForTimeout(500);
    n = await count().catch(() => 0);
  }
  console.log(JSON.stringify({ seconds: (Date.now() - t0) / 1000, contacts: n }));
} finally {
  await browser.close();
}
