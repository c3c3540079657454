#!/usr/bin/env bash
# Stability of docgen test's perf gate: N consecutive full `docgen test --no-cache` runs over the
# unchanged tree while another process keeps one core busy. The gate must report zero failures.
# Prints per claim the spread of instruction counts and of p25/p50/p95 latency over the runs, the
# wall check's figures (median off-CPU time per run, and the largest Hodges-Lehmann shift of a run's
# off-CPU samples over the committed baseline's against the minimum effect that fails), the priority
# the samples ran at, and the wall time of each run (what the gate costs CI).
#
#   benches/gate_stability.sh [RUNS]        # default 20; reports go to /dev/shm/gate-stability/
#   LOAD=outside benches/gate_stability.sh  # the busy core is another process you run (e.g. a
#                                           # fuzzer at normal priority), not the script's own loop
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20}"
out=/dev/shm/gate-stability
rm -rf "$out" && mkdir -p "$out"

cargo build -q -p docgen -p ax
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# The extra load: one busy core for the whole benchmark.
if [[ "${LOAD:-loop}" == outside ]]; then
  loader=0
  echo "extra load: a process outside this script (LOAD=outside)"
else
  ( while :; do :; done ) &
  loader=$!
fi
# Never `kill 0` (the caller's whole process group).
stop_loader() { if (( loader > 0 )); then kill "$loader" 2>/dev/null || true; fi; }
trap stop_loader EXIT

failures=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  if target/debug/docgen test --ax target/debug/ax --no-cache --require-cost --format json \
      > "$out/run-$i.json" 2> "$out/run-$i.err"; then status=ok; else status=FAILED; failures=$((failures + 1)); fi
  end=$(date +%s.%N)
  printf 'run %2d: %s in %.0f s (load %s)\n' "$i" "$status" "$(echo "$end - $start" | bc)" \
    "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/runs.txt"
done
stop_loader

python3 - "$out" "$runs" <<'PY'
import json, sys, statistics as st
out, runs = sys.argv[1], int(sys.argv[2])
baseline = json.load(open("tutorials/perf-baseline.json"))["claims"]
def shift(now, base):
    # Hodges-Lehmann, as generator/src/doctest/stats.rs computes it.
    return st.median([a - b for a in now for b in base]) if now and base else float("nan")
claims = {}
priorities = set()
for i in range(1, runs + 1):
    try:
        report = json.load(open(f"{out}/run-{i}.json"))
    except Exception:
        continue
    for t in report["tutorials"]:
        for b in t["blocks"]:
            if b["status"] == "failed":
                print(f"run {i}: FAILED {b['path']}:{b['line']}: {b.get('message', '')[:200]}")
            p = b.get("perf")
            if not p:
                continue
            c = claims.setdefault(f"{b['path']}:{b['line']} `{p['command']}`", {"ins": [], "p25": [], "p50": [], "p95": [], "wait": [], "shift": [], "key": p["baseline_key"], "note": None})
            priorities.add(p.get("priority", "?"))
            c["note"] = p.get("wall_note") or c["note"]
            base = baseline.get(p["baseline_key"], {})
            if p.get("wait_ms"):
                c["wait"].append(st.median(p["wait_ms"]))
                c["shift"].append(shift(p["wait_ms"], base.get("wait_ms", [])))
            if p.get("instructions"):
                c["ins"].append(p["instructions"])
            s = sorted(p["samples_ms"])
            c["p25"].append(s[max(0, -(-len(s) * 25 // 100) - 1)])
            c["p50"].append(p["measured_ms"]["p50"])
            c["p95"].append(p["measured_ms"]["p95"])
print("perf samples ran at priority:", ", ".join(sorted(priorities)))
print("claim | instructions min..max (spread) | p25 ms min..max | p50 ms min..max | p95 ms min..max | off-CPU median ms min..max | largest shift over baseline ms / minimum effect ms")
for name, c in claims.items():
    ins = c["ins"]
    spread = (max(ins) - min(ins)) / min(ins) * 100 if ins else float("nan")
    fmt = lambda xs: f"{min(xs):.1f}..{max(xs):.1f}" if xs else "-"
    base = baseline.get(c["key"], {})
    min_effect = max(10.0, 0.25 * st.median(base["samples_ms"])) if base.get("samples_ms") else float("nan")
    wall = f"{max(c['shift']):+.1f} / {min_effect:.1f}" if c["shift"] else "-"
    if c["note"]:
        wall += f" (wall check {c['note']})"
    print(f"{name} | {min(ins) if ins else '-'}..{max(ins) if ins else '-'} ({spread:.2f}%) | {fmt(c['p25'])} | {fmt(c['p50'])} | {fmt(c['p95'])} | {fmt(c['wait'])} | {wall}")
PY
echo "failed runs: $failures of $runs"
