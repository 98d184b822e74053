#!/bin/sh
# HTTP API benchmark (issue 10; results in docs/performance.md "HTTP API"). Not part of the
# test command. Needs wrk, curl and python3-websockets (scripts/setup.sh installs them).
#   bench/http_bench.sh [BUILD_DIR]     (default build/release)
# 1. GET /api/status with a bearer token at 1, 16 and 64 connections (wrk, 10 s each):
#    p50/p99 latency and requests/s, and the CAN cadence jitter (0x351 in can.log) meanwhile.
# 2. WebSocket fan-out of the status stream to 200 clients at 1 Hz and at 10 Hz
#    (TBGW_HTTP_WS_INTERVAL_MS=100): the spread of arrival times of each message across the
#    clients (p50/p99), and the CAN jitter meanwhile.
set -eu
BUILD=${1:-build/release}
GW=$BUILD/app/tinybms-gw
HERE=$(cd "$(dirname "$0")/.." && pwd)
WS="/usr/bin/python3 $HERE/tests/http/ws_client.py"
DUR=${DUR:-10}

jitter() {  # jitter of the 0x351 period in can.log after unix time $2: p50 p99 max (ms)
  python3 - "$1" "$2" <<'PY'
import sys
log, after = sys.argv[1], float(sys.argv[2])
t = [float(l[1:l.index(")")]) for l in open(log) if " 351#" in l]
t = [x for x in t if x >= after]
j = sorted(abs((b - a) * 1000 - 1000) for a, b in zip(t, t[1:]))
if not j: print("no frames"); sys.exit()
p = lambda q: j[min(len(j) - 1, int(q * len(j)))]
print(f"can_frames={len(t)} jitter_p50_ms={p(0.5):.1f} jitter_p99_ms={p(0.99):.1f} max_ms={j[-1]:.1f}")
PY
}

start_gw() {  # $1: state dir; extra env in $GW_ENV
  mkdir -p "$1"
  echo '{"schema_version":1,"settings":{"http.max_connections":512}}' > "$1/config.json"
  env ${GW_ENV:-} "$GW" --simulate --http 127.0.0.1:0 --state-dir "$1" --log-level info \
      --summary-interval-s 0 2> "$1/gw.log" &
  GW_PID=$!
  for _ in $(seq 100); do
    grep -q "listening on" "$1/gw.log" 2>/dev/null && break
    sleep 0.1
  done
  PORT=$(grep -o "127.0.0.1:[0-9]*" "$1/gw.log" | head -1 | cut -d: -f2)
  TOKEN=$("$GW" token create --name bench --state-dir "$1" 2>/dev/null)
}

TMP=$(mktemp -d)
trap 'kill $GW_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
GW_ENV="" start_gw "$TMP/a"
sleep 3
for c in 1 16 64; do
  t0=$(date +%s.%N)
  out=$(wrk -t$(( c < 2 ? 1 : 2 )) -c$c -d${DUR}s --latency \
        -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/status")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  echo "GET /api/status c=$c: req/s=$rps p50=$p50 p99=$p99; $(jitter "$TMP/a/can.log" "$t0")"
done
t0=$(date +%s.%N)
echo "fan-out 1 Hz: $($WS fanout ws://127.0.0.1:$PORT/ws --token "$TOKEN" --clients 200 --seconds $DUR); $(jitter "$TMP/a/can.log" "$t0")"
kill $GW_PID; wait $GW_PID 2>/dev/null || true
GW_ENV="TBGW_HTTP_WS_INTERVAL_MS=100" start_gw "$TMP/b"
sleep 3
t0=$(date +%s.%N)
echo "fan-out 10 Hz: $($WS fanout ws://127.0.0.1:$PORT/ws --token "$TOKEN" --clients 200 --seconds $DUR); $(jitter "$TMP/b/can.log" "$t0")"
t0=$(date +%s.%N)
sleep $DUR
echo "idle baseline: $(jitter "$TMP/b/can.log" "$t0")"
