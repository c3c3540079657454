# Shared by the ax benches (ax_bench.sh, reindex.sh, reindex_peer.sh, serve_load.sh): their preamble
# and the large real corpus they run on. Source it after setting `repo_root`, then call
# `bench_preamble TOOL...` (checks the tools; sets `work`, the scratch folder on tmpfs, and `ax`, the
# AX binary, default target/release/ax, built if missing) and `prepare_corpus [DIR]` (sets `corpus`:
# DIR, or the default tmpfs copy). `edited_file` names the file the re-index benches edit.
#
# The default is a tmpfs copy of the cargo registry sources (~/.cargo/registry/src/*/), the largest
# real source tree available offline after a build, minus generated platform bindings
# (linux-raw-sys, windows-sys, winapi, libc: 1M+ constants would swamp the hand-written code).
# It is made once and reused; delete it (`rm -rf "$work/corpus"`) to take a newer registry.

prepare_corpus() {
  corpus="${1:-$work/corpus}"
  if [[ -d "$corpus" ]]; then
    return
  fi
  local registry
  registry=$(ls -d "$HOME"/.cargo/registry/src/*/ | head -1)
  echo "copying $registry to $corpus (tmpfs)" >&2
  cp -r "$registry" "$corpus"
  rm -rf "$corpus"/linux-raw-sys-* "$corpus"/windows-sys-* "$corpus"/winapi-* "$corpus"/libc-*
}

bench_preamble() {
  work="/dev/shm/${USER:-$(id -un)}-ax-bench"
  ax="${AX:-$repo_root/target/release/ax}"
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "missing $tool (see the usage at the top of $0)"; exit 2; }
  done
  [[ -x "$ax" ]] || (cd "$repo_root" && cargo build --release -p ax)
  mkdir -p "$work"
}

# A mid-sized Rust file of the corpus, the same on every run: what the re-index benches edit.
edited_file() {
  find "$corpus" -name '*.rs' -size +8k -size -40k | sort | awk 'NR==1'
}
