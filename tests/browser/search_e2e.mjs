// Browser end-to-end test of the search box, driven by generator/tests/search_browser.rs.
//   node search_e2e.mjs SITE_DIR
// Serves SITE_DIR on 127.0.0.1, drives Debian's chromium through playwright-core and prints a JSON report
// of what a reader saw; the Rust test asserts on it. Never downloads a browser.
import http from "node:http";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { chromium } from "playwright-core";

const siteDir = path.resolve(process.argv[2] ?? "public");
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json",
  ".xml": "application/xml", ".bin": "application/octet-stream", ".txt": "text/plain" };
let searchBundleMissing = false;
const searchRequests = [];
const coreRequests = [];

const server = http.createServer(async (request, response) => {
  const url = new URL(request.url, "http://127.0.0.1");
  let file = path.join(siteDir, decodeURIComponent(url.pathname));
  if (!file.startsWith(siteDir) || (searchBundleMissing && url.pathname.startsWith("/search/"))) {
    response.writeHead(404).end("not found");
    return;
  }
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, "index.html");
    const body = await readFile(file);
    if (url.pathname.startsWith("/search/")) searchRequests.push([url.pathname, body.length]);
    if (/\/(search-core|snowball-(base|english)-stemmer)\./.test(url.pathname)) coreRequests.push(url.pathname);
    const headers = { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" };
    // As netlify.toml deploys them: fingerprinted static files are immutable, so the search code loaded on
    // demand is still there when the reader goes offline.
    if (url.pathname.startsWith("/static/")) headers["cache-control"] = "public, max-age=31536000, immutable";
    response.writeHead(200, headers);
    response.end(body);
  } catch {
    response.writeHead(404).end("not found");
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const report = { consoleErrors: [] };
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (error) => report.consoleErrors.push(String(error)));
  page.setDefaultTimeout(10000);

  const hitsOnPage = () => page.$$eval(".search-hit", (hits) => hits.map((hit) => ({
    title: hit.querySelector(".search-hit-title")?.textContent ?? "",
    section: hit.querySelector(".search-hit-section")?.textContent ?? "",
    marks: Array.from(hit.querySelectorAll("mark"), (m) => m.textContent),
    href: new URL(hit.href).pathname + new URL(hit.href).hash,
    selected: hit.getAttribute("aria-selected"),
  })));

  // 1. `/` focuses the box; typing shows ranked hits with title, section and highlighted excerpt.
  await page.goto(`${base}/`);
  await page.waitForLoadState("load");
  report.requestsBeforeFocus = searchRequests.length + coreRequests.length;
  await page.keyboard.press("/");
  report.focusedAfterSlash = await page.evaluate(() => document.activeElement?.id ?? "");
  await page.keyboard.type("hot relo", { delay: 30 });
  await page.waitForSelector(".search-hit");
  report.typedHits = await hitsOnPage();
  report.requestsForFirstQuery = searchRequests.slice();

  // 2. Enter opens the selected hit at its heading anchor.
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.hash !== "");
  report.landedOn = await page.evaluate(() => location.pathname + location.hash);
  report.anchorTargetExists = await page.evaluate(() => document.getElementById(location.hash.slice(1)) !== null);

  // 3. Arrow keys move the selection; Enter follows it.
  await page.goto(`${base}/`);
  await page.fill("#search-input", "");
  await page.focus("#search-input");
  await page.keyboard.type("plugin", { delay: 20 });
  await page.waitForSelector(".search-hit");
  const pluginHits = await hitsOnPage();
  report.pluginHits = pluginHits;
  await page.keyboard.press("ArrowDown");
  report.selectedAfterArrow = (await hitsOnPage()).findIndex((hit) => hit.selected === "true");
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.pathname + url.hash === pluginHits[1].href);
  report.landedAfterArrow = await page.evaluate(() => location.pathname + location.hash);

  // 4. Once fetched, search keeps working offline.
  await context.setOffline(true);
  await page.focus("#search-input");
  await page.fill("#search-input", "");
  await page.keyboard.type("plugin", { delay: 20 });
  await page.waitForSelector(".search-hit");
  report.offlineHits = (await hitsOnPage()).length;
  await context.setOffline(false);

  // 5. A missing bundle gives a clear message instead of a silent box.
  searchBundleMissing = true;
  const fresh = await browser.newContext();
  const missingPage = await fresh.newPage();
  await missingPage.goto(`${base}/`);
  await missingPage.focus("#search-input");
  await missingPage.keyboard.type("plugin");
  await missingPage.waitForSelector(".search-message");
  report.missingBundleMessage = await missingPage.textContent(".search-message");
  await fresh.close();
} catch (error) {
  report.error = String(error && error.stack || error);
} finally {
  await browser.close();
  server.close();
}
process.stdout.write(JSON.stringify(report));
