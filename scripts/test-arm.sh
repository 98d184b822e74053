#!/usr/bin/env bash
# Issue 12: the core and the unit tests on what differs between x86-64 and ARM, cross-built for
# armhf (Cerbo GX, Ekrano, Venus OS on a Raspberry Pi 2-4) and arm64 (Raspberry Pi 5, 64-bit
# Raspberry Pi OS) with Debian's cross compilers and run under qemu-user (qemu-arm-static /
# qemu-aarch64-static with the cross libc as -L root). The test list is in
# tests/dbus/cross/CMakeLists.txt; builds go to build/armhf and build/arm64 (ccache makes reruns
# cheap). Then, per architecture, the gateway itself: its cross build, the Venus OS bundle, the
# .deb and their end-to-end checks under qemu-user (scripts/test-arm-gateway.sh).
# Usage: scripts/test-arm.sh [armhf|arm64 ...]   (default: both)
# Prints "arm: N passed, M failed"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
arches=("$@")
[ ${#arches[@]} -eq 0 ] && arches=(armhf arm64)
passed=0
failed=0
for arch in "${arches[@]}"; do
  case "$arch" in
    armhf) cc=arm-linux-gnueabihf-g++ qemu=qemu-arm-static ;;
    arm64) cc=aarch64-linux-gnu-g++ qemu=qemu-aarch64-static ;;
    *) echo "unknown architecture $arch (armhf or arm64)" >&2; exit 2 ;;
  esac
  for tool in "$cc" "$qemu"; do
    if ! command -v "$tool" >/dev/null; then
      echo "$tool is missing: scripts/setup.sh installs g++-arm-linux-gnueabihf," \
        "g++-aarch64-linux-gnu and qemu-user-static" >&2
      exit 2
    fi
  done
  dir="build/$arch"
  cmake -S tests/dbus/cross -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/toolchain-$arch.cmake" >/dev/null
  cmake --build "$dir" -j 2 >/dev/null
  if ctest --test-dir "$dir" --output-on-failure -j 2 >"$dir/ctest.log" 2>&1; then
    passed=$((passed + 1))
    echo "  ok   $arch: $(grep -o '[0-9]*% tests passed.*' "$dir/ctest.log" | head -1)" \
      "($(file -b "$dir/crc16_test" | cut -d, -f1-2))"
  else
    failed=$((failed + 1))
    echo "  FAIL $arch:"
    tail -30 "$dir/ctest.log"
  fi
  if scripts/test-arm-gateway.sh "$arch"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done
echo "arm: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
