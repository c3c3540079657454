#!/usr/bin/env bash
# docgen build (search on and off) vs Hugo on the same synthetic corpus (../shared/bench/corpus.py), in
# the same run, interleaved round-robin so load from other processes hits all three alike.
# Prints median wall times, the ratios docgen/Hugo (target with search <= 0.5x) and docgen's peak memory.
#
#   bash benches/build_vs_hugo.sh [PAGES...] [-- RUNS]      e.g. bash benches/build_vs_hugo.sh 1000 10000 -- 5
#
# Defaults: 1000 and 10000 pages, 5 timed runs each after one warm-up. Inputs and outputs live on tmpfs
# (/dev/shm) so disk noise does not swamp the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=()
runs=5
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then runs=${2:-5}; break; fi
  sizes+=("$1"); shift
done
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
work=/dev/shm/docgen-bench-build
corpus_py=${CORPUS_PY:-../shared/bench/corpus.py}
[ -f "$corpus_py" ] || corpus_py=/work/shared/bench/corpus.py
command -v hugo >/dev/null || { echo "hugo is not installed (apt-get install -y hugo)"; exit 2; }

# DOCGEN=path measures that binary instead of building target/release/docgen.
if [ -n "${DOCGEN:-}" ]; then
  docgen=$DOCGEN
else
  cargo build --release -q -p docgen
  docgen=$PWD/target/release/docgen
fi
for pages in "${sizes[@]}"; do
  dir=$work/$pages
  rm -rf "$dir" && mkdir -p "$dir/on" "$dir/off"
  python3 "$corpus_py" "$dir/corpus" "$pages" >/dev/null
  for mode in on off; do
    # docgen reads the corpus's plain layout (YAML front matter) as its content/ folder.
    ln -s "$dir/corpus/plain" "$dir/$mode/content"
    enable=$([ "$mode" = on ] && echo true || echo false)
    printf 'title = "bench"\nbase_url = "https://example.org/"\nsections = ["content"]\n[search]\nenable = %s\n' \
      "$enable" > "$dir/$mode/docgen.toml"
  done
done

python3 - "$docgen" "$work" "$runs" "${sizes[@]}" <<'PY'
import os, statistics, subprocess, sys, time
docgen, work, runs, sizes = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]

def timed(cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime

print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.1f}; {runs} runs each, round-robin")
print(f"{'pages':>6} {'docgen+search':>14} {'docgen-search':>14} {'hugo':>9} {'ratio on':>9} {'ratio off':>10} "
      f"{'peak MB on':>11} {'cpu s on':>9} {'cpu s hugo':>11}")
for pages in sizes:
    d = f"{work}/{pages}"
    commands = {
        "on": [docgen, "build", "--root", f"{d}/on", "--out", f"{d}/out-on"],
        "off": [docgen, "build", "--root", f"{d}/off", "--out", f"{d}/out-off"],
        "hugo": ["hugo", "--quiet", "--source", f"{d}/corpus/hugo", "-d", f"{d}/out-hugo"],
    }
    for cmd in commands.values():
        timed(cmd)  # warm-up
    samples = {name: [] for name in commands}
    names = list(commands)
    for r in range(runs):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            samples[name].append(timed(commands[name]))
    med = {name: statistics.median(s[0] for s in samples[name]) for name in names}
    peak = max(s[1] for s in samples["on"])
    cpu_on = statistics.median(s[2] for s in samples["on"])
    cpu_hugo = statistics.median(s[2] for s in samples["hugo"])
    print(f"{pages:>6} {med['on']*1000:>11.0f} ms {med['off']*1000:>11.0f} ms {med['hugo']*1000:>6.0f} ms "
          f"{med['on']/med['hugo']:>8.2f}x {med['off']/med['hugo']:>9.2f}x {peak:>11.0f} {cpu_on:>9.2f} {cpu_hugo:>11.2f}")
print(f"load average after: {os.getloadavg()[0]:.1f}; target: docgen with search <= 0.50x Hugo (stretch 0.40x)")
PY
