#!/usr/bin/env bash
# A/B of docgen binaries on one site: builds with each binary interleaved round-robin (so load from other
# processes hits all alike), then prints each one's median wall time, median CPU time (user + system),
# peak RSS, and the ratios to the first binary. Outputs go to tmpfs, one folder per binary.
#
#   bash benches/build_ab.sh SITE_ROOT RUNS BASE_BINARY OTHER_BINARY...
#   e.g. bash benches/build_ab.sh /dev/shm/site 7 /dev/shm/docgen-before target/release/docgen
#
# Pair it with `diff -r` of the outputs (they are kept in /dev/shm/docgen-ab/N/) when a change must not
# change the output; instruction counts, steadier than time on a loaded machine, come from
# `valgrind --tool=callgrind BINARY build --root SITE_ROOT --out DIR` (see docs/performance.md).
set -euo pipefail
[ $# -ge 4 ] || { sed -n '2,10p' "$0"; exit 2; }
python3 - "$@" <<'PY'
import os, statistics, subprocess, sys, time
root, runs, binaries = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
work = "/dev/shm/docgen-ab"

def timed(index):
    start = time.perf_counter()
    proc = subprocess.Popen([binaries[index], "build", "--root", root, "--out", f"{work}/{index}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{binaries[index]} failed: {proc.stderr.read().decode()}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024

print(f"{root}: {runs} runs each, round-robin; load average before {os.getloadavg()[0]:.1f}")
names = list(range(len(binaries)))
for i in names:
    timed(i)  # warm-up
samples = {i: [] for i in names}
for r in range(runs):
    for i in names[r % len(names):] + names[:r % len(names)]:
        samples[i].append(timed(i))
wall = {i: statistics.median(s[0] for s in samples[i]) for i in names}
cpu = {i: statistics.median(s[1] for s in samples[i]) for i in names}
for i in names:
    peak = max(s[2] for s in samples[i])
    print(f"{binaries[i]:>40}: wall {wall[i]*1000:7.0f} ms ({wall[i]/wall[0]:.3f})  "
          f"cpu {cpu[i]:6.3f} s ({cpu[i]/cpu[0]:.3f})  peak {peak:5.0f} MB  -> {work}/{i}")
print(f"load average after {os.getloadavg()[0]:.1f}")
PY
