#!/usr/bin/env bash
# The long fault soak (tests/soak/soak.py, profile long): the release gateway and simulator
# through repeated cycles of every fault (BMS unplugged and replugged, corrupted and late bytes,
# broker down, disk full, HTTP/WebSocket bursts, kill -9), niced so that it shares a small
# machine politely. Figures and how to read them: docs/performance.md, "Fault soak".
#
#   scripts/soak.sh [MINUTES] [SEED]        default 25 minutes, seed 1
#
# The binaries are copied first, so a rebuild of build/release during the run does not change
# what runs. The run directory (logs, candump lines, truth file, soak.json) is kept and printed.
# Environment: BUILD (default build/release), OUT (default /tmp/tbgw-soak-<date>).
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-25}"
seed="${2:-1}"
build="${BUILD:-build/release}"
out="${OUT:-/tmp/tbgw-soak-$(date +%Y%m%d-%H%M%S)}"

if [ ! -x "$build/app/tinybms-gw" ] || [ ! -x "$build/sim/tinybms-sim" ]; then
  scripts/setup.sh
  scripts/build.sh release tinybms-gw tinybms-sim
fi
mkdir -p "$out/bin"
cp "$build/app/tinybms-gw" "$build/sim/tinybms-sim" "$out/bin/"

echo "soak: $minutes min, seed $seed, run directory $out"
exec nice -n 10 python3 tests/soak/soak.py --gw "$out/bin/tinybms-gw" --sim "$out/bin/tinybms-sim" \
  --profile long --minutes "$minutes" --seed "$seed" --out "$out" --json "$out/soak.json"
