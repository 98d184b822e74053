#!/bin/sh
# tinybms-gw on Venus OS (Cerbo GX, Ekrano, Raspberry Pi): install, re-enable at boot, remove.
# Everything lives under /data, the only place that survives firmware updates; the service
# directory is recreated at every boot from /data/rc.local (Venus copies /opt/victronenergy/
# service to the RAM /service at boot, so a service made there by hand is lost).
#
#   ./install.sh install PORT   # PORT: /dev/serial/by-id/usb-FTDI_...  (the TinyBMS adapter)
#   ./install.sh boot           # what /data/rc.local runs at every boot
#   ./install.sh remove         # stops the service and removes everything but the state
#
# Layout:
#   /data/tinybms-gw/bin/tinybms-gw     the program (+ lib/ with the libraries Venus lacks)
#   /data/tinybms-gw/config.json        the configuration (serial port, venus.enabled, ...)
#   /data/tinybms-gw/state/             settings and energy counters
#   /data/tinybms-gw/service/{run,log/run}   daemontools service, linked as /service/tinybms-gw
#   /var/log/tinybms-gw/current         multilog output (tail -F it)
# serial-starter is kept off the TinyBMS port with a udev rule (VE_SERVICE=ignore), installed
# again at every boot because /etc is not kept across firmware updates.
set -eu
APP=/data/tinybms-gw
SVC_NAME=tinybms-gw
RC=/data/rc.local
MARK="# tinybms-gw (added by $APP/install.sh)"
RULE=/etc/udev/rules.d/99-tinybms-gw.rules

here=$(cd "$(dirname "$0")" && pwd)

udev_rule() {
  port=$(sed -n 's/.*"serial.port": *"\([^"]*\)".*/\1/p' "$APP/config.json" | head -1)
  [ -n "$port" ] || return 0
  # Match the adapter by the same by-id link the config names; ttyUSB numbers move.
  id=$(basename "$port")
  mount -o remount,rw / 2>/dev/null || true
  cat >"$RULE" <<RULE
# tinybms-gw: serial-starter must not probe the TinyBMS port (it would start other drivers on it)
ACTION=="add", SUBSYSTEM=="tty", ENV{ID_SERIAL}!="", PROGRAM="/bin/sh -c 'ls -l /dev/serial/by-id/ | grep -q \"$id -> .*%k\$\"'", ENV{VE_SERVICE}="ignore"
RULE
  mount -o remount,ro / 2>/dev/null || true
  udevadm control --reload-rules 2>/dev/null || true
  udevadm trigger --subsystem-match=tty --action=add 2>/dev/null || true
}

link_service() {
  ln -sfn "$APP/service" "/service/$SVC_NAME"
  svscanctl -a /service 2>/dev/null || svc -a /service 2>/dev/null || true
}

case "${1:-}" in
  install)
    port="${2:?usage: install.sh install /dev/serial/by-id/...}"
    mkdir -p "$APP/bin" "$APP/lib" "$APP/state" "$APP/service/log"
    if [ "$here" != "$APP" ]; then
      cp "$here/bin/tinybms-gw" "$APP/bin/"
      [ -d "$here/lib" ] && cp -a "$here/lib/." "$APP/lib/"
      cp "$here/install.sh" "$APP/"
      cp "$here/service/run" "$APP/service/run"
      cp "$here/service/log/run" "$APP/service/log/run"
    fi
    chmod 755 "$APP/bin/tinybms-gw" "$APP/install.sh" "$APP/service/run" "$APP/service/log/run"
    if [ ! -f "$APP/config.json" ]; then
      # The CAN-BMS output is off (a log to /dev/null): on the GX the battery is the D-Bus
      # service; a second BMS on the same GX would raise "multiple batteries".
      cat >"$APP/config.json" <<JSON
{"schema_version": 1, "settings": {"serial.port": "$port", "venus.enabled": true,
 "can.backend": "log:/dev/null", "http.listen": ""}}
JSON
    fi
    [ -f "$RC" ] || { echo "#!/bin/sh" >"$RC"; chmod 755 "$RC"; }
    grep -qF "$MARK" "$RC" || printf '%s\n%s boot\n' "$MARK" "$APP/install.sh" >>"$RC"
    udev_rule
    link_service
    echo "tinybms-gw installed; logs: tail -F /var/log/tinybms-gw/current"
    ;;
  boot)
    udev_rule
    link_service
    ;;
  remove)
    svc -d "/service/$SVC_NAME" "/service/$SVC_NAME/log" 2>/dev/null || true
    rm -f "/service/$SVC_NAME"
    if [ -f "$RC" ]; then
      grep -vF -e "$MARK" -e "$APP/install.sh boot" "$RC" >"$RC.tmp" || true
      cat "$RC.tmp" >"$RC" && rm -f "$RC.tmp"
    fi
    mount -o remount,rw / 2>/dev/null || true
    rm -f "$RULE"
    mount -o remount,ro / 2>/dev/null || true
    rm -rf "$APP/bin" "$APP/lib" "$APP/service" "$APP/install.sh"
    echo "tinybms-gw removed (configuration and state kept in $APP; rm -rf it to forget them)"
    ;;
  *)
    echo "usage: $0 install PORT | boot | remove" >&2
    exit 2
    ;;
esac
