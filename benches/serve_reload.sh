#!/usr/bin/env bash
# Edit-to-reload latency of `docgen serve` on a 1,000-page corpus, with `hugo server` (fast render, its
# livereload websocket) measured on the same corpus in the same run as the peer.
#
# For each server: start it, connect a websocket client, then 20 times: change one sentence of one page,
# and time from just before the write to the reload message arriving. Prints median / p90 / min / max per
# server and the ratio of the medians. Target (issue 8): docgen median under 100 ms.
#
# Usage: benches/serve_reload.sh [PAGES] [EDITS]   (defaults 1000 and 20). Needs node 20+, python3, hugo.
set -euo pipefail

PAGES=${1:-1000}
EDITS=${2:-20}
REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK=/dev/shm/serve-bench
DOCGEN="$REPO/target/release/docgen"

cargo build --release -p docgen --manifest-path "$REPO/Cargo.toml" >&2
rm -rf "$WORK"
python3 /work/shared/bench/corpus.py "$WORK" "$PAGES" >&2
mkdir -p "$WORK/docgen"
cp -r "$WORK/plain" "$WORK/docgen/content"
printf 'title = "Bench"\nbase_url = "https://example.org/"\nsections = ["content"]\n' > "$WORK/docgen/docgen.toml"
PAGE=$(cd "$WORK/docgen/content" && ls -d s000/*.md | sed -n 2p)

cat > "$WORK/client.mjs" <<'JS'
// Websocket client: edit FILE EDITS times and time each edit until the server's reload message.
// Usage: node --experimental-websocket client.mjs docgen|hugo WS_URL FILE EDITS
import fs from "node:fs";
const [kind, url, file, edits] = process.argv.slice(2);
const original = fs.readFileSync(file, "utf8");
const socket = new WebSocket(url);
let waiting = null;
socket.addEventListener("message", (event) => {
  const message = JSON.parse(event.data);
  const isReload = kind === "hugo" ? message.command === "reload" : message.type === "reload";
  if (isReload && waiting) { const done = waiting; waiting = null; done(); }
});
await new Promise((resolve, reject) => {
  socket.addEventListener("open", resolve);
  socket.addEventListener("error", reject);
});
if (kind === "hugo") {
  socket.send(JSON.stringify({ command: "hello", protocols: ["http://livereload.com/protocols/official-7"] }));
}
await new Promise((r) => setTimeout(r, 500));
const times = [];
for (let i = 0; i < Number(edits); i++) {
  // A new first paragraph each time: a body-only edit that changes the page and its search text.
  const text = original.replace(/\n# (.*)\n/, `\n# $1\n\nBench edit number ${i} at ${Date.now()}.\n`);
  const reloaded = new Promise((resolve, reject) => {
    waiting = resolve;
    setTimeout(() => reject(new Error(`no reload within 10 s for edit ${i}`)), 10000);
  });
  const started = performance.now();
  fs.writeFileSync(file, text);
  await reloaded;
  times.push(performance.now() - started);
  // Let background work (docgen's search bundle, hugo's remaining passes) settle between edits.
  await new Promise((r) => setTimeout(r, 400));
}
fs.writeFileSync(file, original);
socket.close();
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
console.log(JSON.stringify({ kind, median: at(0.5), p90: at(0.9), min: times[0], max: times[times.length - 1] }));
JS

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_for_port() {
  for _ in $(seq 1 300); do
    if (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "server on port $1 did not start" >&2; return 1
}

PORT=$(free_port)
"$DOCGEN" serve --root "$WORK/docgen" --port "$PORT" > "$WORK/docgen.log" 2>&1 &
PIDS+=($!)
wait_for_port "$PORT"
DOCGEN_RESULT=$(node --experimental-websocket --no-warnings "$WORK/client.mjs" docgen "ws://127.0.0.1:$PORT/__docgen/ws" "$WORK/docgen/content/$PAGE" "$EDITS")

HUGO_RESULT='{}'
if command -v hugo > /dev/null; then
  HPORT=$(free_port)
  (cd "$WORK/hugo" && exec hugo server --bind 127.0.0.1 --port "$HPORT" > "$WORK/hugo.log" 2>&1) &
  PIDS+=($!)
  wait_for_port "$HPORT"
  HUGO_RESULT=$(node --experimental-websocket --no-warnings "$WORK/client.mjs" hugo "ws://127.0.0.1:$HPORT/livereload" "$WORK/hugo/content/$PAGE" "$EDITS")
fi

python3 - "$DOCGEN_RESULT" "$HUGO_RESULT" "$PAGES" "$EDITS" <<'PY'
import json, sys
docgen, hugo, pages, edits = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3], sys.argv[4]
print(f"edit-to-reload-message latency, {pages} pages, {edits} edits of one page")
print(f"{'server':<14}{'median ms':>10}{'p90 ms':>10}{'min ms':>10}{'max ms':>10}")
for name, r in (("docgen serve", docgen), ("hugo server", hugo)):
    if r:
        print(f"{name:<14}{r['median']:>10.1f}{r['p90']:>10.1f}{r['min']:>10.1f}{r['max']:>10.1f}")
if hugo:
    print(f"docgen median / hugo median = {docgen['median'] / hugo['median']:.2f}")
print(f"target: docgen median under 100 ms -> {'met' if docgen['median'] < 100 else 'NOT met'}")
PY
