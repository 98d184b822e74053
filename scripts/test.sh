#!/usr/bin/env bash
# Sets up, builds and runs every test:
#   1. release build: unit + integration tests (real pseudo-terminals, real simulator, real binaries)
#   2. asan preset (AddressSanitizer + UBSan): the core unit tests, including the fuzz tests
#   3. clang-format check of every source file
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

jobs="$(nproc)"

echo "== release build and all tests"
scripts/build.sh release
ctest --preset release -j "$jobs"

echo "== asan/ubsan build and unit tests"
scripts/build.sh asan
ctest --preset asan -j "$jobs" -L unit

echo "== clang-format"
scripts/check-format.sh

echo "all test stages passed"
