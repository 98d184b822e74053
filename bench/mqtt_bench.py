#!/usr/bin/env python3
"""MQTT benchmark of tinybms-gw (docs/performance.md, section "MQTT").

Starts a private mosquitto on a free loopback port, the gateway on its simulator, and a
mosquitto_sub, then measures:
  latency   new snapshot -> subscriber: the gateway prints each snapshot (--print-snapshots)
            and publishes the state topic in the same loop turn; each state message is paired
            with the snapshot line of the same pack voltage/SOC nearest in time, and the
            difference of the two arrival times (both read through pipes by this script) is
            the latency. Run with
            min_interval_ms 0 and zero deadbands so every snapshot is published.
  traffic   messages and bytes per second on the broker at the default settings (subscribed
            to '#', discovery burst excluded: counted after the first 5 s).
  cpu       the gateway's utime+stime from /proc/PID/stat over the run, in % of one core.

Usage: bench/mqtt_bench.py BUILD_DIR [SECONDS]
"""
import json
import os
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)


def run(gw_bin, seconds, settings, poll_ms, tmp):
    port = free_port()
    conf = os.path.join(tmp, "m.conf")
    with open(conf, "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\n")
    broker = subprocess.Popen(["/usr/sbin/mosquitto", "-c", conf], stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    state = tempfile.mkdtemp(dir=tmp)
    seed = os.path.join(state, "seed.json")
    with open(seed, "w") as f:
        json.dump({"schema_version": 1, "settings": dict(settings, **{"mqtt.device_id": "bench"})}, f)
    sub = subprocess.Popen(["/usr/bin/mosquitto_sub", "-p", str(port), "-v", "-t", "#"],
                           stdout=subprocess.PIPE, bufsize=0)
    gw = subprocess.Popen([gw_bin, "--simulate", "--sim-current", "40", "--mqtt",
                           f"mqtt://127.0.0.1:{port}", "--state-dir", state, "--http", "",
                           "--poll-interval-ms", str(poll_ms), "--config", seed,
                           "--print-snapshots", "--summary-interval-s", "0"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
    sel = selectors.DefaultSelector()
    sel.register(gw.stdout, selectors.EVENT_READ, "gw")
    sel.register(sub.stdout, selectors.EVENT_READ, "sub")
    bufs = {"gw": b"", "sub": b""}
    snapshots = []  # ((voltage, soc), arrival time)
    states = []  # ((voltage, soc), arrival time)
    msgs = 0
    nbytes = 0
    start = time.monotonic()
    warm = start + 5.0
    cpu0 = None
    while time.monotonic() - start < seconds + 5.0:
        for key, _ in sel.select(timeout=0.5):
            now = time.monotonic()
            data = os.read(key.fileobj.fileno(), 65536)
            bufs[key.data] += data
            *lines, bufs[key.data] = bufs[key.data].split(b"\n")
            for line in lines:
                if key.data == "gw" and line.startswith(b"{"):
                    s = json.loads(line)
                    snapshots.append(((round(s["pack_voltage_v"], 3), round(s["soc_pct"], 2)), now))
                elif key.data == "sub":
                    topic, _, payload = line.partition(b" ")
                    if now >= warm:
                        if cpu0 is None:
                            cpu0 = (cpu_ticks(gw.pid), now)
                        msgs += 1
                        nbytes += len(topic) + len(payload)
                    if topic.endswith(b"/state"):
                        st = json.loads(payload)
                        states.append(((st["pack_voltage_v"], st["soc_pct"]), now))
    cpu1 = (cpu_ticks(gw.pid), time.monotonic())
    for p in (gw, sub, broker):
        p.terminate()
        p.wait()
    hz = os.sysconf("SC_CLK_TCK")
    span = cpu1[1] - cpu0[1]
    cpu_pct = 100.0 * (cpu1[0] - cpu0[0]) / hz / span
    # Each state message belongs to the snapshot with the same values nearest in time (a value
    # pair can repeat across snapshots; the state is published in the snapshot's loop turn).
    latencies = []
    for key, t in states:
        times = [ts for k, ts in snapshots if k == key]
        if times:
            latencies.append((t - min(times, key=lambda ts: abs(t - ts))) * 1000.0)
    latencies.sort()
    return {
        "samples": len(latencies),
        "p50_ms": latencies[len(latencies) // 2] if latencies else None,
        "p90_ms": latencies[int(len(latencies) * 0.9)] if latencies else None,
        "worst": latencies[-3:],
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else None,
        "msgs_per_s": msgs / span,
        "bytes_per_s": nbytes / span,
        "cpu_pct": cpu_pct,
    }


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build/release"
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0
    gw_bin = os.path.join(build, "app", "tinybms-gw")
    tmp = tempfile.mkdtemp()
    os.chmod(tmp, 0o755)
    try:
        every = {"mqtt.min_interval_ms": 0, "mqtt.deadband_voltage_v": 0,
                 "mqtt.deadband_cell_mv": 0, "mqtt.deadband_current_a": 0,
                 "mqtt.deadband_temp_c": 0, "mqtt.deadband_soc_pct": 0}
        lat = run(gw_bin, seconds, every, 300, tmp)
        print(f"latency (every snapshot published, poll 300 ms): {lat['samples']} samples, "
              f"p50 {lat['p50_ms']:.2f} ms, p90 {lat['p90_ms']:.2f} ms, p99 {lat['p99_ms']:.2f} ms "
              f"(worst {', '.join(f'{x:.1f}' for x in lat['worst'])}); "
              f"cpu {lat['cpu_pct']:.2f} % of one core; {lat['msgs_per_s']:.1f} msg/s")
        dflt = run(gw_bin, seconds, {"mqtt.venus_topic": "venus/battery"}, 1000, tmp)
        print(f"default settings (+ Venus JSON, poll 1000 ms): {dflt['msgs_per_s']:.2f} msg/s, "
              f"{dflt['bytes_per_s']:.0f} B/s, cpu {dflt['cpu_pct']:.2f} % of one core")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
