#!/usr/bin/env bash
# Regenerates the search client's English stemmer with Snowball's own compiler and JavaScript backend:
#   theme/static/snowball-english-stemmer.js  <- `snowball english.sbl -js -n EnglishStemmer` (generated)
#   theme/static/snowball-base-stemmer.js     <- Snowball's javascript/base-stemmer.js (its JS runtime)
# Both are committed byte for byte as Snowball produces them (no build step serves the site); see
# third_party/snowball/README.md for the versions and decision 0301 for why these two.
#
#   bash third_party/snowball/regenerate.sh [--check] [ENGLISH_SBL]
#
# The compiler: Snowball 2.2.0, whose JavaScript backend emits a classic script (3.x emits an ES module,
# which Chromium refuses from file:// and node tests cannot `require`), built from Debian's source
# package `snowball` (bookworm) fetched with `apt-get source` through the machine's configured Debian
# mirror, into a private apt state under the work folder (the system's apt configuration is untouched).
# The algorithm: english.sbl of Snowball 3.1.1, the version the Rust side's stemmer (`frostem`, what
# tantivy uses) is generated from, so both sides stem alike. Taken from, in order: the ENGLISH_SBL
# argument (a file, e.g. `git show v3.1.1:algorithms/english.sbl` of Snowball's repository), Debian's
# `snowball` 3.1.1 source package (sid) when the mirror serves it. Its SHA-256 must be the pinned one.
# --check regenerates into the work folder and fails if the committed files differ.
# Needs: apt-get, tar, make, a C compiler, sha256sum. Takes about 20 s. Work folder: $WORK or a mktemp dir.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
check=0
sbl=""
for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    *) sbl=$(realpath "$arg") ;;
  esac
done

COMPILER_VERSION=2.2.0
ALGORITHM_VERSION=3.1.1
ENGLISH_SBL_SHA256=ab7e9160a0b86d22cc43886a042986021b23bf1a24a1656c597f92b127154dc9

work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
echo "work folder: $work"

# A private apt state holding only deb-src lines for the configured Debian mirror.
mirror=$(sed -n 's/^URIs:[[:space:]]*\(http[^[:space:]]*debian\)[[:space:]]*$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=$(sed -n 's/^deb[[:space:]]\+\(http[^[:space:]]*debian\)[[:space:]].*/\1/p' /etc/apt/sources.list 2>/dev/null | head -1)
[ -n "$mirror" ] || { echo "no Debian mirror configured in /etc/apt" >&2; exit 2; }
apt_dir=$work/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
printf 'deb-src %s bookworm main\ndeb-src %s sid main\n' "$mirror" "$mirror" > "$apt_dir/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o "APT::Sandbox::User=root")
apt-get "${apt_opts[@]}" -qq update

# Debian's source package version of a Snowball release, e.g. 2.2.0 -> 2.2.0-2.
debian_version() {
  apt-cache "${apt_opts[@]}" showsrc snowball 2>/dev/null |
    sed -n "s/^Version: \($1-[0-9.]*\)$/\1/p" | sort -V | tail -1
}

# Download a Snowball source package and unpack its upstream tarball; prints the folder.
snowball_source() {
  local version=$1 debian
  debian=$(debian_version "$version")
  [ -n "$debian" ] || return 1
  mkdir -p "$work/src-$version"
  (cd "$work/src-$version" &&
    apt-get "${apt_opts[@]}" -qq source --download-only "snowball=$debian" >/dev/null 2>&1 &&
    tar xzf "snowball_$version.orig.tar.gz") || return 1
  echo "$work/src-$version/snowball-$version"
}

compiler_src=$(snowball_source "$COMPILER_VERSION") ||
  { echo "cannot fetch Debian's snowball $COMPILER_VERSION source" >&2; exit 2; }
make -s -C "$compiler_src" snowball >/dev/null
compiler=$compiler_src/snowball

if [ -z "$sbl" ]; then
  if algorithm_src=$(snowball_source "$ALGORITHM_VERSION"); then
    sbl=$algorithm_src/algorithms/english.sbl
  else
    echo "Debian's mirror does not serve snowball $ALGORITHM_VERSION source; pass english.sbl of Snowball" \
      "$ALGORITHM_VERSION as an argument (e.g. git show v$ALGORITHM_VERSION:algorithms/english.sbl)" >&2
    exit 2
  fi
fi
echo "$ENGLISH_SBL_SHA256  $sbl" | sha256sum -c --quiet - ||
  { echo "$sbl is not english.sbl of Snowball $ALGORITHM_VERSION (SHA-256 differs)" >&2; exit 1; }

out=$work/out
mkdir -p "$out"
"$compiler" "$sbl" -js -n EnglishStemmer -o "$out/snowball-english-stemmer"
cp "$compiler_src/javascript/base-stemmer.js" "$out/snowball-base-stemmer.js"
cp "$compiler_src/COPYING" "$out/COPYING"

status=0
for pair in snowball-english-stemmer.js:theme/static snowball-base-stemmer.js:theme/static \
  COPYING:third_party/snowball; do
  name=${pair%%:*} dir=${pair#*:}
  if [ $check = 1 ]; then
    if cmp -s "$out/$name" "$repo/$dir/$name"; then echo "same: $dir/$name"; else echo "DIFFERS: $dir/$name"; status=1; fi
  else
    cp "$out/$name" "$repo/$dir/$name"
    echo "wrote $dir/$name"
  fi
done
(cd "$out" && sha256sum snowball-english-stemmer.js snowball-base-stemmer.js)
exit $status
