# Shared by the ax benches (ax_bench.sh, reindex.sh, serve_load.sh): the large real corpus they run
# on. Source it, then call `prepare_corpus [DIR]`; it sets `corpus` (DIR, or the default tmpfs copy).
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
