#!/usr/bin/env bash
# Build and run the fuzz targets on the stable toolchain (see docs/reliability.md).
#   fuzz/run.sh build               build the instrumented `fuzz_all` binary (release + debug assertions)
#   fuzz/run.sh run TARGET SECONDS  fuzz one target under `nice -n 19`, growing fuzz/corpus/TARGET
#   fuzz/run.sh cmin TARGET         minimise fuzz/corpus/TARGET (merge into a fresh folder, swap it in)
# cargo-fuzz passes nightly-only flags to rustc (sanitizer-coverage `-Z`/`-C llvm-args` options);
# RUSTC_BOOTSTRAP=1 lets the stable compiler accept them. `-s none`: no sanitizer (safe Rust gains
# little from ASan, and the C parts, tree-sitter and Lua, are not instrumented by it either); `-a`:
# overflow checks and debug assertions stay on, so arithmetic overflow is a finding too. One binary
# for all targets (`FUZZ_TARGET` picks one) because linking seventeen instrumented binaries with the
# workspace's thin LTO takes longer than fuzzing them on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export RUSTC_BOOTSTRAP=1
BIN=target/fuzz/x86_64-unknown-linux-gnu/release/fuzz_all
case "${1:-}" in
  build)
    nice -n 19 cargo fuzz build --fuzz-dir fuzz -O -a -s none --codegen-units 16 \
      --features libfuzzer --target-dir target/fuzz fuzz_all
    ;;
  run)
    target=$2 seconds=$3
    mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target"
    FUZZ_TARGET=$target nice -n 19 "$BIN" "fuzz/corpus/$target" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
      -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$target/"
    ;;
  cmin)
    target=$2 fresh="fuzz/corpus/.$2.min"
    rm -rf "$fresh" && mkdir -p "$fresh"
    FUZZ_TARGET=$target nice -n 19 "$BIN" -merge=1 -timeout=10 "$fresh" "fuzz/corpus/$target"
    rm -rf "fuzz/corpus/$target" && mv "$fresh" "fuzz/corpus/$target"
    ;;
  *) sed -n '2,5p' "$0"; exit 2 ;;
esac
