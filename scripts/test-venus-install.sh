#!/usr/bin/env bash
# Issue 12: the Venus OS installer (packaging/venus/install.sh) and service/run, on this machine,
# without a GX: install.sh acts under TBGW_VENUS_ROOT (a fresh temp dir with data/, service/,
# etc/udev/rules.d and dev/serial/by-id), and mount, udevadm, svc and svrescan are stand-ins on
# PATH that only record their calls (so a wrong call cannot remount this machine's root).
# Scenarios: bad input (nothing created), install, a second install, a changed port, a reboot
# after a firmware update (the rc.local line as rc.local runs it), an update over a running
# binary with a bundle that lacks a library, Modification checks (rc.local.disabled), remove.
# The bundle's binary is never run (it is ARM); one scenario installs a host program as the
# binary to keep it busy during an update. Each scenario runs under sh (dash) and, when
# installed, busybox sh (the shell of Venus OS).
# Usage: scripts/test-venus-install.sh [BUNDLE_DIR]
#   BUNDLE_DIR: an unpacked bundle (bin/tinybms-gw, lib/, install.sh, service/run,
#   service/log/run), e.g. build/venus-armhf/tinybms-gw-venus; without it, a bundle is
#   assembled from packaging/venus with a fake binary and fake libraries.
# Prints "venus-install: N passed, M failed" last; exits 1 when anything failed.
# Single quotes around $ are deliberate below: eval and sed scripts expand later.
# shellcheck disable=SC2016
set -uo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/lib/report.sh
. "$src/scripts/lib/report.sh"
# check NAME COMMAND...: ok when the command succeeds.
check() {
  local name=$1
  shift
  if "$@"; then ok "$name"; else bad "$name" "$(tail -5 "$work/err" 2>/dev/null | tr '\n' ' ')"; fi
}

work=$(mktemp -d)
work=$(cd -P "$work" && pwd)
busy_pid=""
cleanup() {
  [ -z "$busy_pid" ] || kill "$busy_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# --- the bundle -------------------------------------------------------------------------------
if [ $# -ge 1 ]; then
  bundle=$(cd -P "$1" && pwd) || exit 2
  for f in bin/tinybms-gw install.sh service/run service/log/run; do
    [ -f "$bundle/$f" ] || { echo "$bundle/$f is missing: not an unpacked bundle" >&2; exit 2; }
  done
else
  bundle="$work/bundle"
  mkdir -p "$bundle/bin" "$bundle/lib" "$bundle/service/log"
  printf 'fake ARM binary\n' >"$bundle/bin/tinybms-gw"
  printf 'fake\n' >"$bundle/lib/libspdlog.so.1.10"
  printf 'fake\n' >"$bundle/lib/libfmt.so.9"
  printf 'tinybms-gw 0.0.0-test fake\n' >"$bundle/VERSION"
  cp "$src/packaging/venus/install.sh" "$bundle/"
  cp "$src/packaging/venus/service/run" "$bundle/service/run"
  cp "$src/packaging/venus/service/log/run" "$bundle/service/log/run"
  chmod 755 "$bundle/bin/tinybms-gw" "$bundle/install.sh" "$bundle/service/run" \
    "$bundle/service/log/run"
  echo "(no BUNDLE_DIR: testing packaging/venus with a fake binary)"
fi
# The first bundle installed: a host program as the binary (kept running during the update)
# and one library more than the real bundle (the update must delete it).
old="$work/bundle-old"
cp -a "$bundle" "$old"
mkdir -p "$old/lib"
cp "$(command -v sleep)" "$old/bin/tinybms-gw"
printf 'stale\n' >"$old/lib/libtbgw-stale-test.so.1"
printf 'tinybms-gw old\n' >"$old/VERSION"

# Stand-ins for the device's tools: they record the call and fail, as on a machine without
# daemontools; mount and udevadm must never be called under TBGW_VENUS_ROOT.
# The first install of each scenario runs without svc, as here.
for tool in mount udevadm svc svrescan; do
  case $tool in svc | svrescan) dir="$work/fake-svc" ;; *) dir="$work/fake" ;; esac
  mkdir -p "$dir"
  printf '#!/bin/sh\necho "%s $*" | tee -a "%s/calls" >>"%s/calls.all"\nexit 111\n' \
    "$tool" "$work" "$work" >"$dir/$tool"
  chmod 755 "$dir/$tool"
done
calls() { cat "$work/calls" 2>/dev/null; }

# A Venus-like root: /data, the RAM /service, /etc/udev/rules.d and two USB adapters.
byid=/dev/serial/by-id
port="$byid/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0"
port2="$byid/usb-Silicon_Labs_CP2102_USB_to_UART_Bridge_Controller_0001-if00-port0"
new_root() {
  local r
  r=$(mktemp -d "$work/root.XXXX")
  mkdir -p "$r/data" "$r/service" "$r/etc/udev/rules.d" "$r$byid"
  : >"$r/dev/ttyUSB0"
  : >"$r/dev/ttyUSB1"
  ln -s ../../ttyUSB0 "$r$port"
  ln -s ../../ttyUSB1 "$r$port2"
  echo "$r"
}

# inst ROOT BUNDLE ARGS...: runs BUNDLE/install.sh ARGS under ROOT with $sh; the status is $rc.
inst() {
  local root=$1 b=$2
  shift 2
  (cd / && TBGW_VENUS_ROOT="$root" PATH="$fakepath:$PATH" $sh "$b/install.sh" "$@") \
    >"$work/out" 2>"$work/err"
  rc=$?
}
out_has() { grep -qF -- "$1" "$work/out" "$work/err"; }
rc_is() { [ "$rc" = "$1" ]; }
empty_dir() { [ -z "$(ls -A "$1")" ]; }
mode_is() { [ "$(stat -c %a "$1")" = "$2" ]; }
same() { cmp -s "$1" "$2"; }
# How many lines of FILE contain TEXT.
count() { grep -cF -- "$2" "$1" 2>/dev/null || true; }
json_get() {
  python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["settings"].get(sys.argv[2])))' \
    "$1" "$2" 2>/dev/null
}

scenarios() {
  # --- bad input: refused before anything is written ---------------------------------------
  local rb app rule rc_file rmod
  fakepath="$work/fake"
  rb=$(new_root)
  inst "$rb" "$bundle" install
  check "no PORT: exit 2" rc_is 2
  check "no PORT: message lists the by-id links" out_has "$port"
  inst "$rb" "$bundle" install /dev/ttyUSB0
  check "/dev/ttyUSB0: exit 2" rc_is 2
  check "/dev/ttyUSB0: message names its by-id link" out_has "(here: $port)"
  inst "$rb" "$bundle" install "$byid/bad\"name"
  check "by-id name with a quote: exit 2" rc_is 2
  mkdir -p "$work/notbundle"
  cp "$bundle/install.sh" "$work/notbundle/"
  inst "$rb" "$work/notbundle" install "$port"
  check "a directory without the program: exit 1" rc_is 1
  inst "$rb" "$bundle" frobnicate
  check "unknown command: exit 2 with usage" eval 'rc_is 2 && out_has usage'
  check "bad input: nothing created in data/, service/, rules.d" \
    eval "empty_dir '$rb/data' && empty_dir '$rb/service' && empty_dir '$rb/etc/udev/rules.d'"
  inst "$rb" "$bundle" install "$byid/usb-not-plugged-if00-port0"
  check "a by-id link not present now: installed with a warning" \
    eval 'rc_is 0 && grep -q "not present now" "$work/err"'
  check "no rc.local before: created with #!/bin/sh, mode 755, one boot line" \
    eval "[ \"\$(head -1 '$rb/data/rc.local')\" = '#!/bin/sh' ] && mode_is '$rb/data/rc.local' 755 &&
      [ \"\$(count '$rb/data/rc.local' 'install.sh boot')\" = 1 ]"

  # --- install --------------------------------------------------------------------------------
  R=$(new_root)
  app="$R/data/tinybms-gw"
  rule="$R/etc/udev/rules.d/zz-tinybms-gw.rules"
  rc_file="$R/data/rc.local"
  # A user's rc.local whose last line has no newline.
  printf '#!/bin/sh\necho foreign >>%s/foreign.log' "$R" >"$rc_file"
  chmod 755 "$rc_file"
  : >"$work/calls"
  inst "$R" "$old" install "$port"
  check "install: exit 0" rc_is 0
  check "install: the program (755) and libraries" \
    eval "same '$old/bin/tinybms-gw' '$app/bin/tinybms-gw' && mode_is '$app/bin/tinybms-gw' 755 &&
      same '$old/lib/libtbgw-stale-test.so.1' '$app/lib/libtbgw-stale-test.so.1'"
  check "install: install.sh, service/run, service/log/run (755), state/" \
    eval "mode_is '$app/install.sh' 755 && mode_is '$app/service/run' 755 &&
      mode_is '$app/service/log/run' 755 && same '$old/service/run' '$app/service/run' && [ -d '$app/state' ]"
  check "install: config.json serial.port, venus.enabled true, CAN to /dev/null, no HTTP" \
    eval "[ \"\$(json_get '$app/config.json' serial.port)\" = '\"$port\"' ] &&
      [ \"\$(json_get '$app/config.json' venus.enabled)\" = true ] &&
      [ \"\$(json_get '$app/config.json' can.backend)\" = '\"log:/dev/null\"' ] &&
      [ \"\$(json_get '$app/config.json' http.listen)\" = '\"\"' ]"
  check "install: rc.local has exactly one boot line" \
    eval "[ \"\$(count '$rc_file' '$app/install.sh boot')\" = 1 ]"
  check "install: rc.local without a final newline: the foreign line is intact" \
    eval "grep -qx 'echo foreign >>$R/foreign.log' '$rc_file' && [ \"\$(head -1 '$rc_file')\" = '#!/bin/sh' ]"
  check "install: /service/tinybms-gw -> /data/tinybms-gw/service" \
    eval "[ \"\$(readlink '$R/service/tinybms-gw')\" = '$app/service' ]"
  check "install: udev rule ignores the by-id name" \
    eval "grep -F 'SYMLINK==\"${port#/dev/}\"' '$rule' | grep -qF 'ENV{VE_SERVICE}=\"ignore\"'"
  check "install: the rule file sorts after serial-starter.rules" \
    eval '[[ "$(basename "$rule")" > serial-starter.rules ]]'
  check "install: no svc on PATH is fine; mount/udevadm never called" eval '[ -z "$(calls)" ]'

  # --- service/run through the /service symlink ------------------------------------------------
  # A copy of run next to it, with the program replaced by a shell that prints what it got.
  sed 's|^exec "$APP/bin/tinybms-gw"|exec /bin/sh -c '"'"'echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"; echo "$0 $*"'"'"' "$APP/bin/tinybms-gw"|' \
    "$app/service/run" >"$app/service/run.test"
  chmod 755 "$app/service/run.test"
  (cd "$R/service/tinybms-gw" && env -u LD_LIBRARY_PATH ./run.test) >"$work/run.out" 2>&1
  check "service/run: the exec line was replaced (the test's sed matched)" \
    eval "! cmp -s '$app/service/run' '$app/service/run.test'"
  check "service/run: $app/bin/tinybms-gw --config .../config.json --state-dir .../state" \
    grep -qxF "$app/bin/tinybms-gw --config $app/config.json --state-dir $app/state" "$work/run.out"
  check "service/run: LD_LIBRARY_PATH exported as .../lib" \
    grep -qxF "LD_LIBRARY_PATH=$app/lib" "$work/run.out"
  check "service/run: stderr goes to the log" grep -qx 'exec 2>&1' "$app/service/run"
  rm -f "$app/service/run.test"

  # --- a second install: one line, the edited config kept ------------------------------------
  sed -i 's|"http.listen": ""|"http.listen": "0.0.0.0:80"|' "$app/config.json"
  cp "$app/config.json" "$work/config.edited"
  : >"$work/calls"
  fakepath="$work/fake-svc:$work/fake"
  inst "$R" "$old" install "$port"
  check "second install: exit 0" rc_is 0
  check "second install: still one boot line" eval "[ \"\$(count '$rc_file' 'install.sh boot')\" = 1 ]"
  check "second install: the edited config.json kept" same "$work/config.edited" "$app/config.json"
  [ "$svc_seen" = 0 ] ||
    check "second install: svc -t restarts the service" grep -qxF "svc -t $R/service/tinybms-gw" "$work/calls"
  inst "$R" "$old" install "$port2"
  check "another PORT: serial.port changed, the other edit kept" \
    eval "[ \"\$(json_get '$app/config.json' serial.port)\" = '\"$port2\"' ] &&
      [ \"\$(json_get '$app/config.json' http.listen)\" = '\"0.0.0.0:80\"' ]"
  check "another PORT: the udev rule follows" grep -qF "${port2#/dev/}" "$rule"
  inst "$R" "$old" install "$port"
  check "back to the first PORT" eval "rc_is 0 && grep -qF '${port#/dev/}' '$rule'"

  # --- reboot after a firmware update: /service and /etc are new ------------------------------
  rm -f "$R/service/tinybms-gw" "$rule"
  (cd / && PATH="$fakepath:$PATH" $sh "$rc_file") >"$work/out" 2>"$work/err"
  rc=$?
  check "reboot: rc.local runs (exit 0), its foreign line too" \
    eval "rc_is 0 && [ \"\$(cat '$R/foreign.log')\" = foreign ]"
  check "reboot: /service/tinybms-gw link restored" \
    eval "[ \"\$(readlink '$R/service/tinybms-gw')\" = '$app/service' ]"
  check "reboot: udev rule restored" grep -qF "${port#/dev/}" "$rule"
  cp "$rule" "$work/rule.before"
  (cd / && PATH="$fakepath:$PATH" $sh "$rc_file") >"$work/out" 2>"$work/err"
  rc=$?
  check "boot again: idempotent (same link, same rule, one line)" \
    eval "rc_is 0 && same '$work/rule.before' '$rule' &&
      [ \"\$(readlink '$R/service/tinybms-gw')\" = '$app/service' ] &&
      [ \"\$(count '$rc_file' 'install.sh boot')\" = 1 ]"
  check "boot: mount/udevadm never called" eval '! grep -qE "^(mount|udevadm)" "$work/calls"'

  # --- update over the running program, with a bundle that lacks a library ----------------------
  "$app/bin/tinybms-gw" 300 &
  busy_pid=$!
  : >"$work/calls"
  inst "$R" "$bundle" install "$port"
  check "update while the old binary runs: exit 0 (no 'Text file busy')" rc_is 0
  kill "$busy_pid" 2>/dev/null
  wait "$busy_pid" 2>/dev/null
  busy_pid=""
  check "update: the new binary is in bin/" same "$bundle/bin/tinybms-gw" "$app/bin/tinybms-gw"
  check "update: the library the new bundle lacks is gone" eval "[ ! -e '$app/lib/libtbgw-stale-test.so.1' ]"
  check "update: lib/ is the new bundle's" \
    eval "[ \"\$(ls '$app/lib')\" = \"\$(ls '$bundle/lib')\" ]"
  check "update: no staging directories left" eval "[ ! -e '$app/.new' ] && [ ! -e '$app/.old' ]"
  [ "$svc_seen" = 0 ] ||
    check "update: svc -t restarts the service" grep -qxF "svc -t $R/service/tinybms-gw" "$work/calls"
  if [ -f "$bundle/VERSION" ]; then
    check "update: VERSION is the new bundle's" same "$bundle/VERSION" "$app/VERSION"
  fi
  check "update: config.json kept" eval "[ \"\$(json_get '$app/config.json' http.listen)\" = '\"0.0.0.0:80\"' ]"

  # --- remove ------------------------------------------------------------------------------------
  echo "echo second-foreign-line" >>"$rc_file"
  printf 'counters\n' >"$app/state/energy.db"
  : >"$work/calls"
  inst "$R" "$app" remove
  check "remove: exit 0" rc_is 0
  check "remove: rc.local keeps its other lines, loses the boot line" \
    eval "[ \"\$(cat '$rc_file')\" = \"\$(printf '#!/bin/sh\necho foreign >>%s/foreign.log\necho second-foreign-line' '$R')\" ]"
  check "remove: link and udev rule gone" eval "[ ! -e '$R/service/tinybms-gw' ] && [ ! -L '$R/service/tinybms-gw' ] && [ ! -e '$rule' ]"
  check "remove: program, service dir and install.sh gone" \
    eval "[ ! -e '$app/bin' ] && [ ! -e '$app/lib' ] && [ ! -e '$app/service' ] && [ ! -e '$app/install.sh' ] &&
      [ ! -e '$app/VERSION' ]"
  check "remove: config.json and state/ kept" \
    eval "[ -f '$app/config.json' ] && [ \"\$(cat '$app/state/energy.db')\" = counters ]"
  [ "$svc_seen" = 0 ] ||
    check "remove: svc -dx stops the service and its supervise" \
      grep -qxF "svc -dx $app/service $app/service/log" "$work/calls"
  inst "$R" "$bundle" remove
  check "remove twice: exit 0" rc_is 0
  inst "$R" "$bundle" install "$port"
  check "install after remove: the kept config.json is used" \
    eval "rc_is 0 && [ \"\$(json_get '$app/config.json' http.listen)\" = '\"0.0.0.0:80\"' ] &&
      [ \"\$(count '$rc_file' 'install.sh boot')\" = 1 ]"

  # --- Modification checks renamed rc.local ------------------------------------------------------
  rmod=$(new_root)
  printf '#!/bin/sh\necho mine\n' >"$rmod/data/rc.local.disabled"
  inst "$rmod" "$bundle" install "$port"
  check "rc.local.disabled: the line goes there, with a warning; no rc.local made" \
    eval "rc_is 0 && [ ! -e '$rmod/data/rc.local' ] && grep -q 'Modification checks' '$work/err' &&
      [ \"\$(count '$rmod/data/rc.local.disabled' 'install.sh boot')\" = 1 ]"
  inst "$rmod" "$bundle" remove
  check "rc.local.disabled: remove takes the line out again" \
    eval "[ \"\$(cat '$rmod/data/rc.local.disabled')\" = \"\$(printf '#!/bin/sh\necho mine')\" ]"
}

shells=(sh)
if command -v busybox >/dev/null && busybox sh -c 'exit 0' 2>/dev/null; then shells+=("busybox sh"); fi
for sh in "${shells[@]}"; do
  report_prefix="[$sh] "
  # busybox sh runs its own applets (svc, mount) before PATH: then the stand-ins see nothing.
  # mount is safe all the same (install.sh never calls it under TBGW_VENUS_ROOT, which the sh
  # pass checks, and a pass is skipped once it has been called); the svc checks are left out.
  : >"$work/calls"
  PATH="$work/fake-svc:$PATH" $sh -c 'svc -t /nonexistent' >/dev/null 2>&1
  svc_seen=0
  grep -q '^svc' "$work/calls" && svc_seen=1
  if grep -qE '^(mount|udevadm)' "$work/calls.all" 2>/dev/null; then
    bad "skipped: install.sh called mount or udevadm under TBGW_VENUS_ROOT"
    continue
  fi
  : >"$work/calls.all"
  scenarios
done
report_prefix=""
command -v shellcheck >/dev/null &&
  check "shellcheck -s sh install.sh service/run service/log/run" \
    shellcheck -s sh "$src/packaging/venus/install.sh" "$src/packaging/venus/service/run" \
    "$src/packaging/venus/service/log/run"
echo "venus-install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
