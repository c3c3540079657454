#!/usr/bin/env bash
# Load test of `ax serve` on loopback with wrk: throughput and latency percentiles at 1, 8 and 64
# concurrent connections, the same at 8 while files are being re-indexed, a soak with memory
# samples, and the CLI's per-process cost of the same queries in the same run (hyperfine).
#
# Usage: benches/serve_load.sh [CORPUS_DIR]
#   CORPUS_DIR: as benches/ax_bench.sh (the cargo registry sources on tmpfs, 300k+ symbols).
# Environment: AX (default target/release/ax), DURATION (seconds per wrk run, default 15),
#   PER_QUERY (seconds per query in the per-endpoint runs, default 5),
#   SOAK (seconds, default 600; 0 skips it), CLI_RUNS (default 100), SOAK_ONLY=1 (only the soak,
#   so it fits one quiet window). Needs wrk (Debian), hyperfine, python3.
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
duration="${DURATION:-15}"
soak="${SOAK:-600}"
cli_runs="${CLI_RUNS:-100}"
per_query="${PER_QUERY:-5}"
# shellcheck source=benches/lib/corpus.sh
source "$repo_root/benches/lib/corpus.sh"
bench_preamble wrk hyperfine python3 curl
prepare_corpus "${1:-}"
"$ax" index "$corpus" >/dev/null
"$ax" -C "$corpus" stats >"$work/stats.txt" && head -1 "$work/stats.txt"

cp "$repo_root/benches/lib/serve_mix.lua" "$work/mix.lua"

"$ax" -C "$corpus" serve --bind 127.0.0.1:0 >"$work/load-serve.out" 2>"$work/load-serve.err" &
server_pid=$!
editor_pid=0
target=$(edited_file)
cp "$target" "$work/load-edited.orig"
# Never `kill 0`: that is the caller's whole process group.
stop_all() {
  cp "$work/load-edited.orig" "$target"
  for pid in "$server_pid" "$editor_pid"; do
    if (( pid > 0 )); then kill "$pid" 2>/dev/null || true; fi
  done
}
trap stop_all EXIT
for _ in $(seq 100); do grep -q listening "$work/load-serve.out" 2>/dev/null && break; sleep 0.1; done
address=$(sed -n 's/^listening on http:\/\///p' "$work/load-serve.out")
until curl -sf "http://$address/readyz" >/dev/null; do sleep 0.1; done
sleep 2
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }

run_wrk() { # label connections seconds
  local threads=$(( $2 < 2 ? 1 : 2 ))
  local line
  line=$(wrk -t"$threads" -c"$2" -d"$3s" --timeout 5s -s "$work/mix.lua" "http://$address" | grep '^RESULT')
  printf '%-28s %s\n' "$1" "${line#RESULT }"
}

# Server CPU per request, per query of the mix: load-independent (the latency figures are not on a
# shared machine). 100 sequential requests each, CPU from /proc/PID/stat (utime+stime, 10 ms ticks).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
if [[ "${SOAK_ONLY:-0}" != 1 ]]; then
echo "== server CPU per request (100 sequential requests per query)"
for path in $(grep -o '"/v1/[^"]*"' "$work/mix.lua" | tr -d '"'); do
  for _ in $(seq 100); do printf 'url = "http://%s%s"\noutput = "/dev/null"\n' "$address" "$path"; done >"$work/urls.txt"
  before=$(cpu_ticks)
  curl -s -K "$work/urls.txt"
  after=$(cpu_ticks)
  printf '%-40s %5.1f ms CPU/request  %6d bytes\n' "$path" "$(awk -v t=$((after - before)) 'BEGIN {print t * 10 / 100}')" \
    "$(curl -s "http://$address$path" | wc -c)"
done

echo "== throughput and latency (wrk, ${duration}s per row, 2 wrk threads on the same 2 cores)"
run_wrk "warm-up, 8 connections" 8 5 >/dev/null
for connections in 1 8 64; do
  run_wrk "$connections connection(s)" "$connections" "$duration"
done

echo "== 8 connections, one query of the mix per run (${per_query}s each): the p99 of every endpoint"
sed -n '/^done = function/,$p' "$work/mix.lua" >"$work/single.lua"
for path in $(grep -o '"/v1/[^"]*"' "$work/mix.lua" | tr -d '"'); do
  line=$(wrk -t2 -c8 -d"${per_query}s" --timeout 5s -s "$work/single.lua" "http://$address$path" | grep '^RESULT')
  printf '%-40s %s\n' "$path" "${line#RESULT }"
done

echo "== 8 connections while a file is re-indexed every 500 ms"
( i=0; while true; do i=$((i+1)); echo "pub fn load_edit_$i() {}" >> "$target"; sleep 0.5; done ) &
editor_pid=$!
before=$(grep -c "indexed:" "$work/load-serve.err" || true)
run_wrk "8 connections + re-index" 8 "$duration"
kill $editor_pid; editor_pid=0
after=$(grep -c "indexed:" "$work/load-serve.err" || true)
echo "re-index commits during the run: $((after - before))"

echo "== CLI per-process cost of the same kind of query (hyperfine, $cli_runs runs)"
hyperfine -N --warmup 3 --runs "$cli_runs" --export-json "$work/load-cli.json" \
  -n "ax find (process, no cache)" "$ax -C $corpus --no-cache find parse request" >/dev/null
python3 - "$work/load-cli.json" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))["results"][0]
times = sorted(result["times"])
print(f"{result['command']:<28} median {result['median']*1000:.2f} ms  p99 {times[int(len(times)*0.99)-1]*1000:.2f} ms  "
      f"(a served query is one HTTP round trip on an open index)")
PY

fi

if (( soak > 0 )); then
echo "== soak: ${soak}s at 8 connections, resident memory every 60 s"
echo "rss at start: $(rss_kib) KiB"
wrk -t2 -c8 -d"${soak}s" --timeout 5s -s "$work/mix.lua" "http://$address" >"$work/soak.txt" &
wrk_pid=$!
elapsed=0
while kill -0 $wrk_pid 2>/dev/null; do
  sleep 60; elapsed=$((elapsed + 60))
  kill -0 $wrk_pid 2>/dev/null && echo "rss after ${elapsed}s: $(rss_kib) KiB"
done
grep '^RESULT' "$work/soak.txt" | sed 's/^RESULT/soak:/'
echo "rss at end: $(rss_kib) KiB"
fi
echo "== the server's own count of answers by endpoint and status code"
curl -s "http://$address/metrics" | grep '^ax_http_requests_total' || true
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"
