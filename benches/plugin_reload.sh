#!/usr/bin/env bash
# Plugin runtime benchmark, each figure next to a peer measured in the same run:
#  1. hot-reload latency (save -> watcher -> new version serving) against the 50 ms target;
#  2. per-hook-call overhead against a bare mlua call (no sandbox, hook or limits);
#  3. `ax find` with the three catalog plugins enabled against `ax find` without plugins (hyperfine).
# Usage: benches/plugin_reload.sh [RELOADS] [CALLS]. Inputs live on tmpfs (/dev/shm).
set -euo pipefail
cd "$(dirname "$0")/.."

reloads="${1:-50}"
calls="${2:-100000}"
work_dir="/dev/shm/${USER:-ax}/plugin-bench"
mkdir -p "$work_dir"

cargo build --release -p ax --example plugin_bench --bin ax >/dev/null 2>&1 \
  || cargo build --release -p ax --example plugin_bench --bin ax
echo "machine: $(nproc) cores; reloads=$reloads calls=$calls; work dir $work_dir"
target/release/examples/plugin_bench "$work_dir" "$reloads" "$calls"

ax="$PWD/target/release/ax"
for variant in bare plugins; do
  rm -rf "$work_dir/$variant"
  cp -r tutorials/fixtures/router-rs "$work_dir/$variant"
done
cp -r plugins "$work_dir/plugins/plugins"
printf '[plugins]\ndir = "plugins"\n' >> "$work_dir/plugins/ax.toml"
"$ax" -C "$work_dir/bare" index >/dev/null
"$ax" -C "$work_dir/plugins" index >/dev/null

echo
echo "ax find, no plugins vs the three catalog plugins (query cache off):"
hyperfine -N --warmup 10 --runs 200 --style basic \
  --command-name "no plugins" "$ax --no-cache -C $work_dir/bare find parse request" \
  --command-name "3 catalog plugins" "$ax --no-cache -C $work_dir/plugins find parse request" \
  | grep -E "Time|±|faster|slower|no plugins|catalog" | grep -v "Warning" || true
