#!/usr/bin/env bash
# The ARM gateway end to end (issue 12), for one architecture: cross-builds the gateway and the
# simulator (scripts/build-arm.sh), makes the Venus OS bundle (packaging/venus/make-bundle.sh)
# and the .deb (cpack), then checks them without changing this machine:
#   1. the bundle needs of the device only glibc <= 2.39 and libdbus-1 (make-bundle.sh refuses
#      anything else) and the .deb's Depends names a package for every library the program links;
#   2. the .deb and the bundle carry the same program; the packaged programs run (--version);
#   3. the bundled program, run under qemu-user with only the bundle's lib/ and what Venus OS has
#      (glibc, libdbus-1), passes the D-Bus consumer's scenarios (tests/dbus/venus_consumer.py):
#      the complete battery at name appearance, and stale data with the ARM simulator over a pty;
#   4. the installer in a throwaway root (scripts/test-venus-install.sh), then the installed
#      service started as daemontools starts it, with the ARM simulator on its port.
# Usage: scripts/test-arm-gateway.sh armhf|arm64. Prints "  ok ..." / "  FAIL ..." lines and
# "arm-gateway ARCH: N passed, M failed"; exits 1 on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
arch="${1:?armhf or arm64}"
case "$arch" in
  armhf) triplet=arm-linux-gnueabihf qemu=qemu-arm-static ;;
  arm64) triplet=aarch64-linux-gnu qemu=qemu-aarch64-static ;;
  *) echo "unknown architecture $arch (armhf or arm64)" >&2; exit 2 ;;
esac
report_prefix="$arch: "
# shellcheck source=scripts/lib/report.sh
. scripts/lib/report.sh
check() {
  local what=$1 out
  shift
  if out=$("$@" 2>&1); then ok "$what"; else bad "$what" "$out"; fi
}

tmp=$(mktemp -d "/tmp/tbgw-arm-$arch-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

scripts/build-arm.sh "$arch"
gwdir="build/$arch-gw"
sysroot="$PWD/build/sysroot-$arch"

# --- 1. the Venus OS bundle and the .deb
if out=$(packaging/venus/make-bundle.sh "$arch" 2>&1); then
  ok "bundle made: $(echo "$out" | grep -E '^(newest|bundled)' | tr '\n' ';')"
else
  bad "make-bundle.sh" "$out"
fi
rm -f "$gwdir"/tinybms-gw_*.deb
if out=$(cd "$gwdir" && cpack -G DEB 2>&1); then ok "cpack made the .deb"; else bad "cpack" "$out"; fi
deb=$(find "$gwdir" -maxdepth 1 -name "tinybms-gw_*_$arch.deb" | head -1)
[ -n "$deb" ] || { bad "no $arch .deb in $gwdir"; echo "arm-gateway $arch: $passed passed, $failed failed"; exit 1; }
control=$(dpkg-deb -f "$deb")
if [ "$(dpkg-deb -f "$deb" Architecture)" = "$arch" ]; then
  ok "the .deb is Architecture: $arch"
else
  bad "the .deb's Architecture" "$control"
fi
# Every library the programs link must come from a package the .deb depends on. Which package
# ships a soname is read from Debian's own packages (build/debs, downloaded by sysroot.sh).
depends=$(dpkg-deb -f "$deb" Depends)
mkdir -p "$tmp/deb"
dpkg-deb -x "$deb" "$tmp/deb"
mkdir -p "$tmp/index"
for d in build/debs/*_"$arch".deb; do
  dpkg-deb -c "$d" | awk '{print $6}' >"$tmp/index/$(dpkg-deb -f "$d" Package)"
done
missing=""
for prog in "$tmp/deb/usr/bin/tinybms-gw" "$tmp/deb/usr/bin/tinybms-sim"; do
  for so in $("$triplet-readelf" -d "$prog" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    case "$so" in
      libc.so.* | libm.so.* | ld-linux*) pkg=libc6 ;;
      *) pkg=$(grep -lx "\./.*/$so" "$tmp"/index/* | head -1 | xargs -r basename) ;;
    esac
    echo "$depends" | grep -Eq "(^|, )$pkg( |,|$)" || missing="$missing $so(${pkg:-?})"
  done
done
if [ -z "$missing" ]; then
  ok "Depends covers every linked library: $depends"
else
  bad "Depends lacks:$missing" "$depends"
fi
# libc6 (>= V) must cover the newest glibc symbol the programs use.
glibc=$("$triplet-objdump" -T "$tmp/deb/usr/bin/tinybms-gw" "$tmp/deb/usr/bin/tinybms-sim" |
  grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)
libc6=$(echo "$depends" | sed -n 's/.*libc6 (>= \([0-9.]*\)).*/\1/p')
if [ "$(printf '%s\n%s\n' "${glibc#GLIBC_}" "$libc6" | sort -V | tail -1)" = "$libc6" ]; then
  ok "libc6 (>= $libc6) covers $glibc"
else
  bad "libc6 (>= $libc6) does not cover $glibc"
fi
if "$triplet-readelf" -d "$tmp/deb/usr/bin/tinybms-gw" | grep -q 'RPATH\|RUNPATH'; then
  bad "the packaged program carries a RUNPATH into the build machine"
else
  ok "no RUNPATH in the packaged program"
fi
check "the .deb and the bundle carry the same program" \
  cmp "$tmp/deb/usr/bin/tinybms-gw" "build/venus-$arch/tinybms-gw-venus/bin/tinybms-gw"

# --- 2. a device-like library set: what Venus OS has (glibc from the cross toolchain's -L root;
# libdbus-1 and what Debian's build of it links), then the bundle's own lib/.
bundle="$PWD/build/venus-$arch/tinybms-gw-venus"
mkdir -p "$tmp/venus-lib"
for so in libdbus-1.so.3 libsystemd.so.0 liblzma.so.5 libzstd.so.1 liblz4.so.1 libcap.so.2 \
  libgcrypt.so.20 libgpg-error.so.0; do
  src=$(find "$sysroot/usr/lib/$triplet" "$sysroot/lib/$triplet" -name "$so" 2>/dev/null | head -1)
  [ -n "$src" ] && ln -s "$src" "$tmp/venus-lib/$so"
done
cat >"$tmp/gw" <<EOF
#!/bin/sh
exec env LD_LIBRARY_PATH=$bundle/lib:$tmp/venus-lib $qemu -L /usr/$triplet $bundle/bin/tinybms-gw "\$@"
EOF
cat >"$tmp/sim" <<EOF
#!/bin/sh
exec env LD_LIBRARY_PATH=$sysroot/usr/lib/$triplet:$sysroot/lib/$triplet $qemu -L /usr/$triplet $tmp/deb/usr/bin/tinybms-sim "\$@"
EOF
chmod +x "$tmp/gw" "$tmp/sim"
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$gwdir/CMakeCache.txt")
out=$("$tmp/gw" --version 2>&1 || true)
if [ "$out" = "tinybms-gw $version" ]; then
  ok "bundled tinybms-gw --version: $out"
else
  bad "bundled tinybms-gw --version" "$out"
fi
out=$("$tmp/sim" --help 2>&1 || true)
if echo "$out" | grep -q -- "--cells"; then
  ok "packaged tinybms-sim --help runs"
else
  bad "packaged tinybms-sim --help" "$out"
fi

# --- 3. the Venus OS consumer against the bundled program (private bus, python3-dbus)
for scenario in scan stale; do
  mkdir -p "$tmp/state-$scenario"
  if out=$(timeout 300 dbus-run-session -- /usr/bin/python3 tests/dbus/venus_consumer.py \
    "$scenario" "$tmp/gw" "$tmp/sim" "$tmp/state-$scenario" 2>&1); then
    ok "D-Bus scenario $scenario under $qemu ($(echo "$out" | grep -c '^ok:') checks)"
  else
    bad "D-Bus scenario $scenario under $qemu" "$out"
  fi
done

# --- 4. the installer: its own checks in a throwaway root, then the installed service run as
# daemontools runs it (service/run through the /service link, the installed config.json) with
# the ARM simulator on the port, seen by the consumer. Only two things differ from a GX: the
# config's serial.port is pointed at the throwaway root's by-id link, and service/run's exec
# goes through qemu-user with the device-like libdbus-1 added to its LD_LIBRARY_PATH.
if out=$(scripts/test-venus-install.sh "$bundle" 2>&1); then
  ok "installer: $(echo "$out" | tail -1)"
else
  bad "installer" "$out"
fi
root="$tmp/root"
name=usb-Energus_TinyBMS_sim-if00-port0
mkdir -p "$root/data" "$root/service" "$root/dev/serial/by-id"
if out=$(TBGW_VENUS_ROOT="$root" "$bundle/install.sh" install "/dev/serial/by-id/$name" 2>&1); then
  app="$root/data/tinybms-gw"
  sed -i "s|\"serial.port\": \"[^\"]*\"|\"serial.port\": \"$root/dev/serial/by-id/$name\"|" \
    "$app/config.json"
  sed -i -e "s|^exec \"\$APP/bin/tinybms-gw\"|exec $qemu -L /usr/$triplet \"\$APP/bin/tinybms-gw\"|" \
    -e "s|^export LD_LIBRARY_PATH=\"\$APP/lib\"|&:$tmp/venus-lib|" "$app/service/run"
  if out=$(timeout 300 dbus-run-session -- /usr/bin/python3 tests/dbus/venus_consumer.py \
    installed "$root/service/tinybms-gw/run" "$tmp/sim" "$root/dev/serial/by-id/$name" 2>&1); then
    ok "the installed service publishes the battery ($(echo "$out" | grep -c '^ok:') checks)"
  else
    bad "the installed service" "$out"
  fi
else
  bad "install.sh install into a throwaway root" "$out"
fi

echo "arm-gateway $arch: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
