#!/usr/bin/env bash
# `docgen import mdbook` + `docgen build` on a real public mdBook, beside `mdbook build` of the same
# book in the same run: chapters, include directives resolved, import and build times (median of
# interleaved runs), dead links in both outputs by the independent checker benches/check_links.py.
#
#   [BOOK_URL=https://doc.rust-lang.org/book/] bash benches/import_mdbook.sh BOOK [RUNS]
#
# BOOK_URL is where the book was published: links out of the book (`../std/...`) are imported as
# absolute links there (`--book-url`) and docgen builds without `--warn-links`. Without it, they are
# counted as broken-link warnings instead of stopping the build.
#
# BOOK is a book folder (holding book.toml) or a git directory of one (e.g. a snapshot of
# github.com/rust-lang/book); it is copied to tmpfs and never committed. Needs `mdbook` on PATH
# (`cargo install mdbook`). The book's preprocessors are removed from the copy mdbook builds (they are
# the book's own programs; docgen does not run them either), so both sides build the same markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
book_in=${1:?usage: benches/import_mdbook.sh BOOK [RUNS]}
runs=${2:-3}
work=/dev/shm/docgen-bench-import
command -v mdbook >/dev/null || { echo "mdbook is not installed (cargo install mdbook)"; exit 2; }
cargo build --release -q -p docgen
docgen=$PWD/target/release/docgen
rm -rf "$work" && mkdir -p "$work/book"
if [ -f "$book_in/book.toml" ]; then
  cp -r "$book_in/." "$work/book/"
else
  git --git-dir="$book_in" archive HEAD | tar -x -C "$work/book"
fi
# mdbook's copy: same book without [preprocessor.*] tables.
cp -r "$work/book" "$work/mdbook"
python3 - "$work/mdbook/book.toml" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
out, skip = [], False
for line in text.splitlines(keepends=True):
    if re.match(r"\s*\[", line):
        skip = bool(re.match(r"\s*\[preprocessor[.\]]", line))
    if not skip:
        out.append(line)
open(path, "w").write("".join(out))
PY

src=$(python3 -c "import tomllib,sys;print(tomllib.load(open(sys.argv[1],'rb')).get('book',{}).get('src','src'))" "$work/book/book.toml")
chapters=$(grep -cE '\]\([^)]*\.md\)' "$work/book/$src/SUMMARY.md" || true)
directives=$(find "$work/book/$src" -name '*.md' -exec cat {} + | grep -oE '\{\{#(rustdoc_)?include ' | wc -l)

start=$(date +%s.%N)
"$docgen" import mdbook "$work/book" --out "$work/site" ${BOOK_URL:+--book-url "$BOOK_URL"} 2> "$work/import.log"
import_s=$(echo "$(date +%s.%N) - $start" | bc)
tail -1 "$work/import.log"
notes=$(grep -c '^warning' "$work/import.log" || true)

# Without BOOK_URL a real book's links out of itself cannot resolve: counted below, not fatal.
warn_links=--warn-links
[ -n "${BOOK_URL:-}" ] && warn_links=
docgen_times=(); mdbook_times=()
for i in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  "$docgen" build $warn_links --root "$work/site" 2> "$work/build.log" || { tail -30 "$work/build.log"; exit 1; }
  docgen_times+=("$(echo "$(date +%s.%N) - $start" | bc)")
  start=$(date +%s.%N)
  mdbook build "$work/mdbook" -d "$work/mdbook-out" > "$work/mdbook.log" 2>&1 || { tail -20 "$work/mdbook.log"; exit 1; }
  mdbook_times+=("$(echo "$(date +%s.%N) - $start" | bc)")
done
tail -1 "$work/build.log"
build_warnings=$(grep -c '^warning' "$work/build.log" || true)
link_warnings=$(grep -c '^warning: broken' "$work/build.log" || true)
echo "docgen build: $build_warnings warnings, $link_warnings of them broken links"
left=$( (grep -rlE '\{\{#(rustdoc_)?include ' "$work/site/public" --include=*.html || true) | wc -l)
links() { python3 benches/check_links.py "$@" | python3 -c "import json,sys; r=json.load(sys.stdin); print(r['links_checked'], 'links checked,', r['dead'], 'dead,', r['dead_in_page_body'], 'of them in page bodies')"; }
echo "dead links (benches/check_links.py): docgen output $(links "$work/site/public" http://localhost:1111/); mdbook output $(links "$work/mdbook-out")"

python3 - "$chapters" "$directives" "$left" "$import_s" "$notes" "$build_warnings" "${docgen_times[*]}" "${mdbook_times[*]}" <<'PY'
import statistics, sys
chapters, directives, left = map(int, sys.argv[1:4])
import_s = float(sys.argv[4]); notes, warnings = int(sys.argv[5]), int(sys.argv[6])
docgen = sorted(map(float, sys.argv[7].split())); mdbook = sorted(map(float, sys.argv[8].split()))
d, m = statistics.median(docgen), statistics.median(mdbook)
print(f"{chapters} chapters, {directives} include directives, pages still showing a directive: {left}")
print(f"import {import_s:.2f} s ({notes} notes); docgen build median {d:.2f} s ({warnings} warnings), "
      f"mdbook build median {m:.2f} s over {len(docgen)} interleaved runs; docgen/mdbook {d/m:.2f}x")
PY
