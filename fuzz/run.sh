#!/usr/bin/env bash
# Build and run the fuzz targets on the stable toolchain (see docs/reliability.md).
#   fuzz/run.sh build               build every target (instrumented, release + debug assertions)
#   fuzz/run.sh run TARGET SECONDS  fuzz one target under `nice -n 19`, growing fuzz/corpus/TARGET
#   fuzz/run.sh cmin TARGET         minimise fuzz/corpus/TARGET in place
# cargo-fuzz passes nightly-only flags to rustc (`-Z` coverage options); RUSTC_BOOTSTRAP=1 lets the
# stable compiler accept them. `-s none`: no sanitizer (safe Rust gains little from ASan, and the C
# parts (tree-sitter, Lua) are not instrumented by it either); `-a`: overflow checks and debug
# assertions stay on, so arithmetic overflow is a finding too.
set -euo pipefail
cd "$(dirname "$0")/.."
export RUSTC_BOOTSTRAP=1
FLAGS=(--fuzz-dir fuzz -O -a -s none --codegen-units 16 --features libfuzzer --target-dir target/fuzz)
case "${1:-}" in
  build) nice -n 19 cargo fuzz build "${FLAGS[@]}" ;;
  run)
    target=$2 seconds=$3
    mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target"
    nice -n 19 cargo fuzz run "${FLAGS[@]}" "$target" "fuzz/corpus/$target" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
      -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$target/"
    ;;
  cmin) nice -n 19 cargo fuzz cmin "${FLAGS[@]}" "$2" "fuzz/corpus/$2" ;;
  *) sed -n '2,9p' "$0"; exit 2 ;;
esac
