"""Figures of a soak run: memory per gateway process, the invariants with their bounds, and the
table printed at the end (the JSON written alongside carries everything)."""

# Memory bounds (documented in docs/performance.md, "Fault soak"). The steady gateway is about
# 10 MB; HTTP bursts, TLS-free sessions, SQLite's page cache (2 MB at most) and the history
# query thread add a few MB once. A leak shows as growth that does not level off.
RSS_PEAK_MAX_KB = 64 * 1024
RSS_GROWTH_MAX_KB = 4 * 1024       # end minus the value after the warm-up, per process
RSS_WARMUP_S = 120                 # SQLite's cache and the allocator's arenas fill first
RSS_GROWTH_MIN_EPOCH_S = 300       # shorter processes are too short to judge growth


def memory(rss, epochs, clock_tick_hz=100):
    """Per gateway process: RSS at start, after the warm-up, at the end, peak; CPU seconds."""
    out = []
    for e in epochs:
        s = [(t, kb, ticks) for t, n, kb, ticks in rss if n == e["n"]]
        if not s:
            continue
        t0 = s[0][0]
        warm = next((kb for t, kb, _ in s if t - t0 >= RSS_WARMUP_S), None)
        last_t = s[-1][0]
        # Least-squares slope of the second half, kB per minute: a leak keeps a slope.
        half = [(t, kb) for t, kb, _ in s if t >= t0 + (last_t - t0) / 2]
        slope = _slope(half) * 60.0 if last_t - t0 >= RSS_WARMUP_S and len(half) >= 10 else None
        ticks = [x for _, _, x in s if x is not None]
        out.append({
            "epoch": e["n"], "ended_by": e.get("how"), "seconds": round(last_t - t0, 1),
            "start_kb": s[0][1], "after_warmup_kb": warm, "end_kb": s[-1][1],
            "peak_kb": max(kb for _, kb, _ in s),
            "second_half_slope_kb_per_min": round(slope, 1) if slope is not None else None,
            "cpu_s": round((ticks[-1] - ticks[0]) / clock_tick_hz, 2) if ticks else None,
        })
    return out


def _slope(points):
    n = len(points)
    mx = sum(t for t, _ in points) / n
    my = sum(v for _, v in points) / n
    den = sum((t - mx) ** 2 for t, _ in points)
    return sum((t - mx) * (v - my) for t, v in points) / den if den else 0.0


def invariants(r):
    """name -> {ok, value, bound}; the run fails when any is not ok."""
    mem = r["memory"]
    peak = max((m["peak_kb"] for m in mem), default=0)
    growth = [m["end_kb"] - m["after_warmup_kb"] for m in mem
              if m["after_warmup_kb"] is not None and m["seconds"] >= RSS_GROWTH_MIN_EPOCH_S]
    inv = {
        "missed 0x351 deadlines while data valid": (r["check"]["counts"]["missed_deadline"], 0),
        "frames from invalid data": (r["check"]["counts"]["invalid_frame"], 0),
        "faults without recovery": (r["check"]["counts"]["no_recovery"], 0),
        "state corruption (config, energy, history)": (len(r["state"]["problems"]), 0),
        "config change on a full disk inconsistent": (
            sum(1 for p in r["disk_full_patches"] if not p["consistent"]), 0),
        "gateway exits not caused by the soak": (r["gateway"]["unexpected_exits"], 0),
        "final SIGTERM exit code": (r["gateway"]["final_exit_code"], 0),
        "critical lines in the gateway's log": (r["gateway_log"]["critical"], 0),
        "MQTT not back within 70 s of a broker restart": (
            len(r["gateway_log"]["mqtt_not_back"]), 0),
        "peak RSS kB": (peak, RSS_PEAK_MAX_KB),
        "RSS growth after warm-up kB (processes >= 5 min)": (max(growth, default=0),
                                                            RSS_GROWTH_MAX_KB),
    }
    return {k: {"value": v, "bound": b, "ok": v is not None and v <= b}
            for k, (v, b) in inv.items()}


def table(r):
    lines = []
    add = lines.append
    run = r["run"]
    add(f"fault soak: seed {run['seed']}, profile {run['profile']}, {run['wall_s']:.0f} s, "
        f"{run['blocks']} fault blocks, disk mode {run['disk_mode']}")
    add("")
    add(f"{'figure':58} {'value':>14} {'bound':>10}  ")
    for name, v in r["invariants"].items():
        add(f"{name:58} {str(v['value']):>14} {'<= ' + str(v['bound']):>10}  "
            f"{'ok' if v['ok'] else 'FAIL'}")
    d, f = r["check"]["deadlines"], r["check"]["frames"]
    rows = [
        ("faults injected", sum(r["faults"].values())),
        ("  by kind", ", ".join(f"{k} {n}" for k, n in sorted(r["faults"].items()))),
        ("kill -9 of the gateway", r["faults"].get("kill9", 0)),
        ("0x351 frames / intervals judged", f"{d['frames_351']} / {d['judged_intervals']}"),
        ("judged 0x351 interval p50 / p99 / max ms",
         f"{d['p50_gap_judged_ms']} / {d['p99_gap_judged_ms']} / {d['max_gap_judged_ms']}"),
        ("  loop thread's run-queue wait around the max, ms", d["max_gap_loop_run_queue_wait_ms"]),
        ("judged 0x351 intervals > 1.1 s / > 3.0 s (the GX's timeout)",
         f"{d['gaps_over_1100ms_judged']} / {d['judged_over_3000ms']}"),
        ("0x351 later than 1.5 s while valid, loop thread starved of CPU", d["missed_cpu_starved"]),
        ("CAN cycles / held (hold_safe) / checked against truth",
         f"{f['cycles']} / {f['held_cycles']} / {f['truth_checked']}"),
        ("last online 0x351 after a break began, max s",
         r["check"]["last_online_frame_after_break_start_s"]["max_s"]),
        ("state checks (after each kill -9 and at the end)", len(r["state"]["checks"])),
        ("HTTP requests / 2xx / 4xx / 5xx", "{http_requests} / {http_2xx} / {http_4xx} / "
         "{http_5xx}".format(**r["load"])),
        ("HTTP transport errors (gateway up / down), keep-alive retries",
         f"{r['load']['http_errors']} / {r['load']['http_errors_while_down']}, "
         f"{r['load']['http_keepalive_retries']}"),
        ("WebSocket connects / messages / errors (up / down)",
         f"{r['load']['ws_connects']} / {r['load']['ws_messages']} / {r['load']['ws_errors']}"
         f" / {r['load']['ws_errors_while_down']}"),
        ("logins", r["load"]["logins"]),
        ("config changes through the API: ok / refused",
         f"{r['load']['config_patches_ok']} / {r['load']['config_patches_refused']}"),
        ("config change on the full disk: HTTP status",
         ", ".join(str(p["status"]) for p in r["disk_full_patches"])),
    ]
    lg = r["gateway_log"]
    rows += [
        ("gateway log: BMS link lost / CAN limits withdrawn",
         f"{lg['link_lost']} / {lg['can_withdrawn']}"),
        ("MQTT broker restarts / slowest reconnect s",
         f"{lg['mqtt_broker_restarts']} / {lg['mqtt_back_max_s']}"),
    ]
    diag = r["gateway_diagnostics"]
    if diag:
        rows += [
            ("gateway's own keepalive_late (0x351 > 1.5 s), all processes",
             sum(d["keepalive_late"] or 0 for d in diag)),
            ("gateway's own worst 0x351 interval ms, all processes",
             round(max(d["cadence_max_us"] or 0 for d in diag) / 1000, 1)),
            ("history write failures (disk full), all processes",
             sum(d["history_write_failures"] or 0 for d in diag)),
            ("history health at the end", f"{diag[-1]['history_health']} "
             f"{diag[-1]['history_reason'] or ''}".strip()),
        ]
    add("")
    for name, v in rows:
        add(f"{name:58} {v}")
    add("")
    add("recovery, fault end -> first 0x351 (n, mean s, max s):")
    for k, v in r["check"]["recovery_s"].items():
        add(f"  {k:20} {v['n']:3} {v['mean_s']:7.2f} {v['max_s']:7.2f}")
    add("memory per gateway process (kB): start, after warm-up, end, peak, slope of 2nd half/min")
    for m in r["memory"]:
        add(f"  #{m['epoch']:<2} {m['seconds']:7.0f} s  {m['start_kb']:6} "
            f"{str(m['after_warmup_kb']):>6} {m['end_kb']:6} {m['peak_kb']:6} "
            f"{str(m['second_half_slope_kb_per_min']):>7}  cpu {m['cpu_s']} s  ({m['ended_by']})")
    for kind, items in r["check"]["findings"].items():
        for it in items[:8]:
            add(f"! {kind} at {it['t']}: {it['what']}")
    for p in r["state"]["problems"][:8]:
        add(f"! state: {p}")
    if lg["errors_by_kind"]:
        add("gateway log, error lines by kind:")
        for k, n in lg["errors_by_kind"].items():
            add(f"  {n:5}  {k}")
    add("")
    add("RESULT: " + ("PASS" if r["ok"] else "FAIL"))
    return "\n".join(lines)
