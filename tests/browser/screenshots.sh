#!/usr/bin/env bash
# Regenerate screenshots of the site's key pages (desktop/phone, light/dark, drawer and TOC menu open)
# into target/browser-screenshots/site/. Needs node, `npm ci` and Debian's chromium.
#   tests/browser/screenshots.sh [URL_PATH...]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/browser-screenshots
cargo run --quiet -p docgen -- build --out "$out/public"
node tests/browser/screenshots.mjs "$out/public" "$out/site" "$@"
