"""The soak's fault schedule: a deterministic list of blocks drawn from a seed.

A cycle runs every kind of fault once, in a seeded random order; each block is followed by a
settle time. The short profile (the ctest test) runs one cycle with short durations and always
races a kill -9 with a configuration write; the long profile repeats cycles until its duration
and kills the gateway every `kill_every` cycles only, so that memory can be watched over epochs
of several minutes.

Block kinds, and what they mean for the data the gateway holds:
  unplug_silent  the simulator stops answering (`fault silent on`): no data      -> break
  unplug_pty     the simulator exits (pty closed) and comes back on a new pty     -> break
  corrupt_light  0.3 % of reply bytes get a bit flipped: CRC errors, retries      -> valid
  corrupt_heavy  5 % of reply bytes flipped: most replies fail, the link may drop -> unknown
  late_short     replies 120 ms late, inside the 250 ms reply timeout             -> valid
  late_long      replies 600 ms late, beyond the timeout: stale replies on the line -> unknown
  broker_down    mosquitto killed, restarted on the same port                     -> valid
  disk_full      the state directory's disk full, a config change tried, freed    -> valid
                 (with, in the short run and half the long ones, a 4 s silent BMS inside)
  http_burst     HTTP readers, WebSocket churn, logins                            -> valid
  kill9          kill -9 of the gateway (maybe mid config write), state checked, restart
Before a break the stale policy is set through the API (the short run: hold_safe for the silent
BMS, stop_transmitting for the closed pty). During a break the simulator's load changes, so a
frame resumed from pre-break data would disagree with the battery's true current afterwards.
"""
import random

KINDS = ["unplug_silent", "unplug_pty", "corrupt_light", "corrupt_heavy", "late_short",
         "late_long", "broker_down", "disk_full", "http_burst", "kill9"]

# The load currents the simulator switches between (A, + = charging): small enough that the
# LiFePO4 cells stay mid-range (3.25-3.35 V), where hold_safe is allowed to hold.
LOADS_A = [-30, -15, 15, 30]
START_LOAD_A = -15
POLICIES = ["hold_safe", "stop_transmitting"]

SHORT = {  # seconds (fixed: the ctest test is the same run every time for one seed)
    "unplug_silent": 7.0, "unplug_pty": 3.0, "corrupt_light": 5.0, "corrupt_heavy": 4.0,
    "late_short": 4.0, "late_long": 5.0, "broker_down": 4.0, "disk_full": 11.0,
    "http_burst": 6.0, "kill9": 1.0, "settle": 2.0}
LONG = {  # (min, max) seconds
    "unplug_silent": (7, 12), "unplug_pty": (3, 8), "corrupt_light": (8, 12),
    "corrupt_heavy": (5, 8), "late_short": (6, 10), "late_long": (6, 9), "broker_down": (6, 10),
    "disk_full": (10, 20), "http_burst": (8, 14), "kill9": (1, 3), "settle": (3, 6)}


def _block(kind, rng, profile, load):
    if profile == "short":
        seconds, settle = SHORT[kind], SHORT["settle"]
    else:
        seconds, settle = rng.uniform(*LONG[kind]), rng.uniform(*LONG["settle"])
    b = {"kind": kind, "seconds": round(seconds, 2), "settle_s": round(settle, 2)}
    if kind in ("unplug_silent", "unplug_pty"):
        b["load_a"] = load.next(rng)
        # The short run holds through the silent BMS and goes quiet when the pty closes, so
        # both stale policies meet a break every time.
        b["policy"] = ({"unplug_silent": "hold_safe", "unplug_pty": "stop_transmitting"}[kind]
                       if profile == "short" else rng.choice(POLICIES))
    if kind == "kill9":
        b["race_config_write"] = profile == "short" or rng.random() < 0.5
        b["race_delay_ms"] = rng.randint(0, 15)
    if kind == "http_burst":
        b["policy"] = rng.choice(POLICIES)
    if kind == "disk_full":
        b["deadband_v"] = round(rng.uniform(0.01, 0.2), 3)
        # A BMS that drops out while the disk is full: its alert edge is a history write that
        # must fail cleanly (and the energy counters' 10 s save fails in any case).
        b["unplug_s"] = 4.0 if profile == "short" or rng.random() < 0.5 else 0.0
        b["load_a"] = load.next(rng) if b["unplug_s"] else load.now
    return b


class _Load:
    """The simulator's load through the schedule: each break switches to a different one."""

    def __init__(self):
        self.now = START_LOAD_A

    def next(self, rng):
        self.now = rng.choice([a for a in LOADS_A if a != self.now])
        return self.now


def make_schedule(seed, profile, minutes=25.0, kill_every=3):
    """The list of blocks for one run."""
    rng = random.Random(seed)
    load = _Load()
    blocks, total_s, cycle = [], 0.0, 0
    budget_s = minutes * 60.0
    while True:
        kinds = list(KINDS)
        if profile != "short" and cycle % kill_every != kill_every - 1:
            kinds.remove("kill9")
        rng.shuffle(kinds)
        for kind in kinds:
            b = _block(kind, rng, profile, load)
            b["cycle"] = cycle
            blocks.append(b)
            total_s += b["seconds"] + b["settle_s"]
        cycle += 1
        if profile == "short" or total_s >= budget_s:
            return blocks
