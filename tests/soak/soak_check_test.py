#!/usr/bin/env python3
"""The soak's judge (soak_check.py) on made-up frames: it must see every broken promise it
claims to count, and nothing in a clean run. No processes, no clock: runs in milliseconds."""
import os
import struct
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from soak_check import Judge  # noqa: E402

T0 = 1000.0
PACK_V, CURRENT_A, SOC = 53.12, -15.0, 60.0


def cycle(t, cvl=55.2, ccl=50.0, dcl=150.0, dvl=46.4, pack_v=PACK_V, current_a=CURRENT_A,
          soc=SOC, held=False):
    """The frames of one CAN cycle as the gateway sends them (0x351 first, 5 ms apart)."""
    alarms = bytearray(8)
    alarms[7] = 0x04 if held else 0x08        # system status: 01 offline, 10 online
    if held:
        alarms[6] = 0x40                      # BMS-internal warning active
    return [
        (t, 0x351, struct.pack("<HhhH", round(cvl * 10), round(ccl * 10), round(dcl * 10),
                               round(dvl * 10))),
        (t + 0.005, 0x355, struct.pack("<HHH", round(soc), 100, round(soc * 100))),
        (t + 0.010, 0x356, struct.pack("<hhh", round(pack_v * 100), round(current_a * 10), 250)),
        (t + 0.015, 0x35A, bytes(alarms)),
    ]


def truth(t_from, t_to, current_a=CURRENT_A):
    n = int((t_to - t_from) * 10)
    return [(t_from + i / 10, PACK_V, current_a, SOC) for i in range(n)]


def run(frames, windows=(), policy="stop_transmitting", truth_samples=None, end=None, sched=()):
    frames = sorted(frames)
    end = end or frames[-1][0] + 1.0
    j = Judge(frames, [dict(w) for w in windows], [{"t": 0.0, "possible": [policy]}],
              truth_samples if truth_samples is not None else truth(T0 - 10, end + 1), T0, end,
              sched)
    j.deadlines()
    j.invalid_frames()
    j.recovery()
    return {k: len(v) for k, v in j.findings.items()}


def steady(seconds, start=T0, **kw):
    return [f for i in range(int(seconds)) for f in cycle(start + i, **kw)]


class JudgeTest(unittest.TestCase):
    def test_clean_run_has_no_finding(self):
        self.assertEqual(run(steady(30)), {"missed_deadline": 0, "invalid_frame": 0,
                                           "no_recovery": 0, "cpu_starved": 0})

    def test_gap_while_valid_is_a_missed_deadline(self):
        frames = [f for f in steady(30) if not (T0 + 10 <= f[0] < T0 + 12)]
        self.assertEqual(run(frames)["missed_deadline"], 1)

    def test_gap_while_the_loop_waited_for_a_cpu_is_attributed_to_the_machine(self):
        frames = [f for f in steady(30) if not (T0 + 10 <= f[0] < T0 + 12)]
        ms = 1_000_000
        waited = [(T0 + 8.5, 1, 0, 5 * ms), (T0 + 12.5, 1, 0, 1500 * ms)]
        found = run(frames, sched=waited)
        self.assertEqual((found["missed_deadline"], found["cpu_starved"]), (0, 1))
        ran = [(T0 + 8.5, 1, 0, 5 * ms), (T0 + 12.5, 1, 0, 50 * ms)]
        found = run(frames, sched=ran)
        self.assertEqual((found["missed_deadline"], found["cpu_starved"]), (1, 0))

    def test_gap_inside_a_break_is_excused(self):
        frames = [f for f in steady(30) if not (T0 + 10 <= f[0] < T0 + 18)]
        brk = {"kind": "break", "name": "unplug", "start": T0 + 9.5, "end": T0 + 16}
        self.assertEqual(run(frames, [brk])["missed_deadline"], 0)

    def test_gap_during_a_valid_fault_is_not_excused(self):
        frames = [f for f in steady(30) if not (T0 + 10 <= f[0] < T0 + 12)]
        disk = {"kind": "valid", "name": "disk_full", "start": T0 + 5, "end": T0 + 20}
        self.assertEqual(run(frames, [disk])["missed_deadline"], 1)

    def test_online_frames_long_into_a_break_are_invalid(self):
        brk = {"kind": "break", "name": "unplug", "start": T0 + 10, "end": T0 + 20}
        found = run(steady(30), [brk], truth_samples=truth(T0 - 10, T0 + 40))
        self.assertGreaterEqual(found["invalid_frame"], 4)  # 16 s .. 20 s

    def test_held_frames_need_hold_safe_ccl_zero_and_the_warning(self):
        brk = {"kind": "break", "name": "unplug", "start": T0 + 10, "end": T0 + 20}
        held = steady(10) + [f for i in range(10, 20) for f in cycle(
            T0 + i, ccl=0.0, cvl=53.1, held=i >= 14)] + steady(10, start=T0 + 20)
        self.assertEqual(run(held, [brk], policy="hold_safe")["invalid_frame"], 0)
        # The first offline cycle's 0x351 went out before the hold began: 5 held cycles, not 6.
        self.assertEqual(run(held, [brk], policy="stop_transmitting")["invalid_frame"], 5)
        charging = [(t, i, struct.pack("<HhhH", 531, 100, 1500, 464) if i == 0x351 and
                     T0 + 14 <= t < T0 + 20 else d) for t, i, d in held]
        self.assertEqual(run(charging, [brk], policy="hold_safe")["invalid_frame"], 5)

    def test_values_unlike_the_battery_are_invalid(self):
        frames = steady(10) + steady(1, start=T0 + 10, current_a=30.0) + steady(5, start=T0 + 11)
        self.assertEqual(run(frames)["invalid_frame"], 1)

    def test_ccl_zero_with_cvl_above_the_pack_is_invalid(self):
        frames = steady(5) + steady(1, start=T0 + 5, ccl=0.0, cvl=55.2) + steady(5, start=T0 + 6)
        self.assertEqual(run(frames)["invalid_frame"], 1)

    def test_no_frame_after_a_fault_is_no_recovery(self):
        brk = {"kind": "break", "name": "unplug", "start": T0 + 10, "end": T0 + 12}
        self.assertEqual(run(steady(10), [brk], end=T0 + 60)["no_recovery"], 1)


if __name__ == "__main__":
    unittest.main()
