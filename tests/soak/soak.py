#!/usr/bin/env python3
"""Fault soak of tinybms-gw: the real gateway, the real simulator on a pty, a real mosquitto,
real HTTP and WebSocket clients, and a seeded schedule of faults (soak_schedule.py). Counts
missed 0x351 deadlines while the BMS data was valid, frames sent from invalid data, state
corruption after kill -9, memory growth; prints a table, writes JSON, exits 1 when an
invariant is broken (soak_report.py lists them with their bounds), 2 when the rig itself
could not run.

  soak.py --gw BIN --sim BIN [--profile short|long] [--minutes M] [--seed N] [--json FILE]
          [--out DIR] [--disk auto|tmpfs|fsize] [--kill-every N] [--keep] [--seed-settings JSON]

short: one cycle of every fault, ~80 s (the ctest test `fault_soak_short`). long: cycles until
--minutes (scripts/soak.sh). Standard library only; run as root for the tmpfs "disk full"
(otherwise the RLIMIT_FSIZE fallback is used). Every child is stopped on exit, also after a
failure or a signal; the run directory is removed after a pass unless --keep or --out.
"""
import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from soak_check import judge  # noqa: E402
from soak_faults import BlockRunner  # noqa: E402
from soak_load import Counters, Load  # noqa: E402
from soak_logs import summarise  # noqa: E402
from soak_report import invariants, memory, table  # noqa: E402
from soak_rig import Rig  # noqa: E402
from soak_schedule import make_schedule  # noqa: E402


def _on_signal(signum, _frame):
    print(f"soak: stopped by signal {signum}; stopping every child", file=sys.stderr, flush=True)
    raise SystemExit(128 + signum)  # unwinds through the finally blocks: children are stopped


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gw", required=True, help="tinybms-gw binary")
    ap.add_argument("--sim", required=True, help="tinybms-sim binary")
    ap.add_argument("--profile", choices=["short", "long"], default="short")
    ap.add_argument("--minutes", type=float, default=25.0, help="long profile: duration")
    ap.add_argument("--kill-every", type=int, default=3,
                    help="long profile: kill -9 every N cycles")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", help="write the full result here")
    ap.add_argument("--out", help="run directory (kept); default a temporary one")
    ap.add_argument("--disk", choices=["auto", "tmpfs", "fsize"], default="auto")
    ap.add_argument("--keep", action="store_true", help="keep the run directory after a pass")
    ap.add_argument("--seed-settings", type=json.loads, default={},
                    help="extra settings (JSON object) in the gateway's seeded config.json, e.g. "
                         "to see the soak catch a gateway told to keep stale data for 60 s")
    return ap.parse_args()


def progress(t0, text):
    print(f"[{time.time() - t0:7.1f} s] {text}", flush=True)


def ensure_gateway(rig, runner, gateway):
    """Restarts a gateway that exited on its own (a crash: counted, and not excused)."""
    if rig.gw is not None and not rig.gw.running() and rig.epochs[-1]["end"] is None:
        e = rig.epochs[-1]
        e["end"] = rig.gw.exited_at or time.time()
        e["how"] = f"exited by itself, code {rig.gw.proc.returncode}"
        gateway["unexpected_exits"] += 1
        gateway["exits"].append({"epoch": e["n"], "code": rig.gw.proc.returncode,
                                 "last_log": [s for _, s in rig.gw.err_lines[-5:]]})
        rig.target.up = False
        runner.check_state("after an unexpected exit")
        rig.start_gateway()


def run(args, run_dir):
    t0 = time.time()
    mono_to_wall = time.time() - time.monotonic()
    schedule = make_schedule(args.seed, args.profile, args.minutes, args.kill_every)
    rig = Rig(os.path.abspath(args.gw), os.path.abspath(args.sim), run_dir, args.seed, args.disk,
              args.seed_settings)
    counters = Counters()
    load = Load(rig.target, counters, args.seed)
    runner = BlockRunner(rig, load)
    gateway = {"unexpected_exits": 0, "exits": [], "final_exit_code": None}
    faults = {}
    try:
        rig.setup()
        progress(t0, f"run directory {run_dir}, disk mode {rig.disk.mode}, "
                     f"{len(schedule)} blocks")
        if not rig.start_gateway():
            raise RuntimeError("the gateway did not start: " +
                               " | ".join(s for _, s in rig.gw.err_lines[-5:]))
        run_start = rig.epochs[0]["start"]
        load.start()
        time.sleep(3.0)
        for block in schedule:
            ensure_gateway(rig, runner, gateway)
            progress(t0, f"cycle {block['cycle']}: {block['kind']} {block['seconds']} s")
            runner.run(block)
            faults[block["kind"]] = faults.get(block["kind"], 0) + 1
        time.sleep(3.0)
        ensure_gateway(rig, runner, gateway)
        load.stop()
        runner.diagnostics("before the final stop")
        run_end = time.time()
        gateway["final_exit_code"] = rig.stop_gateway()
        gateway["final_stopped_line"] = rig.epochs[-1]["stopped_line"]
        runner.check_state("after the final stop")
        shutil.copytree(rig.state_dir, os.path.join(run_dir, "state-final"),
                        ignore=shutil.ignore_patterns("soak-filler.bin"), dirs_exist_ok=True)
    finally:
        load.stop()
        rig.cleanup()
    progress(t0, "analysing")
    mono_to_wall = (mono_to_wall + time.time() - time.monotonic()) / 2
    result = {
        "run": {"seed": args.seed, "profile": args.profile, "disk_mode": rig.disk.mode or
                [e["mode"] for e in rig.events if e["kind"] == "disk_mode"][0],
                "started_unix_s": t0, "wall_s": round(time.time() - t0, 1),
                "blocks": len(schedule), "cycles": schedule[-1]["cycle"] + 1,
                "cores": os.cpu_count(), "run_dir": run_dir},
        "faults": faults,
        "check": judge(run_dir, rig.windows, rig.policy_log, mono_to_wall, run_start, run_end,
                       rig.sched),
        "state": {"checks": runner.state_checks,
                  "problems": [p for c in runner.state_checks for p in c["problems"]]},
        "disk_full_patches": runner.disk_full_patches,
        "memory": memory(rig.rss, rig.epochs, os.sysconf("SC_CLK_TCK")),
        "load": dict(counters.c, status_codes=counters.status_codes, examples=counters.examples),
        "gateway": gateway,
        "gateway_diagnostics": runner.epoch_diagnostics,
        "gateway_log": summarise(run_dir, [e["t"] for e in rig.events
                                           if e["kind"] == "broker_start"][1:], run_end),
        "policy_log": rig.policy_log,
        "epochs": rig.epochs,
        "windows": rig.windows,
        "events": rig.events,
        "rss_samples": [(round(t, 1), n, kb) for t, n, kb, _ in rig.rss],
        "schedule": schedule,
    }
    result["invariants"] = invariants(result)
    result["ok"] = all(v["ok"] for v in result["invariants"].values())
    return result


def main():
    args = parse_args()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    run_dir = os.path.abspath(args.out) if args.out else tempfile.mkdtemp(prefix="tbgw-soak-")
    os.makedirs(run_dir, exist_ok=True)
    try:
        result = run(args, run_dir)
    except Exception as e:  # the rig could not run: not a verdict on the gateway
        print(f"soak: the rig failed: {e!r}; logs in {run_dir}", file=sys.stderr, flush=True)
        return 2
    print(table(result), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1, default=str)
    if result["ok"] and not args.keep and not args.out:
        shutil.rmtree(run_dir, ignore_errors=True)
    else:
        print(f"run directory kept: {run_dir}", flush=True)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
