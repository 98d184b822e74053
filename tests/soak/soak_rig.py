"""The soak's rig: the simulator on a pty behind a symlink, the gateway, the broker, the state
disk, and the record of what happened when (windows, events, epochs, RSS samples).

The gateway reads the BMS through RUN/bms-tty, a symlink to the simulator's current pty: when
the simulator exits (the pty closes, like a USB adapter pulled out) and a new one starts, the
symlink is switched and the gateway's serial link finds the new pty by reopening the same path,
as it would find a udev name that comes back. CAN frames arrive on the gateway's stdout
(`--can log:-`, candump -L lines with the gateway's own time stamps) and are kept in
RUN/gw-EPOCH.out: a pipe rather than a file, because the fallback "disk full" (RLIMIT_FSIZE)
would refuse the gateway's writes to any file.
"""
import json
import os
import queue
import signal
import threading
import time

from soak_disk import StateDisk
from soak_procs import Child, free_port, port_open, rss_kb
from soak_schedule import START_LOAD_A

CELLS = 16
SAMPLE_S = 0.5  # RSS and scheduler statistics of the gateway this often
START_SOC_PCT = 60.0


class Target:
    """What the load clients need to reach the running gateway."""
    port = None
    token = ""
    password_file = ""
    up = False

    @property
    def password(self):
        """The generated admin password (written by the gateway's first start)."""
        try:
            with open(self.password_file) as f:
                return f.read().strip()
        except OSError:
            return ""


class Rig:
    def __init__(self, gw_bin, sim_bin, run_dir, seed, disk_mode="auto", seed_settings=None):
        self.gw_bin, self.sim_bin = gw_bin, sim_bin
        self.run_dir = run_dir
        self.seed = seed
        self.state_dir = os.path.join(run_dir, "state")
        self.tty_link = os.path.join(run_dir, "bms-tty")
        self.truth_file = os.path.join(run_dir, "truth.jsonl")
        self.disk = StateDisk(self.state_dir, disk_mode)
        self.seed_settings = dict(seed_settings or {})
        self.target = Target()
        self.windows = []      # {"kind", "name", "start", "end"}
        self.events = []       # {"t", "kind", ...}
        self.policy_log = []   # {"t", "possible": [policies]}: what the gateway may apply from t
        self.epochs = []       # one per gateway process
        self.rss = []          # (unix_s, epoch, rss_kb, cpu_ticks)
        self.sched = []        # (unix_s, epoch, loop thread's cpu_ns, run-queue wait_ns)
        self.sim = self.gw = self.broker = None
        self.sim_load_a = float(START_LOAD_A)
        self.broker_port = free_port()
        self._sim_replies = queue.Queue()
        self._sim_count = 0
        self._broker_count = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    # --- record --------------------------------------------------------------------------------

    def event(self, kind, **kw):
        e = dict(t=time.time(), kind=kind, **kw)
        self.events.append(e)
        return e

    def open_window(self, kind, name, start=None):
        w = {"kind": kind, "name": name, "start": start or time.time(), "end": None}
        self.windows.append(w)
        return w

    @staticmethod
    def close_window(w, end=None):
        w["end"] = end or time.time()

    def policy(self, possible, t=None):
        self.policy_log.append({"t": t or time.time(), "possible": sorted(set(possible))})

    # --- set-up --------------------------------------------------------------------------------

    def setup(self):
        os.makedirs(self.run_dir, exist_ok=True)
        self.event("disk_mode", mode=self.disk.setup())
        # The gateway's own config file, seeded before its first start: energy saved every
        # 10 s (the minimum) so that kills and the full disk meet energy writes.
        with open(os.path.join(self.state_dir, "config.json"), "w") as f:
            json.dump({"schema_version": 1,
                       "settings": {"energy.persist_interval_s": 10, **self.seed_settings}}, f)
        self.target.token = self._make_token()
        self.target.password_file = os.path.join(self.state_dir, "initial-password")
        self.policy(["stop_transmitting"])
        self.start_broker()
        self.start_sim()
        self._sampler.start()

    def _make_token(self):
        import subprocess
        r = subprocess.run([self.gw_bin, "token", "create", "--name", "soak",
                            "--state-dir", self.state_dir],
                           capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise RuntimeError("token create failed: " + r.stderr)
        # The token is the one word printed alone on a line (the rest is explanation).
        words = [ln.strip() for ln in r.stdout.splitlines() if ln.strip() and " " not in ln.strip()]
        if not words:
            raise RuntimeError("no token in: " + r.stdout)
        return words[-1]

    # --- simulator -----------------------------------------------------------------------------

    def _sim_line(self, line):
        self._sim_replies.put(line)

    def start_sim(self, soc_pct=START_SOC_PCT):
        self._sim_count += 1
        self._sim_replies = queue.Queue()
        argv = [self.sim_bin, "--seed", str(self.seed), "--cells", str(CELLS),
                "--current", str(self.sim_load_a), "--soc", f"{soc_pct:.3f}",
                "--truth", self.truth_file]
        truth_size = os.path.getsize(self.truth_file) if os.path.exists(self.truth_file) else 0
        self.sim = Child(f"sim-{self._sim_count}", argv, self.run_dir,
                         on_stdout_line=self._sim_line, stdin=True)
        pty = self._sim_replies.get(timeout=20)
        if not pty.startswith("/dev/"):
            raise RuntimeError("simulator did not print its pty: " + pty)
        # Until its first model step the simulator's registers hold its construction state
        # (current 0 A whatever the load), which the truth file never shows: let one step pass
        # before anyone can read it.
        for _ in range(300):
            if os.path.exists(self.truth_file) and os.path.getsize(self.truth_file) > truth_size:
                break
            time.sleep(0.01)
        tmp = self.tty_link + ".new"
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(pty, tmp)
        os.replace(tmp, self.tty_link)  # atomic: the gateway sees the old or the new pty
        self.event("sim_start", pty=pty, soc_pct=soc_pct, load_a=self.sim_load_a)
        return pty

    def sim_command(self, line, timeout_s=5.0):
        """Sends one control command; returns the simulator's answer (applied by then)."""
        while not self._sim_replies.empty():
            self._sim_replies.get_nowait()
        self.sim.write_line(line)
        try:
            reply = self._sim_replies.get(timeout=timeout_s)
        except queue.Empty:
            reply = "(no answer)"
        self.event("sim_command", command=line, reply=reply)
        return reply

    def sim_soc_pct(self):
        reply = self.sim_command("status")
        for word in reply.split():
            if word.startswith("soc="):
                return float(word[4:].rstrip("%"))
        return START_SOC_PCT

    def set_load(self, current_a):
        self.sim_load_a = float(current_a)
        self.sim_command(f"load current {current_a}")

    def stop_sim(self):
        code = self.sim.stop(signal.SIGTERM)
        # Unplugged: the name goes away. Ptys are numbered from the lowest free one, so the
        # next simulator may get the same /dev/pts/N: without this the gateway could open it
        # before the new simulator's first model step (see start_sim).
        if os.path.lexists(self.tty_link):
            os.unlink(self.tty_link)
        self.event("sim_stop", code=code)

    # --- broker --------------------------------------------------------------------------------

    def start_broker(self):
        self._broker_count += 1
        conf = os.path.join(self.run_dir, "mosquitto.conf")
        with open(conf, "w") as f:
            # `user root`: a root mosquitto would otherwise switch to the mosquitto user, which
            # clears PDEATHSIG (and could not read this directory).
            f.write(f"listener {self.broker_port} 127.0.0.1\nallow_anonymous true\n"
                    "user root\npersistence false\n")
        self.broker = Child(f"broker-{self._broker_count}", ["/usr/sbin/mosquitto", "-c", conf],
                            self.run_dir)
        for _ in range(500):
            if port_open(self.broker_port):
                break
            time.sleep(0.01)
        self.event("broker_start", up=port_open(self.broker_port))

    def stop_broker(self, sig=signal.SIGKILL):
        code = self.broker.stop(sig)
        self.event("broker_stop", code=code)

    # --- gateway -------------------------------------------------------------------------------

    def start_gateway(self):
        n = len(self.epochs) + 1
        port = free_port()
        argv = [self.gw_bin, "--serial", self.tty_link, "--state-dir", self.state_dir,
                "--can", "log:-", "--http", f"127.0.0.1:{port}",
                "--mqtt", f"mqtt://127.0.0.1:{self.broker_port}", "--summary-interval-s", "0"]
        started = time.time()
        self.gw = Child(f"gw-{n}", argv, self.run_dir, ignore_xfsz=True,
                        fsize_limit_bytes=self.disk.child_fsize_limit())
        self.epochs.append({"n": n, "pid": self.gw.pid, "start": started, "end": None,
                            "how": None, "http_port": port, "disk_full_at_start": self.disk.full})
        self.target.port = port
        up = self.gw.wait_for_stderr(r"HTTP API listening", 20, since_s=started)
        self.target.up = up is not None and port_open(port)
        self.event("gw_start", epoch=n, pid=self.gw.pid, http_up=self.target.up)
        return self.target.up

    def _end_epoch(self, how, code):
        e = self.epochs[-1]
        e["end"], e["how"], e["exit_code"] = time.time(), how, code
        e["stopped_line"] = bool(self.gw.stderr_matching(r"stopped"))

    def kill_gateway(self):
        self.target.up = False
        t = time.time()
        code = self.gw.stop(signal.SIGKILL)
        self._end_epoch("kill -9", code)
        self.event("gw_kill", epoch=len(self.epochs))
        return t

    def stop_gateway(self):
        self.target.up = False
        code = self.gw.stop(signal.SIGTERM, timeout_s=20)
        self._end_epoch("SIGTERM", code)
        self.event("gw_stop", epoch=len(self.epochs), code=code)
        return code

    def _sample(self):
        while not self._stop.wait(SAMPLE_S):
            gw = self.gw
            if gw is None or not gw.running():
                continue
            now, epoch = time.time(), len(self.epochs)
            kb = rss_kb(gw.pid)
            ticks = _cpu_ticks(gw.pid)
            if kb is not None:
                self.rss.append((now, epoch, kb, ticks))
            sched = _loop_schedstat(gw.pid)
            if sched is not None:
                self.sched.append((now, epoch) + sched)

    # --- teardown ------------------------------------------------------------------------------

    def cleanup(self):
        """Stops everything this rig started; safe to call more than once, after any failure."""
        self._stop.set()
        for child in (self.gw, self.sim, self.broker):
            if child is not None and child.running():
                child.stop(signal.SIGTERM, timeout_s=10)
        self.disk.teardown()


def _loop_schedstat(pid):
    """(cpu_ns, run-queue wait_ns) of the gateway's loop thread (its main thread): the kernel's
    account of how long it was runnable but not running, which tells a late frame caused by a
    busy machine from one caused by the gateway."""
    try:
        with open(f"/proc/{pid}/task/{pid}/schedstat") as f:
            cpu_ns, wait_ns, _ = (int(x) for x in f.read().split())
        return cpu_ns, wait_ns
    except (OSError, ValueError):
        return None


def _cpu_ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime, clock ticks
    except (OSError, IndexError, ValueError):
        return None
