#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer, Debian's clang) of every parser that takes bytes from
# outside (fuzz/, docs/fuzzing.md). Configures build/fuzz with clang and TBGW_BUILD_FUZZ=ON (core/
# and the parsers' own files, instrumented, nothing else), builds the targets, and runs each one
# for a short seeded run that starts from its committed corpus (fuzz/corpus/<target>). New inputs
# go to build/fuzz/runs/, never into the committed corpus.
#
# Fails when any target finds a crash, a sanitizer report, a leak, a timeout or a broken property
# (the input is saved as build/fuzz/runs/<target>-crash-...; docs/fuzzing.md says how to replay
# it). Prints each target's executions and coverage (libFuzzer's cov: edges, ft: features).
#
# Usage: scripts/test-fuzz.sh [SECONDS_PER_TARGET]   (default 6: ~75 s for the 12 targets)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

seconds="${1:-6}"
build=build/fuzz
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DTBGW_BUILD_FUZZ=ON >/dev/null
cmake --build "$build"

runs="$build/runs"
rm -rf "$runs"
mkdir -p "$runs"
passed=0
failed=0
printf '%-16s %10s %8s %6s %7s  %s\n' target executions exec/s cov ft result
for bin in "$build"/fuzz/*_fuzz; do
  target="$(basename "$bin" _fuzz)"
  corpus="fuzz/corpus/$target"
  mkdir -p "$runs/$target"
  # -timeout: one input running 5 s is a hang; -rss_limit_mb: libFuzzer's default, spelled out.
  if "$bin" -seed=1 -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$runs/$target-" "$runs/$target" "$corpus" \
    >"$runs/$target.log" 2>&1; then
    result=ok
    passed=$((passed + 1))
  else
    result=FAILED
    failed=$((failed + 1))
  fi
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$runs/$target.log")"
  speed="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$runs/$target.log")"
  cov="$(grep -Eo 'cov: [0-9]+' "$runs/$target.log" | tail -1 | cut -d' ' -f2)"
  ft="$(grep -Eo 'ft: [0-9]+' "$runs/$target.log" | tail -1 | cut -d' ' -f2)"
  printf '%-16s %10s %8s %6s %7s  %s\n' "$target" "${execs:-?}" "${speed:-?}" "${cov:-?}" \
    "${ft:-?}" "$result"
  if [ "$result" != ok ]; then
    grep -E 'ERROR|SUMMARY|property failed|runtime error|Test unit written' "$runs/$target.log" |
      head -20 | sed 's/^/    /' >&2
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
