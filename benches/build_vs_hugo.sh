#!/usr/bin/env bash
# docgen build vs Hugo on the same 1,000-page corpus (../shared/bench/corpus.py), in the same run.
# Prints both wall times (hyperfine, mean of N runs) and the ratio docgen/Hugo. Target: <= 1.0.
#
#   bash benches/build_vs_hugo.sh [PAGES] [RUNS]
#
# Inputs and outputs live on tmpfs (/dev/shm) so disk noise does not swamp the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-1000}
runs=${2:-10}
work=/dev/shm/docgen-bench-build
corpus_py=${CORPUS_PY:-../shared/bench/corpus.py}
command -v hugo >/dev/null || { echo "hugo is not installed (apt-get install -y hugo)"; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install -y hyperfine)"; exit 2; }

cargo build --release -q -p docgen
docgen=$PWD/target/release/docgen
rm -rf "$work" && mkdir -p "$work/site"
python3 "$corpus_py" "$work/corpus" "$pages"
# docgen reads the corpus's plain layout (YAML front matter) as its content/ folder.
ln -s "$work/corpus/plain" "$work/site/content"
printf 'title = "bench"\nbase_url = "https://example.org/"\nsections = ["content"]\n[search]\nenable = false\n' > "$work/site/docgen.toml"

hyperfine --warmup 2 --runs "$runs" --export-json "$work/result.json" \
  -n docgen "$docgen build --root $work/site --out $work/out-docgen" \
  -n hugo "hugo --quiet --source $work/corpus/hugo -d $work/out-hugo"

python3 - "$work/result.json" "$pages" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
d, h = r["docgen"]["mean"], r["hugo"]["mean"]
print(f"{sys.argv[2]} pages: docgen {d*1000:.0f} ms (±{r['docgen']['stddev']*1000:.0f}), "
      f"hugo {h*1000:.0f} ms (±{r['hugo']['stddev']*1000:.0f}), ratio docgen/hugo = {d/h:.2f}x (target <= 1.00x)")
PY
