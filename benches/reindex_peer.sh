#!/usr/bin/env bash
# Two `ax` builds on the same large index in one hyperfine run: `ax index` after a one-file edit and
# with nothing changed, each build's median, CPU and the ratio. For before/after figures of a change
# to indexing (benches/reindex.sh measures one build and ax serve).
#
# Usage: benches/reindex_peer.sh BEFORE_AX AFTER_AX [CORPUS_DIR]
#   CORPUS_DIR as benches/reindex.sh (default: the tmpfs copy of the cargo registry); BEFORE_AX
#   indexes a copy of it, CORPUS_DIR.before (made once). Environment:
#   RUNS (default 15). Needs hyperfine, python3.
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
before="${1:?usage: benches/reindex_peer.sh BEFORE_AX AFTER_AX [CORPUS_DIR]}"
after="${2:?usage: benches/reindex_peer.sh BEFORE_AX AFTER_AX [CORPUS_DIR]}"
runs="${RUNS:-15}"
# shellcheck source=benches/lib/corpus.sh
source "$repo_root/benches/lib/corpus.sh"
AX="$after" bench_preamble hyperfine python3
prepare_corpus "${3:-}"
# Each build indexes its own copy: two index formats cannot share one `.ax/` (each run would rebuild).
before_corpus="$corpus.before"
if [[ ! -d "$before_corpus" ]]; then
  cp -r "$corpus" "$before_corpus"
  rm -rf "$before_corpus/.ax"
fi
"$after" index "$corpus" >/dev/null
"$before" index "$before_corpus" >/dev/null
target=$(edited_file)
target_before="$before_corpus/${target#"$corpus"/}"
cp "$target" "$work/peer-edited.orig"
cp "$target_before" "$work/peer-edited-before.orig"
trap 'cp "$work/peer-edited.orig" "$target"; cp "$work/peer-edited-before.orig" "$target_before"' EXIT
edit() { echo "sh -c 'echo \"pub fn peer_edit_\$(date +%s%N)() {}\" >> $1'"; }
hyperfine -N --runs "$runs" --export-json "$work/peer.json" \
  --prepare "$(edit "$target_before")" -n "before, one file edited" "$before index $before_corpus" \
  --prepare "$(edit "$target")" -n "after, one file edited" "$after index $corpus" \
  --prepare "true" -n "before, nothing changed" "$before index $before_corpus" \
  --prepare "true" -n "after, nothing changed" "$after index $corpus" >/dev/null
python3 - "$work/peer.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
for case in ("one file edited", "nothing changed"):
    old, new = results[f"before, {case}"], results[f"after, {case}"]
    print(f"{case:<16} before median {old['median']*1000:6.1f} ms (CPU {(old['user']+old['system'])*1000:5.1f} ms)  "
          f"after median {new['median']*1000:6.1f} ms (CPU {(new['user']+new['system'])*1000:5.1f} ms)  "
          f"ratio {new['median']/old['median']:.2f}x")
print("load average:", open("/proc/loadavg").read().split()[:3])
PY
