#!/usr/bin/env bash
# Search bundle vs Pagefind on the same built site.
#
#   benches/search_bundle.sh [PAGES] [WORK_DIR]      (defaults: 10000, /dev/shm/search-bench)
#
# 1. writes PAGES synthetic pages with ../shared/bench/corpus.py (its plain/ layout),
# 2. builds them with `docgen build` (release), which writes the search bundle into public/search/,
# 3. runs Pagefind (`npm install pagefind` inside WORK_DIR, never in the repo) on the same public/,
# 4. prints total index bytes, bytes fetched by a cold first query and query time in headless Chromium
#    (benches/search_query.mjs), each with the docgen / Pagefind ratio.
# Needs: python3, node, npm, chromium (/usr/bin/chromium), `npm ci` run in the repo (playwright-core).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
pages="${1:-10000}"
work="${2:-/dev/shm/search-bench}"
corpus_script="${CORPUS_PY:-$repo/../shared/bench/corpus.py}"
[ -f "$corpus_script" ] || corpus_script=/work/shared/bench/corpus.py
queries=("shard" "pipeline render" "plugin reload latency" "highlight snippet")

mkdir -p "$work"
echo "== corpus: $pages pages in $work"
rm -rf "$work/plain" "$work/hugo" "$work/mdbook" "$work/zola" "$work/site"
python3 "$corpus_script" "$work" "$pages" >/dev/null
mkdir -p "$work/site/theme/static"
mv "$work/plain" "$work/site/content"
cp "$repo"/theme/static/search*.js "$repo"/theme/static/snowball-*.js "$repo/theme/static/search.css" "$work/site/theme/static/"
cat > "$work/site/docgen.toml" <<'TOML'
title = "Search bench"
base_url = "http://127.0.0.1/"
sections = ["content"]
TOML

echo "== docgen build (release)"
# DOCGEN=path measures that binary instead of building target/release/docgen.
docgen="${DOCGEN:-$repo/target/release/docgen}"
[ -n "${DOCGEN:-}" ] || (cd "$repo" && cargo build --release -q -p docgen)
start=$(date +%s.%N)
"$docgen" build --root "$work/site" --out "$work/public" >/dev/null
docgen_s=$(echo "$(date +%s.%N) - $start" | bc)

echo "== pagefind"
if [ ! -x "$work/npm/node_modules/.bin/pagefind" ]; then
  mkdir -p "$work/npm"
  (cd "$work/npm" && npm init -y >/dev/null && npm install pagefind --no-audit --no-fund --loglevel=error >/dev/null)
fi
rm -rf "$work/public/pagefind"
start=$(date +%s.%N)
"$work/npm/node_modules/.bin/pagefind" --site "$work/public" --output-subdir pagefind >/dev/null
pagefind_s=$(echo "$(date +%s.%N) - $start" | bc)

bytes() { find "$@" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}'; }
# The http bundle (what a served site's readers can fetch); the `.js` twins for file:// apart.
docgen_index=$(find "$work/public/search" -type f ! -name '*.js' -printf '%s\n' | awk '{s+=$1} END {print s+0}')
docgen_twins=$(find "$work/public/search" -type f -name '*.js' -printf '%s\n' | awk '{s+=$1} END {print s+0}')
docgen_vocabulary=$(find "$work/public/search" -type f -name 'vocabulary.bin' -printf '%s\n' | awk '{s+=$1} END {print s+0}')
docgen_files=$(find "$work/public/search" -type f ! -name '*.js' | wc -l)
pagefind_index=$(find "$work/public/pagefind" -type f \( -name '*.pf_*' -o -name 'pagefind-entry.json' \) -printf '%s\n' | awk '{s+=$1} END {print s+0}')
pagefind_files=$(find "$work/public/pagefind" -type f \( -name '*.pf_*' -o -name 'pagefind-entry.json' \) | wc -l)
sections=$(grep -o '"documents":[0-9]*' "$work"/public/search/manifest.*.json | cut -d: -f2)
# Client code: docgen's search.js is loaded by every page; search-core.js and Snowball's stemmer
# (snowball-base-stemmer.js, snowball-english-stemmer.js) by the first query (counted by search_query.mjs,
# like Pagefind's pagefind.js + WASM).
docgen_page_js=$(bytes "$work"/public/static/search.*.js)
docgen_client_gz=$(cat "$work"/public/static/search*.js "$work"/public/static/snowball-*.js | gzip -9 | wc -c)

echo "== browser queries"
page_path="/$(cd "$work/public" && find . -name index.html -path './s000/*' | sort | head -1 | sed 's|^\./||; s|index.html$||')"
(cd "$repo" && node benches/search_query.mjs "$work/public" "$page_path" "${queries[@]}") > "$work/queries.json"

python3 - "$work/queries.json" "$docgen_index" "$pagefind_index" "$docgen_files" "$pagefind_files" \
  "$docgen_s" "$pagefind_s" "$pages" "$sections" "$docgen_page_js" "$docgen_client_gz" "$docgen_twins" \
  "$docgen_vocabulary" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
d_index, p_index, d_files, p_files = map(int, sys.argv[2:6])
d_s, p_s = float(sys.argv[6]), float(sys.argv[7])
pages, sections = sys.argv[8], sys.argv[9]
page_js, client_gz = int(sys.argv[10]), int(sys.argv[11])
twins, vocabulary = int(sys.argv[12]), int(sys.argv[13])
print(f"\n{pages} pages, {sections} searchable sections")
print(f"{'':34}{'docgen':>12}{'pagefind':>12}{'ratio':>8}")
print(f"{'index build (s, docgen = whole site)':34}{d_s:>12.2f}{p_s:>12.2f}{d_s / p_s:>8.2f}")
print(f"{'total index bytes (http)':34}{d_index:>12,}{p_index:>12,}{d_index / p_index:>8.2f}")
print(f"{'  + file:// .js twins':34}{twins:>12,}")
print(f"{'  of which typo vocabulary':34}{vocabulary:>12,}")
print(f"{'index files':34}{d_files:>12,}{p_files:>12,}")
by = {}
for r in rows:
    by.setdefault(r["query"], {})[r["engine"]] = r
def mean(key, engine):
    return sum(q[engine][key] for q in by.values()) / len(by)
for query, q in by.items():
    d, p = q["docgen"], q["pagefind"]
    print(f"query {query!r}:")
    print(f"{'  first-query index bytes':34}{d['index_bytes']:>12,}{p['index_bytes']:>12,}{d['index_bytes'] / p['index_bytes']:>8.2f}")
    print(f"{'  first-query client code bytes':34}{d['code_bytes']:>12,}{p['code_bytes']:>12,}{d['code_bytes'] / p['code_bytes']:>8.2f}")
    print(f"{'  cold query ms (load+top 10)':34}{d['cold_ms']:>12.1f}{p['cold_ms']:>12.1f}{d['cold_ms'] / p['cold_ms']:>8.2f}")
    print(f"{'  warm query ms (median of 5)':34}{d['warm_ms']:>12.2f}{p['warm_ms']:>12.2f}{d['warm_ms'] / max(p['warm_ms'], 0.01):>8.2f}")
print(f"docgen client: search.js {page_js:,} bytes with every page; search.js + core + stemmer {client_gz:,} gzipped; Pagefind's code is pagefind.js + WASM")
print("mean over queries:")
for key, label in [("index_bytes", "first-query index bytes"), ("cold_ms", "cold query ms"), ("warm_ms", "warm query ms")]:
    d, p = mean(key, "docgen"), mean(key, "pagefind")
    print(f"{'  ' + label:34}{d:>12,.1f}{p:>12,.1f}{d / max(p, 0.01):>8.2f}")
PY
