#!/usr/bin/env bash
# Re-index latency of one edited file on a large index: `ax index` (CLI, whole process) and
# `ax serve` (from the save to the first query that sees the edit), in the same run, plus the
# "nothing changed" CLI run as the floor.
#
# Usage: benches/reindex.sh [CORPUS_DIR]
#   CORPUS_DIR defaults to the tmpfs copy of the cargo registry sources that benches/ax_bench.sh
#   makes (300k+ symbols). Needs hyperfine, python3, curl. Environment: AX (default
#   target/release/ax), RUNS (default 20).
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${RUNS:-20}"
# shellcheck source=benches/lib/corpus.sh
source "$repo_root/benches/lib/corpus.sh"
bench_preamble hyperfine python3 curl
prepare_corpus "${1:-}"
"$ax" index "$corpus" >/dev/null
"$ax" -C "$corpus" stats >"$work/stats.txt" && head -1 "$work/stats.txt"

# The edited file: a mid-sized Rust file, restored at the end.
target=$(edited_file)
cp "$target" "$work/edited.orig"
# Never `kill 0` (the caller's whole process group) when the server never started.
trap 'cp "$work/edited.orig" "$target"; if (( ${server_pid:-0} > 0 )); then kill "$server_pid" 2>/dev/null || true; fi' EXIT
echo "edited file: ${target#$corpus/}"

echo "== CLI: ax index after editing one file vs with nothing changed ($runs runs each)"
hyperfine -N --runs "$runs" --export-json "$work/reindex-cli.json" \
  --prepare "sh -c 'echo \"pub fn bench_edit_\$(date +%s%N)() {}\" >> $target'" \
  -n "ax index (one file edited)" "$ax index $corpus" \
  --prepare "true" \
  -n "ax index (nothing changed)" "$ax index $corpus"

echo "== serve: from the save to the first /v1/def answer that has the new symbol ($runs edits)"
"$ax" -C "$corpus" serve --bind 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 100); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
address=$(sed -n 's/^listening on http:\/\///p' "$work/serve.out")
until curl -sf "http://$address/readyz" >/dev/null; do sleep 0.1; done
sleep 2 # let the catch-up run at start finish
python3 - "$address" "$target" "$runs" <<'PY'
import http.client, json, sys, time
address, target, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
host, port = address.rsplit(":", 1)
connection = http.client.HTTPConnection(host, int(port))
def defined(name):
    connection.request("GET", f"/v1/def?name={name}")
    return bool(json.loads(connection.getresponse().read())["definitions"])
latencies = []
for run in range(runs):
    name = f"serve_edit_{run}_{time.time_ns()}"
    started = time.perf_counter()
    with open(target, "a") as file:
        file.write(f"\npub fn {name}() {{}}\n")
    while not defined(name):
        time.sleep(0.001)
    latencies.append((time.perf_counter() - started) * 1000)
    time.sleep(0.3)
latencies.sort()
print(f"serve: save to visible  median {latencies[len(latencies)//2]:.1f} ms  "
      f"p90 {latencies[int(len(latencies)*0.9)-1]:.1f} ms  max {latencies[-1]:.1f} ms  (n={runs})")
PY
grep -c "indexed:" "$work/serve.err" | xargs echo "serve commits logged:"
python3 - "$work/reindex-cli.json" <<'PY'
import json, sys
for result in json.load(open(sys.argv[1]))["results"]:
    times = sorted(result["times"])
    print(f"{result['command']:<28} median {result['median']*1000:7.1f} ms  max {max(times)*1000:7.1f} ms  (n={len(times)})")
print("load average during the run:", open("/proc/loadavg").read().split()[:3])
PY
