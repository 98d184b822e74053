#!/usr/bin/env bash
# Web UI benchmark (issue 11): dashboard first paint and time to live data on loopback, bytes
# transferred, gateway CPU with 5 dashboards open. Figures go to docs/performance.md ("Web UI").
#   bench/ui_bench.sh            (HOLD_S=60 RUNS=10 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release tinybms-gw
[ -d tests/ui/node_modules/puppeteer-core ] || (cd tests/ui && npm ci --no-audit --no-fund --loglevel=error)
GW=build/release/app/tinybms-gw node tests/ui/bench.mjs
