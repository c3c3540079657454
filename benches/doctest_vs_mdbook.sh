#!/usr/bin/env bash
# docgen test's merged rust blocks vs one compile per block (`mdbook test`), on the same N blocks
# that call the ax library, in the same run; then docgen test's warm (cached) re-run time.
#
#   bash benches/doctest_vs_mdbook.sh [BLOCKS]
#
# Both sides get ax and its dependencies precompiled (docgen in its crate's target dir, mdbook through
# `-L` to the same deps folder), so the figures compare the per-block cost only. Needs mdbook
# (`cargo install mdbook`). Everything lives on tmpfs.
set -euo pipefail
cd "$(dirname "$0")/.."
blocks=${1:-50}
work=/dev/shm/docgen-bench-doctest
command -v mdbook >/dev/null || { echo "mdbook is not installed (cargo install mdbook)"; exit 2; }
cargo build --release -q -p docgen -p ax
docgen=$PWD/target/release/docgen
ax=$PWD/target/release/ax
# Keep the compiled dependencies of an earlier run (site/target); everything else is made anew.
rm -rf "$work/book" "$work/site/tutorials" "$work/site/content" "$work/site/engine"
mkdir -p "$work/site/content" "$work/site/tutorials" "$work/book/src"
cp Cargo.lock "$work/site/"
ln -s "$PWD/engine" "$work/site/engine"
echo '+++
title = "bench"
+++' > "$work/site/content/_index.md"

block() { # one self-contained block using the ax library
  printf '```rust\nfn main() {\n    # extern crate ax;\n    let words: Vec<String> = "block %s uses ax %%s".split(%s).map(str::to_owned).collect();\n    assert!(!ax::VERSION.is_empty());\n    assert_eq!(words.len(), 5);\n}\n```\n\n' "$1" "' '"
}
{ echo '+++'; echo 'title = "warm-up"'; echo '+++'; block 0; } > "$work/site/tutorials/warmup.md"
# Warm-up: compile ax and its dependencies once into the shared target dir.
"$docgen" test --no-cache --ax "$ax" --root "$work/site" >/dev/null
rm "$work/site/tutorials/warmup.md"

{ echo '+++'; echo 'title = "blocks"'; echo '+++'; for i in $(seq 1 "$blocks"); do block "$i"; done; } > "$work/site/tutorials/blocks.md"
printf '[book]\ntitle = "bench"\n' > "$work/book/book.toml"
printf '# Summary\n\n- [Blocks](blocks.md)\n' > "$work/book/src/SUMMARY.md"
{ echo '# Blocks'; for i in $(seq 1 "$blocks"); do block "$i"; done; } > "$work/book/src/blocks.md"
deps="$work/site/target/docgen-rust-blocks/target/debug/deps"

start=$(date +%s.%N)
"$docgen" test --no-cache --ax "$ax" --root "$work/site" | tail -1
merged=$(echo "$(date +%s.%N) - $start" | bc)

start=$(date +%s.%N)
"$docgen" test --ax "$ax" --root "$work/site" | tail -1
warm=$(echo "$(date +%s.%N) - $start" | bc)

start=$(date +%s.%N)
mdbook test "$work/book" -L "$deps" 2>&1 | tail -2
per_block=$(echo "$(date +%s.%N) - $start" | bc)

python3 - "$blocks" "$merged" "$per_block" "$warm" <<'PY'
import sys
n, merged, per_block, warm = int(sys.argv[1]), *map(float, sys.argv[2:])
print(f"{n} rust blocks: docgen test (one merged crate) {merged:.1f} s, mdbook test (one compile per block) "
      f"{per_block:.1f} s, ratio {per_block/merged:.1f}x (target >= 10x); warm cached re-run {warm*1000:.0f} ms")
PY
