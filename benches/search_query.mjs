// Browser side of benches/search_bundle.sh: serves a built site that holds both docgen's bundle
// (/search/) and Pagefind's (/pagefind/), and measures, per query, in headless Chromium:
// bytes of search files fetched by a cold first query (fresh browser context, top 10 results with their
// titles/excerpts loaded; docgen: the search core too, which pages load only on focus), cold time
// (load + query + top-10 data) and warm query time (index loaded).
//   node search_query.mjs SITE_DIR PAGE_PATH QUERY...   (PAGE_PATH: a built page, e.g. /s000/p00000/)
import http from "node:http";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(path.resolve("package.json"));
const { chromium } = require("playwright-core");
const [siteArg, pagePath, ...queries] = process.argv.slice(2);
const siteDir = path.resolve(siteArg);
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css",
  ".json": "application/json", ".wasm": "application/wasm" };
let log = [];

const server = http.createServer(async (request, response) => {
  const url = new URL(request.url, "http://127.0.0.1");
  let file = path.join(siteDir, decodeURIComponent(url.pathname));
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, "index.html");
    const body = await readFile(file);
    log.push([url.pathname, body.length]);
    response.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    response.end(body);
  } catch {
    response.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});

const engines = {
  docgen: async (query) => {
    // What focusing the search box does (search.js): load the core and the manifest, then search.
    const input = document.getElementById("search-input");
    const script = document.querySelector("script[data-core]");
    const load = (src) => new Promise((resolve, reject) => {
      const tag = document.createElement("script");
      tag.src = src;
      tag.onload = resolve;
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
    const fetchBytes = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
    const t0 = performance.now();
    await load(script.getAttribute("data-stemmer-runtime"));
    await load(script.getAttribute("data-stemmer"));
    await load(script.getAttribute("data-core"));
    const manifest = new URL(input.getAttribute("data-manifest"), location.href).href;
    const index = await DocgenSearchCore.SearchIndex.load(manifest, fetchBytes);
    const ordinals = (pages) => pages.flatMap((p) => p.sections.map((h) => h.ordinal));
    let pages = await index.search(query, { prefix: true, limit: 10 });
    let docs = await index.documents(ordinals(pages));
    const cold = performance.now() - t0;
    const warm = [];
    for (let i = 0; i < 5; i++) {
      const t1 = performance.now();
      pages = await index.search(query, { prefix: true, limit: 10 });
      docs = await index.documents(ordinals(pages));
      warm.push(performance.now() - t1);
    }
    const first = await index.documents(pages.map((p) => p.sections[0].ordinal));
    return { cold, warm, top: first.map((d) => d.url + (d.anchor ? "#" + d.anchor : "")) };
  },
  pagefind: async (query) => {
    const t0 = performance.now();
    const pagefind = await import("/pagefind/pagefind.js");
    await pagefind.init();
    let search = await pagefind.search(query);
    let docs = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
    const cold = performance.now() - t0;
    const warm = [];
    for (let i = 0; i < 5; i++) {
      const t1 = performance.now();
      search = await pagefind.search(query);
      docs = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
      warm.push(performance.now() - t1);
    }
    return { cold, warm, top: docs.map((d) => d.url) };
  },
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
for (const query of queries) {
  for (const [engine, run] of Object.entries(engines)) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}${pagePath}`);
    log = [];
    const measured = await page.evaluate(run, query);
    const prefixes = engine === "docgen" ? ["/search/", "/static/search-", "/static/snowball-"] : ["/pagefind/"];
    const fetched = log.filter(([p]) => prefixes.some((prefix) => p.startsWith(prefix)));
    const codeFile = (p) => /\.(js|mjs|wasm|css)$/.test(p) || p.includes("wasm.");
    results.push({
      engine,
      query,
      index_bytes: fetched.filter(([p]) => !codeFile(p)).reduce((n, [, b]) => n + b, 0),
      code_bytes: fetched.filter(([p]) => codeFile(p)).reduce((n, [, b]) => n + b, 0),
      files: fetched.length,
      cold_ms: measured.cold,
      warm_ms: median(measured.warm),
      top: measured.top.slice(0, 3),
    });
    await context.close();
  }
}
await browser.close();
server.close();
process.stdout.write(JSON.stringify(results));
