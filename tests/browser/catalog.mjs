// The plugin catalog's filter in headless chromium: choosing a hook or a permission hides the plugins
// that do not use it, says how many are shown, keeps the choice in the URL, and a linked URL opens
// filtered. Also: no console errors, and each card links to its plugin page.
//
//   node tests/browser/catalog.mjs SITE_DIR
import { serveDir, launch, check } from "./lib.mjs";

const [siteDir] = process.argv.slice(2);
const server = await serveDir(siteDir);
const browser = await launch();
const visible = (page) =>
  page.$$eval(".catalog-list > li", (items) => items.filter((li) => !li.hidden).map((li) => li.dataset.plugin));

try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(server.url + "/plugins/", { waitUntil: "load" });
  check(JSON.stringify(await visible(page)) === JSON.stringify(["alpha", "beta"]), "both plugins listed at first");
  check((await page.textContent(".catalog-count")).trim() === "2 plugins", "count of all plugins");

  await page.selectOption("select[name=hook]", "lint");
  check(JSON.stringify(await visible(page)) === JSON.stringify(["beta"]), `hook=lint keeps beta only: ${await visible(page)}`);
  check((await page.textContent(".catalog-count")).trim() === "1 of 2 plugins", "count after filtering");
  check(new URL(page.url()).search === "?hook=lint", `the URL keeps the filter: ${page.url()}`);

  await page.selectOption("select[name=permission]", "none");
  check((await visible(page)).length === 0, "no plugin has lint without permissions");
  check(await page.isVisible(".catalog-empty"), "the empty message shows");

  await page.goto(server.url + "/plugins/?permission=index.read", { waitUntil: "load" });
  check(JSON.stringify(await visible(page)) === JSON.stringify(["beta"]), "a linked filter applies on load");
  check(await page.inputValue("select[name=permission]") === "index.read", "the select shows the linked filter");
  await page.click(".catalog-list > li[data-plugin=beta] a");
  await page.waitForURL(/\/plugins\/beta\/$/);
  check((await page.textContent("h1")).includes("beta"), "a card opens its plugin page");
  check(errors.length === 0, `no console errors: ${errors.join("; ")}`);
  console.log("catalog filter ok");
  await context.close();
} finally {
  await browser.close();
  server.close();
}
