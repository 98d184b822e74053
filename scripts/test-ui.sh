#!/usr/bin/env bash
# End-to-end test of the web UI (issue 11): the real gateway on its simulator, Debian's chromium
# driven by puppeteer-core (pinned in tests/ui/package-lock.json, installed from the npm
# registry). Screenshots of every page go to build/release/ui-artifacts/ (TBGW_UPDATE_DOCS=1
# also copies them to docs/ui/ for docs/ui.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release tinybms-gw
if [ ! -d tests/ui/node_modules/puppeteer-core ] ||
   [ tests/ui/package-lock.json -nt tests/ui/node_modules/.package-lock.json ]; then
  (cd tests/ui && npm ci --no-audit --no-fund --loglevel=error)
fi
GW=build/release/app/tinybms-gw ARTIFACTS=build/release/ui-artifacts node tests/ui/e2e.mjs
