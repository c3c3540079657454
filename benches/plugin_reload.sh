#!/usr/bin/env bash
# Plugin runtime benchmark: hot-reload latency (save -> watcher -> new version serving) against the
# 50 ms target, and per-hook-call overhead against a bare mlua call measured in the same run.
# Usage: benches/plugin_reload.sh [RELOADS] [CALLS]. Inputs live on tmpfs (/dev/shm).
set -euo pipefail
cd "$(dirname "$0")/.."

reloads="${1:-50}"
calls="${2:-100000}"
work_dir="/dev/shm/${USER:-ax}/plugin-bench"
mkdir -p "$work_dir"

cargo build --release -p ax --example plugin_bench >/dev/null 2>&1 || cargo build --release -p ax --example plugin_bench
echo "machine: $(nproc) cores; reloads=$reloads calls=$calls; work dir $work_dir"
target/release/examples/plugin_bench "$work_dir" "$reloads" "$calls"
