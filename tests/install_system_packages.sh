#!/usr/bin/env bash
# Debian packages the tests use as independent references and real readers:
#   chromium       the browser the rendered HTML is opened in (driven by Playwright)
#   poppler-utils  pdftotext, pdfinfo and pdfimages for the rendered PDF
#   r-cran-vegan   R's vegan, the peer implementation of the richness estimators
#   bubblewrap     bwrap, the isolation of make verify's rerun (no network, writes only to scratch)
#   qpdf           qpdf --check, the structural check of every rendered PDF
#   npm            installs axe-core (tests/browser/package.json, from npm), the accessibility check
#                  run on the rendered HTML in Chromium
# Installs what is missing when run as root with apt; otherwise says what is missing, and the
# tests that need it are skipped with that reason (in CI, where CI=true, they fail instead).
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v bwrap >/dev/null || missing+=(bubblewrap)
command -v qpdf >/dev/null || missing+=(qpdf)
command -v npm >/dev/null || missing+=(npm)
Rscript -e 'library(vegan)' >/dev/null 2>&1 || missing+=(r-cran-vegan)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        install() { DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null; }
        install "${missing[@]}" || (apt-get update >/dev/null && install "${missing[@]}")
    else
        echo "Not installed (needs root and apt): ${missing[*]}; the tests that need them will be skipped." >&2
    fi
fi
browser="$(dirname "$0")/browser"
if [ ! -f "$browser/node_modules/axe-core/axe.min.js" ] && command -v npm >/dev/null; then
    npm ci --prefix "$browser" --no-audit --no-fund >/dev/null
fi
