"""Runs one block of the schedule against the rig, recording its window.

Window kinds (soak_check.py judges frames by them):
  break    the BMS gives no data at all: frames must stop (or be held safe) within the stale
           timeout of the window's start;
  unknown  the link may or may not deliver data (heavy corruption, replies later than the
           timeout): deadlines are not judged, every frame is still checked against the truth;
  valid    the BMS data stays valid (the fault is elsewhere): 0x351 deadlines are judged;
  gw_down  the gateway is killed and restarting: nothing is judged.
The start of a break is taken when the fault is in force (the simulator answered the command,
or exited), its end when the command to end it is sent: both lenient towards the gateway.
"""
import json
import os
import time

from soak_load import Api, Counters, fire_and_forget_patch
from soak_state import check_state

OTHER_POLICY = {"hold_safe": "stop_transmitting", "stop_transmitting": "hold_safe"}


class BlockRunner:
    def __init__(self, rig, load):
        self.rig = rig
        self.load = load
        self.state_checks = []      # one per kill -9 (and the final stop)
        self.disk_full_patches = []  # what a config change did while the disk was full
        self.policy_now = "stop_transmitting"
        self.epoch_diagnostics = []  # the gateway's own counters, before each process ends
        self._energy = None
        self._corrupt_seen = set()

    def run(self, block):
        getattr(self, "_" + block["kind"])(block)
        time.sleep(block["settle_s"])

    # --- BMS link ------------------------------------------------------------------------------

    def _unplug_silent(self, b):
        self.set_policy(b["policy"])
        self._silent(b["kind"], b["seconds"], b["load_a"])

    def _silent(self, name, seconds, load_a):
        r = self.rig
        r.sim_command("fault silent on")
        w = r.open_window("break", name)
        r.set_load(load_a)  # the battery moves on while nobody watches it
        time.sleep(seconds)
        r.close_window(w)
        r.sim_command("fault silent off")

    def _unplug_pty(self, b):
        r = self.rig
        self.set_policy(b["policy"])
        soc = r.sim_soc_pct()
        r.stop_sim()
        w = r.open_window("break", b["kind"])
        time.sleep(b["seconds"])
        r.sim_load_a = float(b["load_a"])
        r.start_sim(soc_pct=soc)
        r.close_window(w)

    def _link_fault(self, b, kind, on, off):
        r = self.rig
        w = r.open_window(kind, b["kind"], start=time.time())
        r.sim_command(on)
        time.sleep(b["seconds"])
        r.close_window(w)
        r.sim_command(off)

    def _corrupt_light(self, b):
        self._link_fault(b, "valid", "fault corrupt 0.003", "fault corrupt 0")

    def _corrupt_heavy(self, b):
        self._link_fault(b, "unknown", "fault corrupt 0.05", "fault corrupt 0")

    def _late_short(self, b):
        self._link_fault(b, "valid", "fault late 120", "fault late 0")

    def _late_long(self, b):
        self._link_fault(b, "unknown", "fault late 600", "fault late 0")

    # --- broker, disk, HTTP --------------------------------------------------------------------

    def _broker_down(self, b):
        r = self.rig
        w = r.open_window("valid", b["kind"])
        r.stop_broker()
        time.sleep(b["seconds"])
        r.start_broker()
        r.close_window(w)

    def _disk_full(self, b):
        r = self.rig
        w = r.open_window("valid", b["kind"])
        config = os.path.join(r.state_dir, "config.json")
        r.disk.fill(r.gw.pid if r.gw else None)
        time.sleep(b["seconds"] / 2)
        before = _read_bytes(config)
        status = self.load.patch_config({"mqtt.deadband_voltage_v": b["deadband_v"]})
        after = _read_bytes(config)
        saved = after is not None and str(b["deadband_v"]) in after.decode("utf-8", "replace")
        self.disk_full_patches.append({
            "status": status, "config_changed": before != after, "value_saved": saved,
            # A change the API confirmed must be on disk; a refused one must leave it alone.
            "consistent": (status == 200 and saved) or (status != 200 and before == after)})
        if b["unplug_s"]:
            self._silent("disk_full+unplug", b["unplug_s"], b["load_a"])
        time.sleep(max(0.0, b["seconds"] / 2 - b["unplug_s"]))
        r.disk.free(r.gw.pid if r.gw else None)
        r.close_window(w)

    def _http_burst(self, b):
        r = self.rig
        w = r.open_window("valid", b["kind"])
        self.load.burst(b["seconds"])
        self.set_policy(b["policy"])
        time.sleep(b["seconds"])
        r.close_window(w)

    def set_policy(self, policy):
        r = self.rig
        r.policy([self.policy_now, policy])
        status = self.load.patch_config({"stale.policy": policy})
        if status == 200:
            self.policy_now = policy
        r.policy([self.policy_now])

    # --- kill -9 -------------------------------------------------------------------------------

    def diagnostics(self, when):
        """The gateway's own counters (CAN cadence, storage) before its process ends."""
        got = Api(self.rig.target, Counters(), timeout_s=5).request("GET", "/api/diagnostics")
        if got and got[0] == 200:
            d = json.loads(got[1])
            out = d.get("can", {}).get("output", {})
            st = d.get("storage", {})
            self.epoch_diagnostics.append({
                "epoch": len(self.rig.epochs), "when": when,
                "keepalive_late": out.get("keepalive_late"),
                "cadence_max_us": out.get("cadence", {}).get("max_us"),
                "invalidations": out.get("invalidations"),
                "history_health": st.get("health"), "history_reason": st.get("reason"),
                "history_write_failures": st.get("write_failures"),
                "history_rows_dropped_unwritable": st.get("dropped_unwritable"),
                "history_rows": st.get("rows")})

    def _kill9(self, b):
        r = self.rig
        self.diagnostics("before kill -9")
        sock = None
        if b.get("race_config_write") and r.target.up:
            new = OTHER_POLICY[self.policy_now]
            r.policy([self.policy_now, new])
            try:
                sock = fire_and_forget_patch(r.target.port, r.target.token, {"stale.policy": new})
            except OSError:
                sock = None
            time.sleep(b["race_delay_ms"] / 1000.0)
        killed_at = r.kill_gateway()
        w = r.open_window("gw_down", "kill9", start=killed_at)
        if sock is not None:
            sock.close()
        self.check_state("after kill -9")
        time.sleep(b["seconds"])
        # The new process applies whatever the file says: that settles the raced change.
        self.policy_now = self._policy_in_file()
        r.start_gateway()
        r.policy([self.policy_now], t=r.epochs[-1]["start"])
        r.close_window(w, end=r.epochs[-1]["start"])

    def _policy_in_file(self):
        try:
            with open(os.path.join(self.rig.state_dir, "config.json")) as f:
                return json.load(f).get("settings", {}).get("stale.policy", "stop_transmitting")
        except (OSError, ValueError):
            return self.policy_now

    def check_state(self, when):
        c = check_state(self.rig.state_dir, self._energy)
        c["when"] = when
        c["t"] = time.time()
        c["epoch"] = len(self.rig.epochs)
        new_corrupt = set(c["corrupt_files"]) - self._corrupt_seen
        self._corrupt_seen |= new_corrupt
        c["new_corrupt_files"] = sorted(new_corrupt)
        if new_corrupt:
            c["problems"].append("the gateway moved aside: " + ", ".join(sorted(new_corrupt)))
        if c.get("energy"):
            self._energy = c["energy"]
        self.state_checks.append(c)
        return c


def _read_bytes(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None
