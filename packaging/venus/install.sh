#!/bin/sh
# tinybms-gw on Venus OS (Cerbo GX, Ekrano, Raspberry Pi): install, re-enable at boot, remove.
# Everything lives under /data, the only place that survives firmware updates; the service
# directory is recreated at every boot from /data/rc.local (Venus copies /opt/victronenergy/
# service to the RAM /service at boot, so a service made there by hand is lost).
#
#   ./install.sh install PORT   # PORT: /dev/serial/by-id/usb-FTDI_...  (the TinyBMS adapter)
#   ./install.sh boot           # what /data/rc.local runs at every boot
#   ./install.sh remove         # stops the service, removes everything but config and state
#
# Layout:
#   /data/tinybms-gw/bin/tinybms-gw     the program (+ lib/ with the libraries Venus lacks)
#   /data/tinybms-gw/config.json        the configuration (serial port, venus.enabled, ...)
#   /data/tinybms-gw/state/             settings and energy counters
#   /data/tinybms-gw/service/{run,log/run}   daemontools service, linked as /service/tinybms-gw
#   /var/log/tinybms-gw/current         multilog output (tail -F it)
# serial-starter is kept off the TinyBMS port with a udev rule (VE_SERVICE=ignore), written
# again at every boot because /etc (read-only root fs) is replaced by a firmware update.
#
# Choices:
# - PORT must be a /dev/serial/by-id/ link: /dev/ttyUSBn numbers move between boots, and the
#   udev rule matches the adapter by that by-id name. Anything else is refused (exit 2).
# - Re-running install is an update: bin/ and lib/ are staged next to the old ones and swapped
#   by rename (a running binary cannot be overwritten in place: ETXTBSY), so libraries the new
#   bundle no longer has are gone; then `svc -t` restarts the service on the new binary.
#   config.json is kept; only its serial.port is changed when PORT differs.
# - The rule file sorts after Venus's serial-starter.rules, so its VE_SERVICE=ignore is the
#   last word, and it matches the by-id SYMLINK that 60-serial.rules set earlier in the same
#   event (the link itself is not in /dev yet while rules run, so it cannot be looked up).
# - When Modification checks renamed rc.local to rc.local.disabled, the boot line goes into
#   rc.local.disabled (it comes back with it) and the service does not start at boot until
#   modifications are enabled again.
#
# Tests: TBGW_VENUS_ROOT=DIR puts every path under DIR (DIR/data, DIR/service, DIR/etc/udev,
# DIR/dev for the port checks) and skips what would change the machine itself (remounting /,
# udevadm). Unset, the script acts on the device. POSIX sh (busybox ash on Venus).
set -eu
R="${TBGW_VENUS_ROOT:-}"
APP="$R/data/tinybms-gw"
SVC_NAME=tinybms-gw
SVC_LINK="$R/service/$SVC_NAME"
RC="$R/data/rc.local"
RULE="$R/etc/udev/rules.d/zz-tinybms-gw.rules"
BYID=/dev/serial/by-id

say() { printf 'tinybms-gw: %s\n' "$*"; }
warn() { printf 'tinybms-gw: warning: %s\n' "$*" >&2; }
die() {
  code=$1
  shift
  printf 'tinybms-gw: error: %s\n' "$*" >&2
  exit "$code"
}

# The by-id links present now, one per line indented (for messages).
present_ports() {
  found=0
  for link in "$R$BYID"/*; do
    if [ -e "$link" ]; then
      echo "  $BYID/${link##*/}"
      found=1
    fi
  done
  if [ "$found" = 0 ]; then echo "  (none: is the adapter plugged in?)"; fi
}

# Refuses a PORT that is not a by-id link with a plain name; names the by-id link of a ttyUSBn.
check_port() {
  port=$1
  [ -n "$port" ] || die 2 "no PORT given. Usage: install.sh install $BYID/NAME. Present now:
$(present_ports)"
  name=${port#"$BYID"/}
  case "$port" in
    "$BYID"/*) ;;
    *)
      hint=""
      target=$(readlink -f "$R$port" 2>/dev/null || true)
      for link in "$R$BYID"/*; do
        if [ -n "$target" ] && [ -e "$link" ] && [ "$(readlink -f "$link")" = "$target" ]; then
          hint=" (here: $BYID/${link##*/})"
        fi
      done
      die 2 "PORT must be a $BYID/ link$hint, not $port: ttyUSB/ttyACM numbers change between
boots, and the udev rule that keeps serial-starter off the port matches the by-id name. Present now:
$(present_ports)"
      ;;
  esac
  case "$name" in
    '' | *[!A-Za-z0-9._:#+=@-]*) die 2 "unexpected characters in the by-id name '$name'" ;;
  esac
  [ -e "$R$port" ] || warn "$port is not present now (adapter unplugged?); the service waits
for it. Present now:
$(present_ports)"
}

config_port() {
  sed -n 's/.*"serial\.port" *: *"\([^"]*\)".*/\1/p' "$APP/config.json" 2>/dev/null | head -1
}

# Root fs: read-only since Venus v2.93. Remounts rw only if it is ro, and says so (0) to the
# caller, which remounts ro afterwards. Never under TBGW_VENUS_ROOT.
root_rw() {
  [ -z "$R" ] || return 1
  ro=0
  while read -r _ mnt _ opts _; do
    [ "$mnt" = / ] || continue
    case ",$opts," in *,ro,*) ro=1 ;; *) ro=0 ;; esac
  done </proc/mounts
  [ "$ro" = 1 ] && mount -o remount,rw /
}

# Writes the udev rule when it differs from what is there (a firmware update lost it, or the
# port changed); 1 when it could not.
udev_rule() {
  port=$(config_port)
  if [ -z "$port" ]; then
    warn "no serial.port in $APP/config.json: no udev rule, serial-starter may probe the port"
    return 0
  fi
  case "$port" in
    "$BYID"/*) ;;
    *)
      warn "serial.port $port is not a $BYID/ link: no udev rule, serial-starter may probe it"
      return 0
      ;;
  esac
  want="# tinybms-gw ($APP/install.sh): serial-starter must not probe the TinyBMS port
ACTION==\"add\", SUBSYSTEM==\"tty\", SYMLINK==\"${port#/dev/}\", ENV{VE_SERVICE}=\"ignore\""
  if [ -f "$RULE" ] && [ "$(cat "$RULE")" = "$want" ]; then return 0; fi
  remounted=0
  if root_rw; then remounted=1; fi
  ok=1
  { mkdir -p "${RULE%/*}" && printf '%s\n' "$want" >"$RULE"; } || ok=0
  if [ "$remounted" = 1 ]; then mount -o remount,ro / || true; fi
  [ "$ok" = 1 ] || return 1
  if [ -z "$R" ]; then
    udevadm control --reload-rules 2>/dev/null || true
    # Re-run the rules for this adapter only, so the ignore is in udev's database now.
    dev=$(readlink -f "$port" 2>/dev/null || true)
    if [ -n "$dev" ] && [ -e "$dev" ]; then
      udevadm trigger --action=add --subsystem-match=tty --sysname-match="${dev##*/}" \
        2>/dev/null || true
    fi
  fi
}

link_service() {
  if [ "$(readlink "$SVC_LINK" 2>/dev/null || true)" != "$APP/service" ]; then
    rm -f "$SVC_LINK"
    ln -s "$APP/service" "$SVC_LINK"
    # svscan rescans /service every 5 s anyway; Venus has svrescan to make it look now.
    svrescan /service >/dev/null 2>&1 || true
  fi
}

# The boot line in rc.local (or rc.local.disabled), appended once, on a line of its own.
RC_CMD="$APP/install.sh boot"
rc_line() {
  if [ -n "$R" ]; then
    # Tests: the line must act on the same root when rc.local is run without the variable.
    printf 'TBGW_VENUS_ROOT=%s %s  # tinybms-gw\n' "$R" "$RC_CMD"
  else
    printf '%s  # tinybms-gw\n' "$RC_CMD"
  fi
}

add_rc_line() {
  file=$RC
  if [ ! -e "$RC" ] && [ -e "$RC.disabled" ]; then
    file="$RC.disabled"
    warn "Modification checks have disabled $RC ($RC.disabled exists): the boot line goes
there; tinybms-gw will not start at boot until modifications are enabled again"
  fi
  [ -s "$file" ] || printf '#!/bin/sh\n' >"$file"
  if ! grep -qF "$RC_CMD" "$file"; then
    # A file that does not end with a newline would glue our command to its last line.
    [ -z "$(tail -c 1 "$file")" ] || printf '\n' >>"$file"
    rc_line >>"$file"
  fi
  if [ ! -x "$file" ]; then
    chmod 755 "$file"
    say "made $file executable (Venus runs it at boot only then)"
  fi
}

drop_rc_line() {
  for file in "$RC" "$RC.disabled"; do
    if [ ! -f "$file" ] || ! grep -qF "$RC_CMD" "$file"; then continue; fi
    grep -vF "$RC_CMD" "$file" >"$file.tbgw-tmp" || true
    # cat, not mv: keeps the file's mode and owner.
    cat "$file.tbgw-tmp" >"$file"
    rm -f "$file.tbgw-tmp"
  done
}

# Copies the bundle (the directory of this script) into $APP: bin/ and lib/ staged then swapped.
install_files() {
  here=$1
  new="$APP/.new"
  old="$APP/.old"
  rm -rf "$new" "$old"
  mkdir -p "$new/bin" "$new/lib" "$old" "$APP/state" "$APP/service/log"
  cp "$here/bin/tinybms-gw" "$new/bin/tinybms-gw"
  if [ -d "$here/lib" ]; then cp -a "$here/lib/." "$new/lib/"; fi
  chmod 755 "$new/bin/tinybms-gw"
  for d in bin lib; do
    if [ -e "$APP/$d" ]; then mv "$APP/$d" "$old/$d"; fi
    mv "$new/$d" "$APP/$d"
  done
  # The service dir keeps its identity (supervise/ lives in it): replace files by rename.
  for f in install.sh service/run service/log/run; do
    cp "$here/$f" "$APP/$f.new"
    chmod 755 "$APP/$f.new"
    mv "$APP/$f.new" "$APP/$f"
  done
  # VERSION (make-bundle.sh): what is installed, for the user and for support.
  rm -f "$APP/VERSION"
  if [ -f "$here/VERSION" ]; then cp "$here/VERSION" "$APP/VERSION"; fi
  rm -rf "$new" "$old"
}

write_config() {
  port=$1
  if [ ! -f "$APP/config.json" ]; then
    # The CAN-BMS output is off (a log to /dev/null): on the GX the battery is the D-Bus
    # service; a second BMS on the same GX would raise "multiple batteries".
    cat >"$APP/config.json.new" <<JSON
{"schema_version": 1, "settings": {"serial.port": "$port", "venus.enabled": true,
 "can.backend": "log:/dev/null", "http.listen": ""}}
JSON
    mv "$APP/config.json.new" "$APP/config.json"
    return 0
  fi
  old_port=$(config_port)
  [ "$old_port" != "$port" ] || return 0
  if [ -z "$old_port" ]; then
    warn "$APP/config.json has no \"serial.port\": set it to $port by hand"
    return 0
  fi
  # Only the port changes; every other edit of the file is kept.
  sed "s|\"serial\\.port\" *: *\"[^\"]*\"|\"serial.port\": \"$port\"|" "$APP/config.json" \
    >"$APP/config.json.new"
  mv "$APP/config.json.new" "$APP/config.json"
  say "serial.port changed from $old_port to $port"
}

case "${1:-}" in
  install)
    [ $# -le 2 ] || die 2 "usage: install.sh install $BYID/NAME"
    port="${2:-}"
    # Everything is checked before anything is written.
    check_port "$port"
    if [ ! -d "$R/data" ] || [ ! -d "$R/service" ]; then
      die 1 "$R/data or $R/service is missing: this is not Venus OS"
    fi
    here=$(cd -P "$(dirname "$0")" && pwd)
    app_now=""
    if [ -d "$APP" ]; then app_now=$(cd -P "$APP" && pwd); fi
    if [ "$here" != "$app_now" ]; then
      for f in bin/tinybms-gw install.sh service/run service/log/run; do
        [ -f "$here/$f" ] || die 1 "$here/$f is missing: not an unpacked tinybms-gw bundle"
      done
      install_files "$here"
    fi
    write_config "$port"
    add_rc_line
    udev_rule || warn "could not write $RULE: serial-starter may probe the TinyBMS port"
    link_service
    # Restart on the new binary (and port); a service stopped with svc -d stays down.
    svc -t "$SVC_LINK" 2>/dev/null || true
    say "installed $(cat "$APP/VERSION" 2>/dev/null || echo tinybms-gw) in $APP; logs: tail -F /var/log/tinybms-gw/current"
    ;;
  boot)
    [ -f "$APP/config.json" ] || die 1 "$APP/config.json is missing: run install.sh install"
    udev_rule || warn "could not write $RULE: serial-starter may probe the TinyBMS port"
    link_service
    ;;
  remove)
    rm -f "$SVC_LINK"
    # -x: supervise exits too (it would otherwise stay, holding the deleted directory).
    if [ -d "$APP/service" ]; then
      svc -dx "$APP/service" "$APP/service/log" 2>/dev/null || true
    fi
    drop_rc_line
    if [ -e "$RULE" ]; then
      remounted=0
      if root_rw; then remounted=1; fi
      rm -f "$RULE" || warn "could not remove $RULE"
      if [ "$remounted" = 1 ]; then mount -o remount,ro / || true; fi
      if [ -z "$R" ]; then udevadm control --reload-rules 2>/dev/null || true; fi
    fi
    if [ -d "$APP" ]; then (cd "$APP" && rm -rf bin lib service install.sh VERSION .new .old); fi
    say "removed (config.json and state/ kept in $APP; rm -rf it to forget them)"
    ;;
  *)
    echo "usage: $0 install $BYID/NAME | boot | remove" >&2
    exit 2
    ;;
esac
