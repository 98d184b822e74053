"""The gateway's state directory, and how the soak fills and frees its disk.

Two ways, chosen once at set-up:
  tmpfs  a small tmpfs is mounted on the state directory (needs mount rights: root, as in the
         project's CI); "full" is a filler file written until the kernel says ENOSPC, "freed"
         deletes it. Every write of the gateway (SQLite, energy counters, config) fails with a
         real ENOSPC, as on a full SD card.
  fsize  fallback without mount rights: the gateway's RLIMIT_FSIZE is lowered to 1 byte with
         prlimit(2) (the gateway is started with SIGXFSZ ignored, so writes fail with EFBIG
         instead of killing it), and restored to unlimited to free. This limits every file
         the process writes, so the CAN log goes through a pipe, never a file (see soak.py).
"""
import errno
import os
import resource
import subprocess

TMPFS_SIZE_MB = 64


class StateDisk:
    def __init__(self, path, mode="auto"):
        self.path = path
        self.mode = None
        self.full = False
        self._want = mode
        self._filler = os.path.join(path, "soak-filler.bin")

    def setup(self):
        os.makedirs(self.path, exist_ok=True)
        if self._want in ("auto", "tmpfs"):
            r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE_MB}m,mode=0700",
                                "soak-state", self.path],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if r.returncode == 0:
                self.mode = "tmpfs"
                return self.mode
            if self._want == "tmpfs":
                raise RuntimeError("mount tmpfs failed: " + r.stderr.decode().strip())
        self.mode = "fsize"
        return self.mode

    def fill(self, gw_pid):
        """Makes the state directory's disk full (tmpfs) or the gateway's files unwritable."""
        self.full = True
        if self.mode == "tmpfs":
            chunk = b"\0" * (1 << 20)
            with open(self._filler, "wb", buffering=0) as f:
                try:
                    while True:
                        f.write(chunk)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                # The last partial megabyte: fill to the last block.
                try:
                    while True:
                        f.write(b"\0" * 4096)
                except OSError:
                    pass
        elif gw_pid:
            self._set_fsize(gw_pid, 1)

    def free(self, gw_pid):
        self.full = False
        if self.mode == "tmpfs":
            try:
                os.unlink(self._filler)
            except FileNotFoundError:
                pass
        elif gw_pid:
            self._set_fsize(gw_pid, resource.RLIM_INFINITY)

    def child_fsize_limit(self):
        """The RLIMIT_FSIZE a gateway started now must get (None: unlimited)."""
        return 1 if (self.mode == "fsize" and self.full) else None

    @staticmethod
    def _set_fsize(pid, soft):
        try:
            resource.prlimit(pid, resource.RLIMIT_FSIZE, (soft, resource.RLIM_INFINITY))
        except (ProcessLookupError, PermissionError):
            pass

    def teardown(self):
        if self.mode == "tmpfs":
            try:
                os.unlink(self._filler)
            except FileNotFoundError:
                pass
            # Lazy unmount: a child that has not exited yet must not make cleanup fail.
            subprocess.run(["umount", "-l", self.path], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            self.mode = None
