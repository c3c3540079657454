// Runs theme/static/search-core.js under node for the Rust parity tests (generator/tests/search_parity.rs) and
// the search bench. Prints JSON on stdout.
//   node search_node.mjs stem WORDS.json            -> ["stem", ...] for each word
//   node search_node.mjs analyze TEXTS.json         -> [["term", ...], ...] for each text
//   node search_node.mjs fieldnorms                 -> field length of each fieldnorm id 0..255
//   node search_node.mjs rank MANIFEST QUERIES.json -> [{query, prefix, pages: [[page, [[ordinal, score],
//                                                       ...]], ...], urls: [[url, ...], ...],
//                                                       fetched: [[file, bytes], ...]}, ...]
//     QUERIES.json is [{"query": "...", "prefix": false}, ...]; each query runs on a fresh index load so
//     `fetched` is what a first query costs (manifest, shards, page map, and the document chunks shown).
//   node search_node.mjs excerpt CASES.json         -> [{text, marks}, ...] for each
//                                                       {text, query, length}
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { pathToFileURL, fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const search = require("../../theme/static/search-core.js");
const [command, first, second] = process.argv.slice(2);

async function readJson(path) {
  return JSON.parse(await readFile(path, "utf8"));
}

if (command === "stem") {
  const words = await readJson(first);
  process.stdout.write(JSON.stringify(words.map((w) => search.stem(w))));
} else if (command === "fieldnorms") {
  process.stdout.write(JSON.stringify(Array.from({ length: 256 }, (_, id) => search.fieldLengthFromNormId(id))));
} else if (command === "analyze") {
  const texts = await readJson(first);
  process.stdout.write(JSON.stringify(texts.map((t) => search.analyze(t))));
} else if (command === "rank") {
  const manifestUrl = pathToFileURL(first).href;
  const queries = await readJson(second);
  const out = [];
  for (const { query, prefix } of queries) {
    const fetched = [];
    const fetchBytes = async (url) => {
      const bytes = new Uint8Array(await readFile(fileURLToPath(url)));
      fetched.push([url.slice(url.lastIndexOf("/search/") + 1), bytes.length]);
      return bytes;
    };
    const index = await search.SearchIndex.load(manifestUrl, fetchBytes);
    const pages = await index.search(query, { prefix, limit: 10 });
    const urls = [];
    for (const page of pages) {
      const docs = await index.documents(page.sections.map((h) => h.ordinal));
      urls.push(docs.map((d) => (d.anchor ? `${d.url}#${d.anchor}` : d.url)));
    }
    out.push({
      query,
      prefix,
      pages: pages.map((p) => [p.page, p.sections.map((h) => [h.ordinal, h.score])]),
      urls,
      fetched,
    });
  }
  process.stdout.write(JSON.stringify(out));
} else if (command === "excerpt") {
  const cases = await readJson(first);
  const stop = new Set(["the", "a", "for", "on", "of", "and"].map(search.stem));
  process.stdout.write(JSON.stringify(cases.map((c) =>
    search.excerpt(c.text, new Set(search.analyze(c.query)), stop, c.length))));
} else {
  process.stderr.write(`unknown command ${command}; use stem, analyze, rank or excerpt\n`);
  process.exit(2);
}
