// Runs theme/static/search.js under node for the Rust parity tests (generator/tests/search_parity.rs) and
// the search bench. Prints JSON on stdout.
//   node search_node.mjs stem WORDS.json            -> ["stem", ...] for each word
//   node search_node.mjs analyze TEXTS.json         -> [["term", ...], ...] for each text
//   node search_node.mjs fieldnorms                 -> field length of each fieldnorm id 0..255
//   node search_node.mjs rank MANIFEST QUERIES.json -> [{query, prefix, hits: [[ordinal, score], ...],
//                                                       fetched: [[file, bytes], ...]}, ...]
//     QUERIES.json is [{"query": "...", "prefix": false}, ...]; each query runs on a fresh index load so
//     `fetched` is what a first query costs (manifest, shards, and the document chunks of the top 10).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { pathToFileURL, fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const search = require("../../theme/static/search.js");
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
    const hits = await index.search(query, { prefix, limit: 10 });
    const docs = await index.documents(hits.map((h) => h.ordinal));
    out.push({
      query,
      prefix,
      hits: hits.map((h) => [h.ordinal, h.score]),
      urls: docs.map((d) => (d.anchor ? `${d.url}#${d.anchor}` : d.url)),
      fetched,
    });
  }
  process.stdout.write(JSON.stringify(out));
} else {
  process.stderr.write(`unknown command ${command}; use stem, analyze or rank\n`);
  process.exit(2);
}
