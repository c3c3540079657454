// axe-core over every built page of a site, light and dark, desktop and phone, plus the search box
// open with hits and with none, and the phone drawer open. Prints one line per violation and exits 1 if there is any.
//
//   node tests/browser/a11y.mjs SITE_DIR
//
// Every impact level counts. Pages run two at a time in one browser to keep CI time bounded.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { serveDir, launch } from "./lib.mjs";

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [siteDir] = process.argv.slice(2);

/** Every HTML page of the built site, as URL paths; alias redirect stubs are left out (their targets
 * are pages of their own). */
function pages(dir, prefix = "/") {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...pages(file, `${prefix}${entry.name}/`));
    else if (entry.name.endsWith(".html") && !/http-equiv="refresh"/i.test(fs.readFileSync(file, "utf8"))) {
      out.push(entry.name === "index.html" ? prefix : prefix + entry.name);
    }
  }
  return out;
}

async function audit(page, label) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " :: " + n.failureSummary.split("\n").slice(1, 2).join(" ")) }));
  });
  return result.map((v) => `${label}: [${v.impact}] ${v.id}: ${v.help}\n    ${v.nodes.join("\n    ")}`);
}

const started = Date.now();
const server = await serveDir(siteDir);
const browser = await launch();
const violations = [];
let audits = 0;
const urls = pages(siteDir);
try {
  for (const [device, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 390, height: 844 }]]) {
    for (const scheme of ["light", "dark"]) {
      const context = await browser.newContext({ viewport, colorScheme: scheme, hasTouch: device === "phone" });
      const queue = urls.slice();
      const worker = async () => {
        const page = await context.newPage();
        for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
          await page.goto(server.url + url, { waitUntil: "load" });
          violations.push(...await audit(page, `${url} (${device}, ${scheme})`));
          audits++;
        }
        await page.close();
      };
      await Promise.all([worker(), worker()]);

      // The search box open, with hits and with none, and the drawer open on a phone.
      const page = await context.newPage();
      await page.goto(server.url + "/", { waitUntil: "load" });
      if (await page.locator("#search-input").count()) {
        await page.fill("#search-input", "plugin");
        await page.waitForSelector(".search-hit");
        violations.push(...await audit(page, `search with hits (${device}, ${scheme})`));
        await page.fill("#search-input", "zzzqqqxxy");
        await page.waitForFunction(() => !document.querySelector(".search-hit"));
        await page.waitForTimeout(100);
        violations.push(...await audit(page, `search without hits (${device}, ${scheme})`));
        await page.fill("#search-input", "");
        audits += 2;
      }
      if (device === "phone") {
        await page.click(".nav-toggle");
        await page.waitForTimeout(250);
        violations.push(...await audit(page, `drawer open (${device}, ${scheme})`));
        audits++;
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (violations.length) {
  console.log(violations.join("\n"));
  console.log(`${violations.length} axe violations in ${audits} audits of ${urls.length} pages (${seconds} s)`);
  process.exit(1);
}
console.log(`axe: 0 violations in ${audits} audits of ${urls.length} pages (${seconds} s)`);
