#!/usr/bin/env bash
# Builds the .deb (release preset + cpack) and checks it without changing this machine:
#   1. contents and control data (dpkg-deb -c / -I / -e): programs, unit, conffile, maintainer
#      scripts, Depends; nothing outside the expected directories
#   2. the unit passes `systemd-analyze verify` without a single warning, and keeps its
#      hardening (`systemd-analyze security --offline`)
#   3. the packaged programs run (--version, --help) and accept the unit's ExecStart options
#   4. as root: `apt-get install ./tinybms-gw_*.deb`, an upgrade, remove and purge, for real, in a
#      throwaway root: an overlay of / with its writes on a tmpfs, in a private mount namespace,
#      entered with chroot. Nothing reaches the host's disk; the mounts vanish with the script.
# Prints `package: N passed, M failed` last; exits 1 when anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."

# Run the whole script in a private mount namespace (as root), so the overlay and every mount
# below it are torn down by the kernel when the script ends, however it ends.
if [ "$(id -u)" -eq 0 ] && [ -z "${TBGW_PKG_NS:-}" ] &&
  unshare --mount --propagation private true 2>/dev/null; then
  exec env TBGW_PKG_NS=1 unshare --mount --propagation private "$0" "$@"
fi

# shellcheck source=scripts/lib/report.sh
. scripts/lib/report.sh
# check "what" command...: passes when the command succeeds; shows its output when it fails.
check() {
  local what=$1 out
  shift
  if out=$("$@" 2>&1); then ok "$what"; else bad "$what" "$out"; fi
}
# expect "what" expected actual
expect() {
  if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "expected: $2"$'\n'"got:      $3"; fi
}

tmp=$(mktemp -d /tmp/tbgw-package-XXXXXX)
cleanup() {
  # Unmount first; --one-file-system keeps rm out of anything still mounted.
  umount -R "$tmp/ovl" 2>/dev/null || true
  rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT

echo "== build the .deb"
cmake --preset release >/dev/null
if ! out=$(cmake --build --preset release --target tinybms-gw tinybms-sim 2>&1); then
  printf '%s\n' "$out" >&2
  echo "test-package: the release build failed" >&2
  exit 1
fi
rm -f build/release/tinybms-gw_*.deb
if ! out=$(cd build/release && cpack -G DEB 2>&1); then
  printf '%s\n' "$out" >&2
  echo "test-package: cpack failed" >&2
  exit 1
fi
ver=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' build/release/CMakeCache.txt)
arch=$(dpkg --print-architecture)
deb=build/release/tinybms-gw_${ver}_${arch}.deb
if [ ! -f "$deb" ]; then
  printf '%s\n' "$out" >&2
  echo "test-package: cpack did not produce $deb" >&2
  exit 1
fi
echo "  $deb ($(du -h "$deb" | cut -f1))"

echo "== contents (dpkg-deb -c)"
listing=$(dpkg-deb -c "$deb")
# mode_of ./path: the permissions and owner column of the listing.
mode_of() { awk -v p="$1" '$6 == p { print $1, $2 }' <<<"$listing"; }
expect "program /usr/bin/tinybms-gw (0755 root)" "-rwxr-xr-x root/root" \
  "$(mode_of ./usr/bin/tinybms-gw)"
expect "program /usr/bin/tinybms-sim (0755 root)" "-rwxr-xr-x root/root" \
  "$(mode_of ./usr/bin/tinybms-sim)"
expect "unit /lib/systemd/system/tinybms-gw.service" "-rw-r--r-- root/root" \
  "$(mode_of ./lib/systemd/system/tinybms-gw.service)"
expect "default config /etc/tinybms-gw/config.json" "-rw-r--r-- root/root" \
  "$(mode_of ./etc/tinybms-gw/config.json)"
expect "docs /usr/share/doc/tinybms-gw/install.md" "-rw-r--r-- root/root" \
  "$(mode_of ./usr/share/doc/tinybms-gw/install.md)"
stray=$(awk '$1 !~ /^d/ { print $6 }' <<<"$listing" |
  grep -Ev '^\./(usr/bin/tinybms-(gw|sim)|lib/systemd/system/tinybms-gw\.service|etc/tinybms-gw/config\.json|usr/share/doc/tinybms-gw/[^/]+)$' || true)
expect "no files outside the expected paths" "" "$stray"

echo "== control data (dpkg-deb -I / -e)"
expect "Package" "tinybms-gw" "$(dpkg-deb -f "$deb" Package)"
expect "Version (the project's)" "$ver" "$(dpkg-deb -f "$deb" Version)"
expect "Architecture" "$arch" "$(dpkg-deb -f "$deb" Architecture)"
depends=$(dpkg-deb -f "$deb" Depends)
echo "  Depends: $depends"
# Package names of the Depends field, one a line (versions and alternatives stripped).
dep_names=$(tr ',|' '\n' <<<"$depends" | awk '{ print $1 }')
# The network faces' libraries show that they are really linked in (an unused static-library
# object would be dropped by the linker, and with it the dependency): MQTT, TLS, D-Bus.
for dep in libc6 libstdc++6 libmosquitto1 libssl3 libdbus-1-3 adduser; do
  check "Depends has $dep" grep -Fqx "$dep" <<<"$dep_names"
done
# sd_notify is spoken directly (platform/linux/systemd_notify.cpp): no libsystemd, so the same
# binary runs on Venus OS, which has none.
check "Depends has no libsystemd0" sh -c '! grep -Fqx libsystemd0' <<<"$dep_names"
check "Maintainer set" test -n "$(dpkg-deb -f "$deb" Maintainer)"
description=$(dpkg-deb -f "$deb" Description)
check "Description set, without CMake list separators" \
  sh -c "test -n \"\$1\" && ! printf '%s' \"\$1\" | grep -q ';'" sh "$description"
dpkg-deb -e "$deb" "$tmp/control"
expect "conffiles lists the config" "/etc/tinybms-gw/config.json" "$(cat "$tmp/control/conffiles")"
for script in postinst prerm postrm; do
  check "$script is executable and parses (sh -n)" \
    sh -c "test -x '$tmp/control/$script' && sh -n '$tmp/control/$script'"
done
check "md5sums present" test -s "$tmp/control/md5sums"

echo "== unit (systemd-analyze)"
root="$tmp/root"
dpkg-deb -x "$deb" "$root"
# `verify` checks that ExecStart's program exists and is executable, at its absolute path. With
# --root=DIR it also needs systemd's own units (sysinit.target, ...) inside DIR, so verify a
# copy whose ExecStart points into the extracted tree instead. It exits 0 even for unknown keys
# and bad values, so any output at all is a failure. (The live install below verifies the
# unit again at its real path.)
mkdir "$tmp/verify"
sed "s|^ExecStart=/usr/bin/|ExecStart=$root/usr/bin/|" "$root/lib/systemd/system/tinybms-gw.service" \
  >"$tmp/verify/tinybms-gw.service"
if out=$(systemd-analyze verify "$tmp/verify/tinybms-gw.service" 2>&1) && [ -z "$out" ]; then
  ok "systemd-analyze verify: no warnings"
else
  bad "systemd-analyze verify" "$out"
fi
exposure=$(systemd-analyze security --offline=yes "$tmp/verify/tinybms-gw.service" 2>/dev/null |
  sed -n 's/.*Overall exposure level for tinybms-gw.service: \([0-9.]*\).*/\1/p')
check "hardening kept: exposure ${exposure:-?} <= 2.5 (systemd-analyze security)" \
  awk -v e="${exposure:-99}" 'BEGIN { exit !(e <= 2.5) }'

echo "== programs"
expect "tinybms-gw --version" "tinybms-gw $ver" "$("$root/usr/bin/tinybms-gw" --version 2>&1)"
help=$("$root/usr/bin/tinybms-gw" --help 2>&1) || true
check "tinybms-gw --help" "$root/usr/bin/tinybms-gw" --help
sed -n 's/^ExecStart=//p' "$root/lib/systemd/system/tinybms-gw.service" |
  grep -o -- '--[a-z-]*' >"$tmp/unit-options"
while read -r opt; do
  check "tinybms-gw accepts the unit's $opt" grep -q -- "$opt" <<<"$help"
done <"$tmp/unit-options"

check "tinybms-sim --help" "$root/usr/bin/tinybms-sim" --help

if [ -z "${TBGW_PKG_NS:-}" ]; then
  echo "== live install: skipped (needs root and a private mount namespace)"
else
  echo "== live install in a throwaway root (overlay of / on tmpfs, chroot)"
  M="$tmp/ovl/merged"
  mkdir "$tmp/ovl"
  mount -t tmpfs -o size=256m tmpfs "$tmp/ovl"
  mkdir "$tmp/ovl/upper" "$tmp/ovl/work" "$M"
  mount -t overlay overlay -o "lowerdir=/,upperdir=$tmp/ovl/upper,workdir=$tmp/ovl/work" "$M"
  # Empty /run (so no "systemd is running" and no service start), /tmp and a /dev with only
  # the pseudo devices: the host's devices stay out of reach.
  mount -t tmpfs tmpfs "$M/run"
  mount -t tmpfs tmpfs "$M/tmp"
  mount -t tmpfs tmpfs "$M/dev"
  for d in null zero full random urandom; do
    touch "$M/dev/$d"
    mount --bind "/dev/$d" "$M/dev/$d"
  done
  mount -t proc proc "$M/proc"
  cp "$deb" "$M/tmp/"
  in_root() { chroot "$M" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@" </dev/null; }
  # apt without a network (unshare -n): a dependency missing from this machine fails fast
  # instead of being downloaded. (--no-download would refuse the local .deb itself.)
  apt_get() {
    unshare --net chroot "$M" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
      DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Use-Pty=0 "$@" </dev/null
  }
  # shellcheck disable=SC2016 # ${Status} is dpkg-query's, not the shell's
  status() { in_root dpkg-query -W -f='${Status}' tinybms-gw 2>/dev/null || true; }
  wants=/etc/systemd/system/multi-user.target.wants/tinybms-gw.service

  check "apt-get install ./$(basename "$deb")" apt_get install "/tmp/$(basename "$deb")"
  expect "package installed" "install ok installed" "$(status)"
fi
if [ -n "${TBGW_PKG_NS:-}" ] && [ "$(status)" = "install ok installed" ]; then
  check "system user tinybms-gw (nologin, home /var/lib/tinybms-gw)" sh -c \
    "chroot '$M' getent passwd tinybms-gw | grep -Eq '^tinybms-gw:x:[0-9]{1,3}:[0-9]+:[^:]*:/var/lib/tinybms-gw:/usr/sbin/nologin$'"
  check "tinybms-gw is in dialout" sh -c "chroot '$M' id -nG tinybms-gw | grep -qw dialout"
  expect "config is root:tinybms-gw 0640 (statoverride)" "root:tinybms-gw 640" \
    "$(in_root stat -c '%U:%G %a' /etc/tinybms-gw/config.json 2>&1)"
  check "the service user can read the config" \
    in_root setpriv --reuid=tinybms-gw --regid=tinybms-gw --init-groups cat /etc/tinybms-gw/config.json
  expect "unit enabled (multi-user.target.wants)" "/lib/systemd/system/tinybms-gw.service" \
    "$(readlink "$M$wants")"
  if out=$(in_root systemd-analyze verify /lib/systemd/system/tinybms-gw.service 2>&1) &&
    [ -z "$out" ]; then
    ok "systemd-analyze verify on the installed unit: no warnings"
  else
    bad "systemd-analyze verify on the installed unit" "$out"
  fi
  check "installed tinybms-gw runs" in_root /usr/bin/tinybms-gw --version

  # Upgrade to a higher version of the same package (repacked with another Version): an edited
  # config and the state dir must survive, silently (stdin is /dev/null: a prompt fails).
  dpkg-deb -R "$deb" "$tmp/next"
  sed -i "s/^Version: .*/Version: ${ver}+next1/" "$tmp/next/DEBIAN/control"
  dpkg-deb -b -Znone --root-owner-group "$tmp/next" "$M/tmp/next.deb" >/dev/null
  edited='{"schema_version": 1, "settings": {"edited": true}}'
  printf '%s\n' "$edited" >"$M/etc/tinybms-gw/config.json"
  mkdir -p "$M/var/lib/tinybms-gw"
  echo state >"$M/var/lib/tinybms-gw/counters.json"
  # dpkg rather than apt from here on: the same maintainer scripts, 4 s less each.
  check "upgrade (dpkg -i of ${ver}+next1)" in_root dpkg -i /tmp/next.deb
  # shellcheck disable=SC2016
  expect "upgraded" "${ver}+next1" "$(in_root dpkg-query -W -f='${Version}' tinybms-gw)"
  expect "upgrade kept the edited config" "$edited" "$(cat "$M/etc/tinybms-gw/config.json")"
  check "upgrade kept the state dir" test -f "$M/var/lib/tinybms-gw/counters.json"
  check "upgrade kept the unit enabled" test -L "$M$wants"

  check "remove (dpkg --remove)" in_root dpkg --remove tinybms-gw
  expect "removed, config left" "deinstall ok config-files" "$(status)"
  check "remove deleted the programs and the unit" sh -c \
    "test ! -e '$M/usr/bin/tinybms-gw' && test ! -e '$M/lib/systemd/system/tinybms-gw.service'"
  check "remove kept config and state" sh -c \
    "test -f '$M/etc/tinybms-gw/config.json' && test -f '$M/var/lib/tinybms-gw/counters.json'"

  check "purge (dpkg --purge)" in_root dpkg --purge tinybms-gw
  expect "purged" "" "$(status)"
  check "purge deleted config, state dir and enable link" sh -c \
    "test ! -e '$M/etc/tinybms-gw' && test ! -e '$M/var/lib/tinybms-gw' && test ! -L '$M$wants'"
  check "purge dropped the statoverride" sh -c \
    "! chroot '$M' dpkg-statoverride --list /etc/tinybms-gw/config.json"
fi

echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
