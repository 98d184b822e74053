#!/usr/bin/env bash
# End-to-end cost of the Venus OS D-Bus service (issue 12): the gateway on its simulator
# (16 cells, a steady 20 A discharge) publishes on a private bus (dbus-run-session) with the
# test's com.victronenergy.settings; after a 5 s warm-up this measures, over DURATION seconds,
# the gateway's CPU (utime + stime from /proc) and the D-Bus traffic it causes (signals and
# values, counted by dbus-monitor). Usage:
#   bench/dbus_bench.sh [GATEWAY_BIN] [DURATION_S]    (default build/release/app/tinybms-gw, 30)
# An ARM binary runs under qemu-user when QEMU="qemu-arm-static -L /usr/arm-linux-gnueabihf"
# (with "-E LD_LIBRARY_PATH=..." for its libraries) is given. NO_DBUS=1: the same run without --dbus (the
# baseline: poller, in-process simulator, CAN log).
set -euo pipefail
cd "$(dirname "$0")/.."
gw="${1:-build/release/app/tinybms-gw}"
duration="${2:-30}"
face="--dbus"
[ -n "${NO_DBUS:-}" ] && face="--can log:/dev/null"
inner=$(mktemp)
cat >"$inner" <<INNER
set -euo pipefail
/usr/bin/python3 tests/dbus/mock_settings.py >/dev/null &
settings=\$!
state=\$(mktemp -d)
${QEMU:-} $gw --simulate $face --state-dir "\$state" --sim-cells 16 --sim-current -20 \
  --http "" --log-level warn >/dev/null 2>&1 &
gw_pid=\$!
sleep 5
dbus-monitor --session "type='signal',interface='com.victronenergy.BusItem'" >"\$state/mon" 2>/dev/null &
mon=\$!
ticks=\$(getconf CLK_TCK)
t0=\$(awk '{print \$14 + \$15}' /proc/\$gw_pid/stat)
sleep $duration
t1=\$(awk '{print \$14 + \$15}' /proc/\$gw_pid/stat)
kill \$mon \$gw_pid \$settings
wait \$gw_pid 2>/dev/null || true
signals=\$(grep -c 'member=ItemsChanged' "\$state/mon" || true)
values=\$(grep -c 'string "/' "\$state/mon" || true)
awk -v c=\$((t1 - t0)) -v hz=\$ticks -v d=$duration -v s=\$signals -v v=\$values 'BEGIN {
  printf "cpu %.3f %% of one core, %.2f ItemsChanged/s, %.1f values/s\n", 100 * c / hz / d, s / d, v / d }'
rm -rf "\$state"
INNER
dbus-run-session -- bash "$inner" 2> >(grep -v "fd limit" >&2)
rm -f "$inner"
