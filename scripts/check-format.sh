#!/usr/bin/env bash
# Fails when a C++ file is not formatted as .clang-format says. Fix with: scripts/format.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find core platform app sim tests bench -name '*.[ch]pp')
[ ${#files[@]} -eq 0 ] && exit 0
clang-format --dry-run --Werror "${files[@]}"
echo "clang-format: ${#files[@]} files clean"
