#!/usr/bin/env bash
# A/B of two `ax serve` builds under the same load: ROUNDS rounds, each runs BASE then NEW (then
# NEW then BASE in the next round, so neither always goes first) against the same index at C
# connections for DURATION seconds with the request mix of benches/lib/serve_mix.lua, and prints
# per build the median over rounds of requests/s, p50, p99 and max, and NEW/BASE ratios.
#
# Usage: benches/serve_ab.sh BASE_AX NEW_AX [CORPUS_DIR]
#   CORPUS_DIR: as benches/ax_bench.sh (default: the cargo registry sources on tmpfs). Both builds
#   must read the same index format (the index is built once, by NEW).
# Environment: ROUNDS (default 3), DURATION (seconds per run, default 15), CONNECTIONS (default 8).
# Needs wrk (Debian), curl, python3. Run it on a quiet machine: it measures latency.
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
(( $# >= 2 )) || { sed -n '2,12p' "$0"; exit 2; }
base_ax=$(realpath "$1") new_ax=$(realpath "$2")
rounds="${ROUNDS:-3}" duration="${DURATION:-15}" connections="${CONNECTIONS:-8}"
threads=$(( connections < 2 ? 1 : 2 ))
# shellcheck source=benches/lib/corpus.sh
source "$repo_root/benches/lib/corpus.sh"
AX="$new_ax" bench_preamble wrk curl python3
prepare_corpus "${3:-}"
"$new_ax" index "$corpus" >/dev/null
cp "$repo_root/benches/lib/serve_mix.lua" "$work/mix.lua"

server_pid=0
stop_server() { if (( server_pid > 0 )); then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi; server_pid=0; }
trap stop_server EXIT

run_one() { # label binary
  "$2" -C "$corpus" serve --bind 127.0.0.1:0 >"$work/ab-serve.out" 2>"$work/ab-serve.err" &
  server_pid=$!
  for _ in $(seq 100); do grep -q listening "$work/ab-serve.out" 2>/dev/null && break; sleep 0.1; done
  local address
  address=$(sed -n 's/^listening on http:\/\///p' "$work/ab-serve.out")
  until curl -sf "http://$address/readyz" >/dev/null; do sleep 0.1; done
  wrk -t"$threads" -c"$connections" -d3s --timeout 5s -s "$work/mix.lua" "http://$address" >/dev/null
  local line
  line=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 5s -s "$work/mix.lua" "http://$address" | grep '^RESULT')
  stop_server
  echo "$1 ${line#RESULT }" | tee -a "$work/ab.txt"
}

: >"$work/ab.txt"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  if (( round % 2 )); then run_one base "$base_ax"; run_one new "$new_ax"
  else run_one new "$new_ax"; run_one base "$base_ax"; fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work/ab.txt" "$connections" <<'PY'
import re, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    label, rest = line.split(" ", 1)
    fields = dict(re.findall(r"(\w+)=([\d.]+)", rest))
    runs.setdefault(label, []).append({k: float(v) for k, v in fields.items()})
keys = [("rps", "requests/s"), ("p50_ms", "p50 ms"), ("p99_ms", "p99 ms"), ("max_ms", "max ms"), ("errors", "errors")]
print(f"{sys.argv[2]} connections, median over {len(runs['base'])} runs each")
print(f"{'build':<8}" + "".join(f"{title:>12}" for _, title in keys))
median = {label: {k: statistics.median(r[k] for r in rs) for k, _ in keys} for label, rs in runs.items()}
for label in ("base", "new"):
    print(f"{label:<8}" + "".join(f"{median[label][k]:>12.2f}" for k, _ in keys))
print(f"{'new/base':<8}" + "".join(f"{median['new'][k] / median['base'][k]:>11.2f}x" if median['base'][k] else f"{'-':>12}" for k, _ in keys[:4]))
PY
