// Opens information pages in headless Chromium (Debian's, via
// playwright-core) at 320 px and reports, as JSON on stdout, for each page:
// its lang and dir, whether anything was fetched from another origin,
// whether it fits 320 px, the quick-exit button's label and whether it is
// the first stop of the Tab key, and whether the "not yet available" note
// is shown, and whether the heading's letters are drawn as boxes (a
// missing font). A path given as "+PATH" is checked in full besides: a 320 px
// screenshot, axe-core (critical and serious findings), and the quick exit
// (it leaves the page and removes it from the history).
//
// usage: node cards_check.mjs BASE_URL OUT_DIR EXIT_URL [+]PATH...
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const [base, outDir, exitURL, ...args] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const results = [];
try {
  for (const arg of args) {
    const full = arg.startsWith("+");
    const path = full ? arg.slice(1) : arg;
    // bypassCSP only to inject axe-core; the Go tests check the CSP header.
    const context = await browser.newContext({ viewport: { width: 320, height: 640 }, deviceScaleFactor: 1, bypassCSP: full });
    // The quick exit's page is answered here: nothing leaves the machine.
    await context.route((u) => u.toString().startsWith(exitURL), (r) =>
      r.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>left</title>" }));
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
      exitLabel: (document.getElementById("exit") || {}).textContent || "",
      exitVisible: (() => {
        const b = document.getElementById("exit");
        if (!b) return false;
        const r = b.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.top >= 0 && r.top < window.innerHeight;
      })(),
      notYet: !!document.getElementById("not-yet"),
      telLinks: document.querySelectorAll('a[href^="tel:"]').length,
      cookies: document.cookie,
      // Missing fonts draw every letter of a script as the same box: draw
      // up to four different letters of the heading and compare.
      tofu: (() => {
        const h = document.querySelector("h1");
        const letters = [...new Set([...(h ? h.textContent : "")].filter((c) => c.codePointAt(0) > 0x24f && /\p{L}/u.test(c)))].slice(0, 4);
        if (letters.length < 2) return false;
        const font = getComputedStyle(h).font;
        const seen = new Set(letters.map((c) => {
          const cv = document.createElement("canvas");
          cv.width = cv.height = 48;
          const g = cv.getContext("2d");
          g.font = font;
          g.fillText(c, 4, 36);
          return Array.from(g.getImageData(0, 0, 48, 48).data).join(",");
        }));
        return seen.size === 1;
      })(),
    }));
    await page.keyboard.press("Tab");
    info.firstTab = await page.evaluate(() => document.activeElement && document.activeElement.id);
    const out = { path, status: res.status(), ...info, foreign, before };
    if (full) {
      out.screenshot = `${outDir}/${path.replace(/[^a-z0-9]+/gi, "_")}_320.png`;
      await page.screenshot({ path: out.screenshot, fullPage: true });
      await page.addScriptTag({ content: axeSource });
      out.axe = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ["violations"] });
        return r.violations.filter((v) => v.impact === "critical" || v.impact === "serious")
          .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
      });
      await page.click("#exit");
      await page.waitForURL((u) => u.toString().startsWith(exitURL), { timeout: 10000 });
      out.afterExit = page.url();
      await page.goBack();
      out.afterBack = page.url();
    }
    results.push(out);
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
