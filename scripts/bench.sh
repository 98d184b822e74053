#!/usr/bin/env bash
# Builds the release preset and runs every benchmark in bench/. Results go to stdout and to
# build/release/bench/results/*.json; docs/performance.md records them with the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
scripts/build.sh release >/dev/null
mkdir -p build/release/bench/results
for b in build/release/bench/*_bench; do
  name=$(basename "$b")
  echo "== $name"
  "$b" --benchmark_min_time=0.5 --benchmark_out="build/release/bench/results/$name.json" \
    --benchmark_out_format=json "$@"
done
