#!/usr/bin/env bash
# Cross-builds the gateway and the simulator for ARM Linux (issue 12): armhf for the Cerbo GX,
# Ekrano and Venus OS / Raspberry Pi OS 32-bit on a Raspberry Pi 2-4, arm64 for the Raspberry
# Pi 5 and 64-bit Raspberry Pi OS. The target libraries come from Debian 12's ARM packages,
# unpacked by packaging/venus/sysroot.sh; the C++ runtime, fmt and spdlog are linked in
# statically (cmake/toolchain-linux-cross.cmake, platform/linux/CMakeLists.txt), so the program
# needs only C libraries of the device. Output: build/ARCH-gw/app/tinybms-gw and
# build/ARCH-gw/sim/tinybms-sim. Usage: scripts/build-arm.sh [armhf|arm64 ...] (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
arches=("$@")
[ ${#arches[@]} -eq 0 ] && arches=(armhf arm64)
for arch in "${arches[@]}"; do
  case "$arch" in
    armhf | arm64) ;;
    *) echo "unknown architecture $arch (armhf or arm64)" >&2; exit 2 ;;
  esac
  packaging/venus/sysroot.sh "$arch" >/dev/null
  dir="build/$arch-gw"
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTBGW_BUILD_TESTS=OFF \
    -DTBGW_BUILD_BENCH=OFF -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/toolchain-$arch.cmake" >/dev/null
  if ! cmake --build "$dir" -j "${TBGW_JOBS:-2}" >"$dir/build.log" 2>&1; then
    grep -E -A5 'error|FAILED' "$dir/build.log" | head -60 >&2
    echo "build-arm: $arch failed (log: $dir/build.log)" >&2
    exit 1
  fi
  echo "build-arm: $dir/app/tinybms-gw ($(file -b "$dir/app/tinybms-gw" | cut -d, -f1-2))"
done
