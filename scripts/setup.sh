#!/usr/bin/env bash
# Installs every Debian 12 package the build, the run and the tests need. Idempotent: when all
# packages are present it does nothing (no apt-get update), so repeated runs cost a second.
# Run as root (or with sudo available).
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config clang-format clang-tidy
  # libraries
  libboost-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3
  # packaging: sd_notify; dpkg-shlibdeps for the .deb's Depends (cpack packs it without
  # fakeroot); systemd-analyze and adduser for scripts/test-package.sh
  libsystemd-dev dpkg-dev systemd adduser
  # --- CAN (issue 5): python-can as the independent slcan peer (can_slcan_test); qemu, a static
  # busybox and cpio to boot a Debian kernel with SocketCAN (scripts/test-socketcan-qemu.sh)
  python3-can qemu-system-x86 busybox-static cpio
  # --- end CAN
  # --- mcu (issue 6): Cortex-M3 cross toolchain with newlib's C++ library, and qemu for
  # mps2-an385 (scripts/test-mcu.sh)
  gcc-arm-none-eabi libstdc++-arm-none-eabi-newlib libnewlib-arm-none-eabi qemu-system-arm
  # --- end mcu
  # --- history (issue 8): SQLite for STATE_DIR/history.sqlite
  libsqlite3-dev
  # --- end history
  # --- HTTP/WebSocket API (issue 10): OpenSSL for HTTPS and password hashing; curl, wrk and
  # python3-websockets as real clients in the tests and benchmarks
  libssl-dev openssl curl wrk python3-websockets
  # --- end HTTP
  # --- MQTT (issue 9): libmosquitto for the client; the mosquitto broker and its clients for
  # the tests
  libmosquitto-dev mosquitto mosquitto-clients
  # --- end MQTT
  # --- Venus OS D-Bus (issue 12): libdbus-1 for the service; dbus-run-session, python3-dbus and
  # python3-gi for the private-bus tests; cross compilers, qemu-user and `file` for
  # scripts/test-arm.sh
  libdbus-1-dev dbus python3-dbus python3-gi g++-arm-linux-gnueabihf g++-aarch64-linux-gnu
  qemu-user-static file
  # --- end Venus OS D-Bus
  # --- web UI (issue 11): Debian's chromium for the end-to-end test (scripts/test-ui.sh)
  chromium
  # --- end web UI
  # --- fuzz: clang and its runtime libraries (libFuzzer, ASan, UBSan) for the fuzz targets
  # (fuzz/, scripts/test-fuzz.sh)
  clang libclang-rt-14-dev
  # --- end fuzz
)

# Node.js and npm for the UI test's puppeteer-core (tests/ui/package-lock.json). A machine that
# already has node from elsewhere (NodeSource ships npm inside its nodejs package) keeps it:
# Debian's npm package would conflict with it.
if ! command -v node >/dev/null 2>&1; then PACKAGES+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(npm); fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
