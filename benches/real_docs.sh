#!/usr/bin/env bash
# docgen on real documentation written elsewhere: build public docs trees (a Zola site, a Hugo site, an
# mdBook) with a minimal docgen.toml and report, per tree: pages, build time, problems by kind, and dead
# links in the output as counted by an independent checker (benches/check_links.py, Python's
# html.parser, no docgen code), plus how many of those docgen's own check did not name.
# Target: 0 dead links outside page bodies (navigation, breadcrumbs, listings: docgen's own), and
# 0 dead links docgen did not report.
#
#   bash benches/real_docs.sh MIRROR_DIR...
#
# Each MIRROR_DIR is a bare git repository (e.g. from the session's `fetch` tool:
# /work/.mirror/getzola+zola/repo); the docs folder inside it is picked by repository name below.
# Nothing fetched is committed: trees are extracted to /dev/shm. --warn-links keeps the build going
# so the output exists to be counted.
set -euo pipefail
cd "$(dirname "$0")/.."
work=/dev/shm/docgen-real-docs
# DOCGEN=path/to/docgen skips the release build (e.g. to try the script with a debug binary).
if [ -z "${DOCGEN:-}" ]; then cargo build --release -q -p docgen; fi
docgen=${DOCGEN:-$PWD/target/release/docgen}
rm -rf "$work" && mkdir -p "$work"

docs_folder() {
  case "$1" in
    *zola*) echo "docs/content" ;;
    *hugoDocs*) echo "content/en" ;;
    *mdBook*) echo "guide/src" ;;
    *starlight*) echo "docs/src/content/docs" ;;
    *) echo "docs" ;;
  esac
}

for mirror in "$@"; do
  name=$(basename "$(dirname "$mirror")")
  folder=$(docs_folder "$name")
  site="$work/$name"
  mkdir -p "$site/content"
  # Blob by blob: snapshots may lack their largest files, and a missing screenshot must not stop us.
  python3 - "$mirror" "$folder" "$site/content" <<'PY'
import os, subprocess, sys
mirror, folder, dest = sys.argv[1:]
tree = subprocess.run(["git", "--git-dir", mirror, "ls-tree", "-r", "-z", "HEAD", folder],
                      capture_output=True, check=True).stdout.split(b"\0")
missing = 0
for entry in filter(None, tree):
    meta, path = entry.split(b"\t", 1)
    mode, kind, sha = meta.split()
    if kind != b"blob" or mode == b"120000":
        continue
    blob = subprocess.run(["git", "--git-dir", mirror, "cat-file", "blob", sha], capture_output=True)
    if blob.returncode != 0:
        missing += 1
        continue
    target = os.path.join(dest, os.path.relpath(path.decode(), folder))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    open(target, "wb").write(blob.stdout)
if missing:
    print(f"   ({missing} files absent from the snapshot, skipped)")
PY
  printf 'title = "%s"\nbase_url = "https://example.org/"\nsections = ["content"]\n' "$name" > "$site/docgen.toml"
  # Templates the tree names in front matter (Zola's `template = "documentation.html"`) become thin
  # docgen templates extending the built-in page or section template.
  python3 - "$site" <<'PY'
import os, re, sys
site = sys.argv[1]
wanted = {}
for dirpath, _, names in os.walk(os.path.join(site, "content")):
    for n in names:
        if n.endswith(".md"):
            head = open(os.path.join(dirpath, n), encoding="utf-8", errors="replace").read(2000)
            for t in re.findall(r'^template\s*[=:]\s*["\']?([\w./-]+?)["\']?\s*$', head, re.M):
                wanted.setdefault(t, "section.html" if n == "_index.md" else "page.html")
for t, base in wanted.items():
    path = os.path.join(site, "theme/templates", t)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "w").write('{% extends "' + base + '" %}\n')
PY
  # hugoDocs has one alias claimed by two pages, an error in docgen: keep the first claim only.
  case "$name" in *hugoDocs*) sed -i '\#/content/sections/#d' "$site/content/content-management/sections.md" ;; esac
  start=$(date +%s.%N)
  "$docgen" build --warn-links --root "$site" --out "$site/out" > "$site/stdout" 2> "$site/stderr" || true
  end=$(date +%s.%N)
  commit=$(git --git-dir="$mirror" rev-parse --short HEAD)
  python3 benches/check_links.py "$site/out" https://example.org/ --list > "$site/dead.json"
  python3 - "$name" "$commit" "$start" "$end" "$site" <<'PY'
import json, re, sys, collections
name, commit, start, end, site = sys.argv[1:]
out = open(f"{site}/stdout").read() + open(f"{site}/stderr").read()
m = re.search(r"built (\d+) pages", out)
kinds = collections.Counter()
messages = []
for line in out.splitlines():
    hit = re.match(r"^(error|warning): (.*)", line)
    if not hit:
        continue
    messages.append(hit.group(2))
    text = re.sub(r"`[^`]*`", "`…`", hit.group(2))
    text = re.sub(r"\S+\.(md|html)\b", "PATH", text)
    text = re.sub(r"\d+", "N", text)
    text = re.sub(r"(: ).*", "", text) if "front matter" in text else text
    kinds[f"{hit.group(1)}: {text[:90]}"] += 1
dead = json.load(open(f"{site}/dead.json"))
all_text = "\n".join(messages)
def reported(d):
    # docgen names the URL as it appears in the output, or (for a broken #anchor of a .md link, found
    # earlier by parse) the fragment as written in markdown.
    fragment = d["url"].split("#", 1)[1] if "#" in d["url"] else None
    return f"`{d['url']}`" in all_text or (fragment and f"#{fragment}`" in all_text)
unreported = [d for d in dead.get("dead_links", []) if not reported(d)]
print(f"== {name} @ {commit}: {m.group(1) if m else '?'} pages, build {float(end) - float(start):.2f} s")
for kind, n in kinds.most_common(12):
    print(f"   {n:6d}  {kind}")
print(f"   dead links in output (independent checker): {dead['dead']} of {dead['links_checked']} "
      f"({dead['dead_outside_page_body']} outside page bodies); not reported by docgen: {len(unreported)}")
for d in unreported[:5]:
    print(f"     unreported: {d['file']} -> {d['url']} ({d['why']})")
PY
done
