#!/usr/bin/env bash
# Re-fetch the pinned front-end files from the npm registry into static/vendor/.
# The files are committed; run this only to upgrade (then update the pins and checksums).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fetch() { # package@version path-in-package dest
  (cd "$tmp" && npm pack "$1" --silent >/dev/null && mkdir -p "${1%@*}" && tar xzf ./*.tgz -C "${1%@*}" && rm ./*.tgz)
  cp "$tmp/${1%@*}/package/$2" "static/vendor/$3"
}
fetch htmx.org@2.0.9 dist/htmx.min.js htmx-2.0.9.min.js
fetch sortablejs@1.15.7 Sortable.min.js sortable-1.15.7.min.js
fetch axe-core@4.14.1 axe.min.js axe-core-4.14.1.min.js  # tests only (tests/browser/test_accessibility.py); no page loads it
(cd static/vendor && sha256sum -c SHA256SUMS)
