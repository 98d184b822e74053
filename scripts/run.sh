#!/usr/bin/env bash
# Sets up, builds and runs the gateway on its built-in simulator. Extra arguments go to
# tinybms-gw (for example --log-level debug). Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh release tinybms-gw tinybms-sim
exec build/release/app/tinybms-gw --simulate "$@"
