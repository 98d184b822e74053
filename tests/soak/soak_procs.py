"""Child processes of the fault soak: the real tinybms-sim, tinybms-gw and mosquitto.

Every child is started in its own session (so a signal reaches it and only it) with
PR_SET_PDEATHSIG = SIGKILL, so a driver killed by a ctest timeout (SIGKILL, no cleanup code
runs) does not leave a gateway or a broker behind. PDEATHSIG fires when the *thread* that forked
the child exits, so every child is started from the driver's main thread. Output pipes are
drained by one reader thread each: a child never blocks on a full pipe.
"""
import ctypes
import os
import re
import resource
import signal
import socket
import subprocess
import threading
import time

_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def free_port():
    """A loopback TCP port nobody listens on now (the kernel's choice)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def _child_setup(ignore_xfsz, fsize_limit_bytes):
    # Runs in the child between fork and exec.
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if ignore_xfsz:
        # A file size limit (the fallback "disk full") must fail writes with EFBIG rather than
        # kill the gateway with SIGXFSZ; an ignored signal stays ignored across exec.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    if fsize_limit_bytes is not None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize_limit_bytes, resource.RLIM_INFINITY))


class Child:
    """One process; stdout and stderr are drained into files (stderr lines time-stamped)."""

    def __init__(self, name, argv, log_dir, on_stdout_line=None, stdin=False,
                 ignore_xfsz=False, fsize_limit_bytes=None):
        self.name = name
        self.argv = argv
        self.started_at = time.time()
        self.exited_at = None  # when its stdout closed (it exited, or closed stdout)
        self.err_lines = []  # (unix_s, text), also in LOG_DIR/NAME.err
        self._err_lock = threading.Lock()
        self._on_stdout_line = on_stdout_line
        self._out_file = open(os.path.join(log_dir, name + ".out"), "ab")
        self._err_file = open(os.path.join(log_dir, name + ".err"), "ab")
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0, start_new_session=True,
            preexec_fn=lambda: _child_setup(ignore_xfsz, fsize_limit_bytes))
        self.pid = self.proc.pid
        self._threads = [
            threading.Thread(target=self._drain_out, daemon=True),
            threading.Thread(target=self._drain_err, daemon=True),
        ]
        for t in self._threads:
            t.start()

    def _lines(self, pipe):
        buf = b""
        while True:
            try:
                data = os.read(pipe.fileno(), 65536)
            except OSError:
                data = b""
            if not data:
                if buf:
                    yield buf
                return
            buf += data
            *lines, buf = buf.split(b"\n")
            yield from lines

    def _drain_out(self):
        for line in self._lines(self.proc.stdout):
            self._out_file.write(line + b"\n")
            if self._on_stdout_line:
                self._on_stdout_line(line.decode("utf-8", "replace"))
        self._out_file.flush()
        self.exited_at = time.time()

    def _drain_err(self):
        for line in self._lines(self.proc.stderr):
            now = time.time()
            text = line.decode("utf-8", "replace")
            with self._err_lock:
                self.err_lines.append((now, text))
            self._err_file.write(b"%.6f " % now + line + b"\n")
            self._err_file.flush()

    def write_line(self, text):
        try:
            self.proc.stdin.write((text + "\n").encode())
            self.proc.stdin.flush()
        except (OSError, AttributeError, ValueError):
            pass

    def wait_for_stderr(self, pattern, timeout_s, since_s=0.0):
        """The first stderr line matching the regex `pattern` logged at or after since_s."""
        rx = re.compile(pattern)
        end = time.time() + timeout_s
        while time.time() < end:
            with self._err_lock:
                for t, text in self.err_lines:
                    if t >= since_s and rx.search(text):
                        return t, text
            if not self.running():
                return None
            time.sleep(0.05)
        return None

    def stderr_matching(self, pattern):
        rx = re.compile(pattern)
        with self._err_lock:
            return [(t, s) for t, s in self.err_lines if rx.search(s)]

    def running(self):
        return self.proc.poll() is None

    def send_signal(self, sig):
        if self.running():
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self, sig=signal.SIGTERM, timeout_s=10.0):
        """Signals the child and waits; SIGKILL if it outlives timeout_s. Returns the exit code."""
        self.send_signal(sig)
        try:
            code = self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.send_signal(signal.SIGKILL)
            code = self.proc.wait()
        for t in self._threads:
            t.join(timeout=5)
        for f in (self._out_file, self._err_file):
            f.close()
        if self.proc.stdin:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        return code


def rss_kb(pid):
    """VmRSS of a live process in kB, or None."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None
