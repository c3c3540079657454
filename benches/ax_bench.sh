#!/usr/bin/env bash
# ax performance bench: indexing throughput against universal-ctags on the same tree in the same run,
# `ax find` P95 over 200 whole-process runs (uncached and cached), and `ax --version` cold start.
#
# Usage: benches/ax_bench.sh [CORPUS_DIR]
#   CORPUS_DIR defaults to a tmpfs copy of the cargo registry sources (~/.cargo/registry/src/*/),
#   the largest real source tree available offline after a build, minus generated platform bindings
#   (linux-raw-sys, windows-sys, winapi, libc). Needs hyperfine, ctags, python3.
# Environment: AX (default target/release/ax, built if missing), RUNS (default 200), INDEX_RUNS (default 3),
#   QUERY (default "parse request"), SKIP_INDEX=1 to reuse the last index and only time queries.
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${RUNS:-200}"
index_runs="${INDEX_RUNS:-3}"
# shellcheck source=benches/lib/corpus.sh
source "$repo_root/benches/lib/corpus.sh"
bench_preamble hyperfine ctags python3
prepare_corpus "${1:-}"

# The same languages on both sides; ax also skips files over 1 MiB (its default), ctags does not.
ctags_languages="Rust,Python,JavaScript,TypeScript,Go"

if [[ "${SKIP_INDEX:-0}" != 1 ]]; then
  echo "== indexing: ax index vs ctags -R ($index_runs runs each, from scratch)"
  hyperfine --runs "$index_runs" --export-json "$work/index.json" \
    --prepare "rm -rf '$corpus/.ax' '$work/tags'" \
    -n "ax index" "'$ax' index '$corpus'" \
    -n "ctags -R" "ctags -R --languages=$ctags_languages -f '$work/tags' '$corpus'"
fi
"$ax" index "$corpus" >/dev/null
"$ax" -C "$corpus" stats
ctags_tags=$(grep -vc '^!_TAG_' "$work/tags" || true)
echo "ctags tags: $ctags_tags"

query="${QUERY:-parse request}"
echo "== ax find '$query': $runs runs uncached, $runs runs cached; ax --version: $runs runs"
"$ax" -C "$corpus" find $query >/dev/null # fills the cache for the cached runs
hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/find.json" \
  -n "ax find (uncached)" "$ax -C $corpus --no-cache find $query" \
  -n "ax find (cached)" "$ax -C $corpus find $query" \
  -n "ax --version" "$ax --version"

python3 - "$work/index.json" "$work/find.json" <<'PY'
import json, sys

def load(path):
    return {r["command"]: r for r in json.load(open(path))["results"]}

def p95(times):
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]

index = load(sys.argv[1])
ax, ctags = index["ax index"], index["ctags -R"]
print(f"\nindex: ax {ax['mean']:.2f} s (cpu {ax['user'] + ax['system']:.2f} s), "
      f"ctags {ctags['mean']:.2f} s (cpu {ctags['user'] + ctags['system']:.2f} s), "
      f"ratio ax/ctags = {ax['mean'] / ctags['mean']:.2f}x wall, "
      f"{(ax['user'] + ax['system']) / (ctags['user'] + ctags['system']):.2f}x cpu")
for name, result in load(sys.argv[2]).items():
    times = result["times"]
    print(f"{name:<20} mean {result['mean'] * 1000:6.2f} ms  median {result['median'] * 1000:6.2f} ms  "
          f"P95 {p95(times) * 1000:6.2f} ms  max {max(times) * 1000:6.2f} ms  "
          f"cpu {(result['user'] + result['system']) * 1000:5.2f} ms  (n={len(times)})")
print("load average during the run:", open("/proc/loadavg").read().split()[:3])
PY
