// A site whose base_url has a path (https://example.org/docs/), served under /docs/ only, as a host
// deploys it: every page reached by clicking through the navigation, every asset, the search bundle and
// the pages its hits open, and the 404 page with its links, all stay under /docs/. A request outside
// /docs/ (answered 404 by the server) or any failed response fails the test.
//
//   node tests/browser/subpath.mjs SITE_DIR
import { serveDir, launch, check } from "./lib.mjs";

const [siteDir] = process.argv.slice(2);
const MOUNT = "/docs/";
const requests = [];
const server = await serveDir(siteDir, { mount: MOUNT, requests });
const browser = await launch();
const failed = [];
const errors = [];

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().includes("/no-such-page/")) failed.push(`${r.status()} ${r.url()}`);
  });
  const here = () => page.evaluate(() => location.pathname);

  // 1. Click every visible sidebar link (the tree nav.js draws) from the home page and from a page
  // inside a section (its section open), and the breadcrumbs of that page.
  await page.goto(server.url + MOUNT);
  check((await page.title()).length > 0, "the home page loads");
  let clicked = 0;
  for (const start of [MOUNT, MOUNT + "guide/intro/"]) {
    await page.goto(server.url + start);
    const links = await page.$$eval("#sidebar a[href], nav.breadcrumbs a[href]", (as) =>
      as.filter((a) => a.offsetParent !== null).map((a) => a.getAttribute("href")));
    check(links.length >= 2, `${start} shows links to click: ${links}`);
    for (const href of new Set(links)) {
      await page.goto(server.url + start);
      await Promise.all([page.waitForLoadState("load"), page.click(`a[href="${href}"] >> nth=0`)]);
      await page.waitForLoadState("load");
      const at = await here();
      check(at.startsWith(MOUNT), `link ${href} on ${start} opens ${at}, under ${MOUNT}`);
      clicked += 1;
    }
  }
  console.log(`navigation: ${clicked} links clicked, all under ${MOUNT}`);

  // Every link on every page reached so far, followed: pages, breadcrumbs, listings, prev/next.
  const queue = [server.url + MOUNT];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const next = queue.shift();
    const response = await page.goto(next);
    check(response && response.ok(), `${next} answers ${response && response.status()}`);
    const links = await page.$$eval("a[href]", (as) => as.map((a) => a.href));
    for (const link of links) {
      const url = new URL(link);
      if (url.origin !== server.url) continue;
      check(url.pathname.startsWith(MOUNT), `${next} links ${url.pathname}, outside ${MOUNT}`);
      const key = server.url + url.pathname;
      if (seen.has(key)) continue;
      seen.add(key);
      // Pages are visited; other files (the feed, downloads) only fetched: a browser showing an XML
      // file asks for the host's /favicon.ico, which is not the site's doing.
      if (url.pathname.endsWith("/") || url.pathname.endsWith(".html")) queue.push(key);
      else {
        const file = await page.request.get(key);
        check(file.ok(), `${next} links ${url.pathname}, which answers ${file.status()}`);
      }
    }
  }
  console.log(`crawl: ${seen.size} pages and files, every link under ${MOUNT}`);

  // 2. Search: the bundle loads from under /docs/ and a hit opens a page under /docs/.
  await page.goto(server.url + MOUNT);
  await page.fill("#search-input", "setup");
  await page.waitForSelector(".search-hit");
  const hits = await page.$$eval(".search-hit", (as) => as.map((a) => new URL(a.href).pathname));
  check(hits.length > 0 && hits.every((h) => h.startsWith(MOUNT)), `search hits under ${MOUNT}: ${hits}`);
  await Promise.all([page.waitForURL((u) => u.pathname !== MOUNT), page.click(".search-hit >> nth=0")]);
  await page.waitForLoadState("load");
  check((await here()).startsWith(MOUNT) && (await here()) !== MOUNT, `the first hit opens ${await here()}`);
  console.log(`search: ${hits.length} hits, opened ${await here()}`);

  // 3. The 404 page: its styles and scripts load from under /docs/, and its links lead home.
  const missing = await page.goto(server.url + MOUNT + "no-such-page/");
  check(missing.status() === 404, `a missing page answers 404, got ${missing.status()}`);
  const styled = await page.evaluate(() => Array.from(document.styleSheets).some((s) => s.cssRules.length > 0));
  check(styled, "the 404 page's stylesheet loaded");
  const home = await page.$$eval("main a[href]", (as) => as.map((a) => new URL(a.href).pathname));
  check(home.length > 0 && home.every((h) => h.startsWith(MOUNT)), `404 links under ${MOUNT}: ${home}`);
  await Promise.all([page.waitForLoadState("load"), page.click("main a[href] >> nth=0")]);
  check((await here()).startsWith(MOUNT), `the 404 page's first link opens ${await here()}`);
  console.log(`404: links ${home}`);

  if (process.env.DEBUG_REQUESTS) console.log(requests.join("\n"));
  const outside = requests.filter((p) => !p.startsWith(MOUNT));
  check(outside.length === 0, `requests outside ${MOUNT}: ${[...new Set(outside)]}`);
  check(failed.length === 0, `failed responses: ${failed}`);
  check(errors.length === 0, `page errors: ${errors}`);
  const assets = new Set(requests.filter((p) => p.startsWith(MOUNT + "static/") || p.startsWith(MOUNT + "search/")));
  check([...assets].some((p) => p.startsWith(MOUNT + "search/")), "the search bundle was fetched under /docs/search/");
  console.log(`sub-path ok: ${requests.length} requests, ${assets.size} distinct assets, none outside ${MOUNT}`);
} finally {
  await browser.close();
  server.close();
}
