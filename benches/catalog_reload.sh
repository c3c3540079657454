#!/usr/bin/env bash
# Hot reload of every catalog plugin, one figure per plugin next to the 50 ms target: the time from
# `PluginHost::reload` starting to the edited version serving (manifest, fresh sandbox, init.lua), as
# measured by the hot-reload check in engine/tests/plugin_catalog.rs (good edit, bad edit, fix).
# Usage: benches/catalog_reload.sh [debug|release] (default release).
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-release}"
flag=""
[ "$profile" = release ] && flag="--release"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); profile $profile; target 50 ms (promise 500 ms)"
cargo test $flag -p ax --test plugin_catalog every_catalog_plugin_hot_reloads -- --nocapture 2>/dev/null \
  | grep -E '^reload ' \
  | awk '/total/ { print; next } { printf "%s  (%.3fx of the 50 ms target)\n", $0, $3 / 50 }'
