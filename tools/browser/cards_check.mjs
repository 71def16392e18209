// Opens information pages in headless Chromium (Debian's, via
// playwright-core) and reports, as JSON on stdout, for each page: its lang
// and dir, whether anything was fetched from another origin, whether it
// fits 320 px, and whether the quick-exit button left the page and removed
// it from the history. Saves a 320 px screenshot of each page.
//
// usage: node cards_check.mjs BASE_URL OUT_DIR EXIT_URL PATH...
import { chromium } from "playwright-core";

const [base, outDir, exitURL, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const results = [];
try {
  for (const path of paths) {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const foreign = [];
    page.on("request", (r) => {
      const u = r.url();
      if (!u.startsWith(base) && !u.startsWith(exitURL) && !u.startsWith("data:")) foreign.push(u);
    });
    // A page before, to see where Back goes after the quick exit.
    const before = base + "/api/health";
    await page.goto(before);
    const res = await page.goto(base + path);
    const info = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      dir: document.documentElement.dir,
      bodyDirection: getComputedStyle(document.body).direction,
      scrollWidth: document.documentElement.scrollWidth,
      exitVisible: (() => {
        const b = document.getElementById("exit");
        if (!b) return false;
        const r = b.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.top >= 0 && r.top < window.innerHeight;
      })(),
      telLinks: document.querySelectorAll('a[href^="tel:"]').length,
      cookies: document.cookie,
    }));
    const shot = `${outDir}/${path.replace(/[^a-z0-9]+/gi, "_")}_320.png`;
    await page.screenshot({ path: shot, fullPage: true });
    await page.click("#exit");
    await page.waitForURL((u) => u.toString().startsWith(exitURL), { timeout: 5000 });
    const afterExit = page.url();
    await page.goBack();
    const afterBack = page.url();
    results.push({ path, status: res.status(), ...info, foreign, screenshot: shot, afterExit, afterBack, before });
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
