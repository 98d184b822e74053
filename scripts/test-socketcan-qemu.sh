#!/usr/bin/env bash
# SocketCAN test on a real Linux kernel. The build machines' kernels have no CAN support, so this
# boots Debian's own kernel (the image linux-image-amd64 depends on; the -cloud flavour lacks the
# CAN modules) under qemu-system-x86_64 with a tiny initramfs: busybox, the modules can, can-raw,
# can-dev and vcan, and the statically linked tests/kernel/socketcan_test.cpp. The guest's /init
# creates vcan0, runs the test and powers off; this script reads the result line
# "socketcan: N passed, 0 failed" from the serial console.
#
# Idempotent and cached under build/qemu/: the kernel package is downloaded and unpacked once
# per kernel version (about 70 MB, kept only as vmlinuz + the four modules); later runs rebuild
# the test program and the initramfs (seconds) and boot (about 12 s under plain emulation).
# Needs the packages qemu-system-x86, busybox-static and cpio (scripts/setup.sh).
# Usage: scripts/test-socketcan-qemu.sh [preset]   (default: release)
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
cache="$PWD/build/qemu"
boot_timeout_s="${TBGW_QEMU_TIMEOUT_S:-180}"
t0=$(date +%s)
mkdir -p "$cache"

# --- 1. The kernel: vmlinuz and the four CAN modules, once per kernel version.
kernel_pkg() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}'; }
pkg="$(kernel_pkg || true)"
if [ -z "$pkg" ]; then
  # No package lists yet (a fresh machine): fetch them once.
  apt-get update -qq
  pkg="$(kernel_pkg)"
fi
kdir="$cache/kernel-$pkg"
if [ ! -f "$kdir/ok" ]; then
  echo "socketcan-qemu: fetching $pkg (once)"
  rm -rf "$cache/download"
  mkdir -p "$cache/download"
  if ! (cd "$cache/download" && apt-get download -q "$pkg" >/dev/null 2>&1); then
    # Stale package lists name a kernel the mirror no longer has: refresh and ask again.
    apt-get update -qq
    pkg="$(kernel_pkg)"
    kdir="$cache/kernel-$pkg"
    (cd "$cache/download" && apt-get download -q "$pkg" >/dev/null 2>&1)
  fi
  rm -rf "$kdir"
  mkdir -p "$kdir/modules"
  dpkg -x "$cache"/download/*.deb "$cache/download/root"
  cp "$cache"/download/root/boot/vmlinuz-* "$kdir/vmlinuz"
  for m in can can-raw can-dev vcan; do
    src="$(find "$cache/download/root/lib/modules" -name "$m.ko*" | head -n1)"
    if [ -z "$src" ]; then
      echo "socketcan-qemu: module $m not found in $pkg" >&2
      exit 1
    fi
    case "$src" in
      *.ko) cp "$src" "$kdir/modules/$m.ko" ;;
      *.ko.xz) xz -dc "$src" >"$kdir/modules/$m.ko" ;;
      *.ko.zst) zstd -qdc "$src" >"$kdir/modules/$m.ko" ;;
      *) echo "socketcan-qemu: unknown module format $src" >&2; exit 1 ;;
    esac
  done
  rm -rf "$cache/download"
  touch "$kdir/ok"
fi

# --- 2. The test program, statically linked.
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" --target socketcan_kernel_test >/dev/null
test_bin="build/$preset/tests/kernel/socketcan_kernel_test"

# --- 3. The initramfs.
root="$cache/initramfs"
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,lib/modules}
cp /bin/busybox "$root/bin/busybox"
cp "$kdir"/modules/*.ko "$root/lib/modules/"
cp "$test_bin" "$root/socketcan_test"
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
for m in can can-raw can-dev vcan; do
  insmod /lib/modules/$m.ko || echo "socketcan-guest: insmod $m failed"
done
ip link add dev vcan0 type vcan && ip link set vcan0 up
echo "socketcan-guest: running the test on $(uname -r)"
/socketcan_test
echo "socketcan-guest: exit $?"
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$cache/initrd.gz"

# --- 4. Boot, under plain emulation by default: it takes seconds, and the /dev/kvm of these
# machines (nested virtualisation) was seen to hang the guest or abort qemu. TBGW_QEMU_ACCEL=kvm
# tries KVM where it works.
accel=(-accel "${TBGW_QEMU_ACCEL:-tcg}")
console="$cache/console.log"
t1=$(date +%s)
set +e
timeout "$boot_timeout_s" qemu-system-x86_64 "${accel[@]}" -m 512 -nographic -no-reboot -nic none \
  -kernel "$kdir/vmlinuz" -initrd "$cache/initrd.gz" \
  -append "console=ttyS0 quiet panic=-1" </dev/null >"$console" 2>&1
qemu_rc=$?
set -e
t2=$(date +%s)
tr -d '\r' <"$console" | grep -E '^(PASS|FAIL|     health|cadence:|socketcan|command failed)' || true
result="$(tr -d '\r' <"$console" | grep -E '^socketcan: [0-9]+ passed, [0-9]+ failed' | tail -n1 || true)"
echo "socketcan-qemu: boot+test $((t2 - t1)) s, total $((t2 - t0)) s (qemu exit $qemu_rc)"
if [ -z "$result" ]; then
  echo "socketcan-qemu: no result line; console output:" >&2
  tail -n 40 "$console" >&2
  exit 1
fi
case "$result" in
  *", 0 failed") echo "$result" ;;
  *) echo "$result" >&2; exit 1 ;;
esac
