"""Judges what the gateway put on the CAN bus against what the soak did and what the battery
really was.

Inputs: the candump lines of every gateway process (their own time stamps), the windows of
soak_faults.py, the possible stale policies over time, and the simulator's truth file.

1. Missed 0x351 deadlines while the data was valid. The deadline of a 0x351 sent at t is
   t + DEADLINE_S (1.5 s: the gateway's own promise, docs/victron.md "never later than 1.5 s
   while data is valid"; its nominal period is 1 s, the GX's own timeout 3 s). A deadline
   passed without a 0x351 is a miss unless it falls in an excused interval: from the start of
   a break, unknown or gw_down window to the first 0x351 after the window's end (the time the
   gateway needs to notice the BMS again or to start is measured separately, as recovery).
   Each miss is then attributed with the kernel's scheduler statistics of the gateway's loop
   thread (/proc/PID/task/PID/schedstat, sampled by the rig): when the thread waited on the
   run queue for at least STARVED_SHARE of the lateness, the machine did not give it a CPU
   (other work, the soak's own load, nice) and the miss is counted as `cpu_starved`; the others
   are the gateway's own and break the invariant. Both are reported.
2. Frames from invalid data. Per cycle (a 0x351 and the frames after it up to the next):
   - wire rules (decision_guard.hpp): CVL and DVL > 0, DVL < CVL, CVL <= cells x 3.65 V,
     CCL <= 150 A, DCL <= 200 A (the simulator's 315/318/317), and CCL 0 => CVL <= pack
     voltage (0x356 of this or the previous cycle, +PACK_TOL_V: a new snapshot may land
     between the 0x351 and the 0x356 of one cycle);
   - a held cycle (0x35A "offline", hold_safe) must have CCL 0 and the BMS-internal warning,
     may only happen when hold_safe is (possibly) the policy, and only while the data is in
     doubt (in a break/unknown window or up to RECOVERY_MAX_S after it). Held means offline in
     this cycle and the one before: the cycle whose 0x35A is the first to say offline sent its
     0x351 before the hold began (0x351 goes first in every cycle);
   - an online cycle more than STALE_S after a break began and before it ended carries data
     older than the stale timeout: invalid, whatever its values;
   - every cycle's 0x356 voltage and current and 0x355 SOC must equal one truth sample (same
     model step, within the wire's rounding) no older than STALE_S (held: no older than the
     start of the window before it). This catches a corrupted value that passed the CRC, a
     late reply paired with the wrong request, and frames resumed from pre-break data (the
     load changes during every break).
3. Recovery: from a window's end to the first 0x351 after it; at most RECOVERY_MAX_S (the
   serial link's reopen back-off reaches 30 s) or STARTUP_MAX_S after a restart.
"""
import bisect
import glob
import json
import os

DEADLINE_S = 1.5
STARVED_SHARE = 0.5
STALE_S = 5.0 + 0.5        # stale.timeout_ms (5 s) + 0.5 s for the check's own tick
RECOVERY_MAX_S = 35.0
STARTUP_MAX_S = 20.0
CELLS, OV_CELL_V, CCL_MAX_A, DCL_MAX_A = 16, 3.65, 150.0, 200.0
PACK_TOL_V = 0.02
TRUTH_TOL = {"pack_v": 0.011, "current_a": 0.051, "soc_pct": 0.011}


def read_frames(run_dir):
    """[(unix_s, id, bytes)] of every gateway process, sorted by time."""
    frames = []
    for path in glob.glob(os.path.join(run_dir, "gw-*.out")):
        with open(path, "rb") as f:
            for raw in f:
                line = raw.decode("ascii", "replace").strip()
                close, hash_ = line.find(") "), line.find("#")
                if not line.startswith("(") or close < 0 or hash_ < 3:
                    continue
                try:
                    frames.append((float(line[1:close]), int(line[hash_ - 3:hash_], 16),
                                   bytes.fromhex(line[hash_ + 1:])))
                except ValueError:
                    continue
    frames.sort(key=lambda f: f[0])
    return frames


def read_truth(path, mono_to_wall_s):
    """Sorted [(unix_s, pack_v, current_a, soc_pct)] from the simulator's truth file."""
    out = []
    try:
        with open(path) as f:
            for line in f:
                try:
                    j = json.loads(line)
                except ValueError:
                    continue  # a line cut by a simulator stopped mid-write
                out.append((j["t_ms"] / 1000.0 + mono_to_wall_s, j["pack_v"], j["current_a"],
                            j["soc_pct"]))
    except OSError:
        pass
    out.sort()
    return out


def _u16(d, i):
    return d[i] | d[i + 1] << 8


def _s16(d, i):
    v = _u16(d, i)
    return v - 0x10000 if v & 0x8000 else v


def decode_cycle(frames):
    """Values of one cycle: limits, measurements, SOC, alarm flags."""
    c = {}
    for t, fid, d in frames:
        if fid == 0x351 and len(d) >= 8:
            c.update(t=t, cvl=_u16(d, 0) / 10, ccl=_s16(d, 2) / 10, dcl=_s16(d, 4) / 10,
                     dvl=_u16(d, 6) / 10)
        elif fid == 0x356 and len(d) >= 4:
            c.update(pack_v=_s16(d, 0) / 100, current_a=_s16(d, 2) / 10)
        elif fid == 0x355 and len(d) >= 6:
            c.update(soc_pct=_u16(d, 4) / 100)
        elif fid == 0x35A and len(d) >= 8:
            c.update(offline=((d[7] >> 2) & 3) == 1, bms_internal_warning=((d[6] >> 6) & 3) == 1)
    return c


class Judge:
    def __init__(self, frames, windows, policy_log, truth, run_start, run_end, sched=()):
        self.frames = frames
        self.windows = [w for w in windows if w["end"] is not None]
        self.policy_log = sorted(policy_log, key=lambda p: p["t"])
        self.truth = truth
        self.truth_t = [s[0] for s in truth]
        self.run_start, self.run_end = run_start, run_end
        self.t351 = [f[0] for f in frames if f[1] == 0x351]
        self.sched = sorted(sched)  # (unix_s, epoch, cpu_ns, wait_ns) of the loop thread
        self.findings = {k: [] for k in ("missed_deadline", "invalid_frame", "no_recovery",
                                         "cpu_starved")}

    # --- helpers -------------------------------------------------------------------------------

    def first_351_after(self, t):
        i = bisect.bisect_right(self.t351, t)
        return self.t351[i] if i < len(self.t351) else None

    def excused(self):
        out = [(self.run_start, self.first_351_after(self.run_start) or self.run_end)]
        for w in self.windows:
            if w["kind"] in ("break", "unknown", "gw_down"):
                out.append((w["start"], self.first_351_after(w["end"]) or self.run_end))
        return out

    def policies_at(self, t):
        i = bisect.bisect_right([p["t"] for p in self.policy_log], t) - 1
        return set(self.policy_log[i]["possible"]) if i >= 0 else {"stop_transmitting"}

    def _note(self, kind, t, text):
        self.findings[kind].append({"t": round(t, 3), "what": text})

    # --- 1. deadlines --------------------------------------------------------------------------

    def deadlines(self):
        excused = self.excused()

        def is_excused(x):
            return any(s <= x <= e for s, e in excused)

        judged = []  # (interval, start) from a 0x351 sent while valid to the next 0x351
        ends = self.t351[1:] + [self.run_end]
        for a, b in zip(self.t351, ends):
            due = a + DEADLINE_S
            if is_excused(a) or is_excused(min(b, due)) or min(b, due) > self.run_end:
                continue
            judged.append((b - a, a))
            if b > due:
                wait_s = self._run_queue_wait_s(a, b)
                late_s = b - a - 1.0
                text = (f"no 0x351 from {a:.3f} for {b - a:.3f} s; the loop thread waited "
                        f"{wait_s if wait_s is None else round(wait_s, 3)} s for a CPU")
                starved = wait_s is not None and wait_s >= STARVED_SHARE * late_s
                self._note("cpu_starved" if starved else "missed_deadline", a, text)
        gaps = sorted(g for g, _ in judged)
        worst = max(judged) if judged else None
        wait_s = self._run_queue_wait_s(worst[1], worst[1] + worst[0]) if worst else None
        wait_ms = round(wait_s * 1000, 1) if wait_s is not None else None
        return {
            "frames_351": len(self.t351),
            "judged_intervals": len(judged),
            "max_gap_judged_ms": round(worst[0] * 1000, 1) if worst else None,
            "max_gap_loop_run_queue_wait_ms": wait_ms,
            "p50_gap_judged_ms": round(gaps[len(gaps) // 2] * 1000, 1) if gaps else None,
            "p99_gap_judged_ms": round(gaps[int(len(gaps) * 0.99)] * 1000, 1) if gaps else None,
            "gaps_over_1100ms_judged": sum(1 for g in gaps if g > 1.1),
            "missed": len(self.findings["missed_deadline"]),
            "missed_cpu_starved": len(self.findings["cpu_starved"]),
            "judged_over_3000ms": sum(1 for g in gaps if g > 3.0),
        }

    def _run_queue_wait_s(self, a, b):
        """Run-queue wait of the loop thread between the samples around (a, b), or None."""
        before = [x for x in self.sched if x[0] <= a]
        after = [x for x in self.sched if x[0] >= b]
        if not before or not after or before[-1][1] != after[0][1]:
            return None
        return (after[0][3] - before[-1][3]) / 1e9

    # --- 2. frames from invalid data -----------------------------------------------------------

    def cycles(self):
        idx = [i for i, f in enumerate(self.frames) if f[1] == 0x351]
        for k, i in enumerate(idx):
            j = idx[k + 1] if k + 1 < len(idx) else len(self.frames)
            yield decode_cycle(self.frames[i:j])

    def _window_at(self, t, kinds, after_s=0.0):
        for w in self.windows:
            if w["kind"] in kinds and w["start"] <= t < w["end"] + after_s:
                return w
        return None

    def _truth_match(self, c, since):
        lo = bisect.bisect_left(self.truth_t, since)
        hi = bisect.bisect_right(self.truth_t, c["t"] + 0.05)
        for s in self.truth[lo:hi]:
            if (abs(s[1] - c["pack_v"]) <= TRUTH_TOL["pack_v"]
                    and abs(s[2] - c["current_a"]) <= TRUTH_TOL["current_a"]
                    and ("soc_pct" not in c or abs(s[3] - c["soc_pct"]) <= TRUTH_TOL["soc_pct"])):
                return True
        return False

    def invalid_frames(self):
        stats = {"cycles": 0, "held_cycles": 0, "truth_checked": 0, "break_frames_after_stale": 0}
        prev_pack_v = None
        prev_offline = False
        for c in self.cycles():
            t = c["t"]
            stats["cycles"] += 1
            pack_v = c.get("pack_v")
            self._wire_rules(c, max(v for v in (pack_v, prev_pack_v, 0.0) if v is not None))
            prev_pack_v = pack_v
            offline = c.get("offline", False)
            held = offline and prev_offline
            prev_offline = offline
            brk = self._window_at(t, ("break",))
            if held:
                stats["held_cycles"] += 1
                self._held_rules(c)
            elif brk and t > brk["start"] + STALE_S and not offline:
                stats["break_frames_after_stale"] += 1
                self._note("invalid_frame", t, f"online frame {t - brk['start']:.1f} s into "
                           f"{brk['name']}: data older than the stale timeout")
            if pack_v is None or "current_a" not in c:
                continue
            doubt = self._window_at(t, ("break", "unknown"), RECOVERY_MAX_S)
            since = (doubt["start"] - STALE_S) if (offline and doubt) else t - STALE_S
            stats["truth_checked"] += 1
            if not self._truth_match(c, since):
                self._note("invalid_frame", t, "values match no battery state of the last "
                           f"{t - since:.1f} s: {pack_v:.2f} V {c['current_a']:.1f} A "
                           f"SOC {c.get('soc_pct', float('nan')):.2f} %"
                           + (" (held)" if held else ""))
        stats["invalid"] = len(self.findings["invalid_frame"])
        return stats

    def _wire_rules(self, c, pack_v):
        t = c["t"]
        bad = []
        if not c["cvl"] > 0 or not c["dvl"] > 0:
            bad.append("CVL or DVL is 0")
        if c["dvl"] >= c["cvl"]:
            bad.append("DVL not below CVL")
        if c["cvl"] > CELLS * OV_CELL_V + 1e-9:
            bad.append(f"CVL {c['cvl']} V above {CELLS} x {OV_CELL_V} V")
        if c["ccl"] > CCL_MAX_A or c["dcl"] > DCL_MAX_A or c["ccl"] < 0 or c["dcl"] < 0:
            bad.append(f"CCL {c['ccl']} A / DCL {c['dcl']} A outside 0..{CCL_MAX_A}/{DCL_MAX_A}")
        if c["ccl"] == 0 and c["cvl"] > pack_v + PACK_TOL_V:
            bad.append(f"CCL 0 with CVL {c['cvl']} V above the pack's {pack_v} V")
        for b in bad:
            self._note("invalid_frame", t, "wire rule: " + b)

    def _held_rules(self, c):
        t = c["t"]
        if c["ccl"] != 0:
            self._note("invalid_frame", t, f"held (offline) with CCL {c['ccl']} A")
        if not c.get("bms_internal_warning"):
            self._note("invalid_frame", t, "held (offline) without the BMS-internal warning")
        if "hold_safe" not in self.policies_at(t):
            self._note("invalid_frame", t, "held frame while the policy is stop_transmitting")
        if not self._window_at(t, ("break", "unknown"), RECOVERY_MAX_S):
            self._note("invalid_frame", t, "held frame with no BMS fault in sight")

    # --- 3. recovery ---------------------------------------------------------------------------

    def recovery(self):
        out = {}
        for w in self.windows:
            first = self.first_351_after(w["end"])
            limit = STARTUP_MAX_S if w["kind"] == "gw_down" else RECOVERY_MAX_S
            if first is None or first - w["end"] > limit:
                if w["end"] + limit < self.run_end:
                    self._note("no_recovery", w["end"], f"no 0x351 within {limit} s after "
                               f"{w['name']} ended")
                continue
            r = out.setdefault(w["name"], [])
            r.append(first - w["end"])
        return {k: {"n": len(v), "max_s": round(max(v), 2), "mean_s": round(sum(v) / len(v), 2)}
                for k, v in sorted(out.items())}

    def stop_times(self):
        """For each break: how long after its start the last online 0x351 went out."""
        out = []
        cyc = list(self.cycles())
        for w in self.windows:
            if w["kind"] != "break":
                continue
            online = [c["t"] for c in cyc if w["start"] <= c["t"] <= w["end"]
                      and not c.get("offline", False)]
            out.append(round((max(online) - w["start"]) if online else 0.0, 2))
        return {"n": len(out), "max_s": max(out) if out else None}


def judge(run_dir, windows, policy_log, mono_to_wall_s, run_start, run_end, sched=()):
    frames = read_frames(run_dir)
    truth = read_truth(os.path.join(run_dir, "truth.jsonl"), mono_to_wall_s)
    j = Judge(frames, windows, policy_log, truth, run_start, run_end, sched)
    result = {
        "deadlines": j.deadlines(),
        "frames": j.invalid_frames(),
        "recovery_s": j.recovery(),
        "last_online_frame_after_break_start_s": j.stop_times(),
        "frames_total": len(frames),
        "truth_samples": len(truth),
    }
    result["findings"] = {k: v[:20] for k, v in j.findings.items()}
    result["counts"] = {k: len(v) for k, v in j.findings.items()}
    return result
