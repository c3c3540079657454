// Search from a site opened from disk (`file://`), driven by generator/tests/search_browser.rs.
//   node search_file.mjs PAGE.html QUERY
// Opens PAGE.html by its file:// URL in Debian's chromium (playwright-core, never downloads a browser),
// focuses the search box, types QUERY and prints a JSON report of the hits and any page errors.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const [pagePath, query] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const report = { consoleErrors: [], requests: [] };
try {
  const page = await browser.newPage();
  page.on("pageerror", (error) => report.consoleErrors.push(String(error)));
  page.on("request", (request) => report.requests.push(request.url()));
  page.setDefaultTimeout(10000);
  await page.goto(pathToFileURL(path.resolve(pagePath)).href);
  report.protocol = await page.evaluate(() => location.protocol);
  report.coreLoadedBeforeFocus = await page.evaluate(() => Boolean(window.DocgenSearchCore));
  await page.keyboard.press("/");
  await page.keyboard.type(query, { delay: 20 });
  await page.waitForSelector(".search-hit, .search-message");
  report.message = await page.evaluate(() => document.querySelector(".search-message")?.textContent ?? "");
  report.hits = await page.$$eval(".search-hit", (hits) => hits.map((hit) => ({
    title: hit.querySelector(".search-hit-title")?.textContent ?? "",
    marks: Array.from(hit.querySelectorAll("mark"), (m) => m.textContent),
    href: hit.getAttribute("href"),
  })));
} catch (error) {
  report.error = String(error && error.stack || error);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report));
