#!/usr/bin/env bash
# Sets up, builds and runs every test:
#   1. release build: unit + integration tests (real pseudo-terminals, real simulator, real binaries)
#   2. asan preset (AddressSanitizer + UBSan + LeakSanitizer): every test again, including the
#      fuzz tests and the integration tests (a leak in a program fails its exit-status checks)
#   3. the .deb: contents, `systemd-analyze verify`, install/upgrade/purge in a throwaway root
#   4. SocketCAN on a real kernel: a Debian kernel with vcan booted in qemu (cached in build/qemu)
#   5. core/ on a Cortex-M3 under qemu: golden vectors identical to the host, footprint budget
#   6. armhf and arm64 under qemu-user: core + unit tests cross-built, then the gateway's cross
#      build, its Venus OS bundle and .deb, the D-Bus consumer against the bundled program, and
#      the Venus OS installer in a throwaway root
#   7. the web UI end to end in Debian's chromium, with screenshots in build/release/ui-artifacts
#   8. clang-format check of every source file
#   9. libFuzzer: a short seeded run of every parser fuzz target (clang, build/fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

jobs="$(nproc)"
# Each stage's start time, so a slow CI run shows where its minutes went.
stage() { echo "== $1 (at $((SECONDS / 60)) min $((SECONDS % 60)) s)"; }

stage "release build and all tests"
scripts/build.sh release
ctest --preset release -j "$jobs"

stage "asan/ubsan build and all tests"
scripts/build.sh asan
# The history kill test (kill -9 of a writer at random moments for a fixed 60 s) runs in the
# release stage only, like the fault soak (tests/soak: release tree only): under the sanitizers
# it would cost that time again for SQLite's crash safety, which they do not check.
ctest --preset asan -j "$jobs" -E '^HistoryStore\.GivenWriterKilledAtRandomMoments.*$'

# --- fuzz: libFuzzer (clang) on every parser that takes bytes from outside: a short seeded run of
# each target from its committed corpus (build/fuzz; scripts/test-fuzz.sh, docs/fuzzing.md)
stage "fuzz (libFuzzer, clang)"
scripts/test-fuzz.sh
# --- end fuzz

# --- packaging: the .deb's contents, unit and a live install in a throwaway root
stage "package (.deb)"
scripts/test-package.sh
# --- end packaging

# --- CAN (issue 5): the SocketCAN backend on a real kernel (Debian's, booted in qemu with vcan)
stage "SocketCAN under qemu"
scripts/test-socketcan-qemu.sh release
# --- end CAN

# --- mcu (issue 6): core/ on a bare-metal Cortex-M3 (qemu mps2-an385), compared with the host
stage "Cortex-M3 under qemu"
scripts/test-mcu.sh
# --- end mcu

# --- dbus (issue 12): armhf and arm64 under qemu-user: ABI-sensitive unit tests, then the
# gateway, its Venus OS bundle and .deb end to end (scripts/test-arm-gateway.sh)
stage "ARM (armhf, arm64) under qemu-user"
scripts/test-arm.sh
# --- end dbus

# --- web UI (issue 11): the real gateway and its simulator in Debian's chromium (puppeteer-core)
stage "web UI end to end in chromium"
scripts/test-ui.sh
# --- end web UI

stage "clang-format"
scripts/check-format.sh

echo "all test stages passed in $((SECONDS / 60)) min $((SECONDS % 60)) s"
