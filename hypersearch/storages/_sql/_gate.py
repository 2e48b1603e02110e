"""A blocking gate in front of SQLite write transactions shared by processes.

SQLite cannot wait for its write lock: a process that finds it taken gets
SQLITE_BUSY and must sleep and try again. Sleeps shorter than a write (20-100
us) burn CPU on failed tries; longer ones leave the lock idle. With more
processes than cores it is worse: the holder is preempted and every other
process spins. So writers first take an exclusive ``flock`` on a file beside the
database (``<file>-hslock``): a waiter retries it for a fifth of a millisecond,
about one write, then sleeps until the kernel wakes it at the release; SQLite's
own lock is then almost always free.

The gate only orders hypersearch's writers; SQLite's lock still guards the
data, so a writer that does not use the gate (another program, a process whose
lock file could not be opened) is handled by the usual retry. The kernel
releases a killed process's ``flock``.

A process stopped while it holds the gate (SIGSTOP, Ctrl-Z, a debugger, a
frozen VM) must not stall the others, and a ``flock`` cannot time out. So the
sleeping wait runs in a helper thread, and the writer waits for it at most
:data:`WAIT_SECONDS`; past that it writes without the gate (SQLite's own lock
and retry loop guard the data), as do the process's later writers until the
helper gets the gate, which it then hands straight back. (A process stopped
inside SQLite's own write transaction holds SQLite's lock: the others wait up
to the storage's ``timeout`` and then fail with an error saying so.)
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time

# A write holds the gate for 100-150 us here. A waiter that went to sleep is woken
# only after the release (a VM's wake-up is slow: the gate idled meanwhile), so it
# first retries for up to this long: 0.1 ms made 2/4/8 processes 1.22/1.09/1.13x
# faster than sleeping at once; 0.25 ms did better still at 8 (3,037 vs 2,627 trials/s).
SPIN_SECONDS = 0.0002
# The longest a writer sleeps at the gate before it writes without it. Eight
# processes on two busy cores queue for a few milliseconds; a stopped holder, for ever.
WAIT_SECONDS = 0.5


def _spin(fd: int) -> bool:
    """Try for the gate without sleeping for up to :data:`SPIN_SECONDS`; True if taken."""
    end = time.perf_counter() + SPIN_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.perf_counter() > end:
                return False


class _Sleeper:
    """A helper thread that sleeps in ``flock`` for the gate on a writer's behalf.

    States: ``idle``; ``asked`` (a writer waits); ``granted`` (the helper holds the
    gate for that writer); ``abandoned`` (the writer gave up: the helper releases
    the gate as soon as it gets it, then goes back to ``idle``).
    """

    def __init__(self, fd: int) -> None:
        # Its own descriptor of the same open file (so the same lock): it stays valid
        # while the helper waits, even after the gate closes its own.
        self._fd = os.dup(fd)
        self._closing = False
        self._cond = threading.Condition()
        self.state = "idle"
        self._thread = threading.Thread(target=self._loop, name="hypersearch-gate", daemon=True)
        self._thread.start()

    def wait(self, seconds: float) -> bool:
        """True when the gate is taken for the caller within ``seconds``; else abandon the try."""
        with self._cond:
            self.state = "asked"
            self._cond.notify_all()
            self._cond.wait_for(lambda: self.state == "granted", timeout=seconds)
            if self.state == "granted":
                self.state = "idle"
                return True
            self.state = "abandoned"
            return False

    @property
    def stuck(self) -> bool:
        """An abandoned try is still waiting for the gate (its holder has not released it)."""
        return self.state == "abandoned"

    def close(self) -> None:
        """End the helper (once it is back from an abandoned wait, if it is in one)."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()

    def _loop(self) -> None:
        try:
            while self._serve_one():
                pass
        finally:
            with contextlib.suppress(OSError):
                os.close(self._fd)

    def _serve_one(self) -> bool:
        """Take the gate for one waiting writer; False when the helper should end."""
        with self._cond:
            self._cond.wait_for(lambda: self.state == "asked" or self._closing)
            if self.state != "asked":
                return False
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except OSError:
            return False
        with self._cond:
            if self.state == "asked":
                self.state = "granted"
                self._cond.notify_all()
                return True
            fcntl.flock(self._fd, fcntl.LOCK_UN)  # abandoned: hand it straight back
            self.state = "idle"
            return not self._closing


class WriteGate:
    """An exclusive ``flock`` on ``<database>-hslock``, opened lazily per process.

    A ``flock`` belongs to the open file, which a process's threads share, so
    they queue at a thread lock first.
    """

    def __init__(self, database_path: str) -> None:
        self.path = database_path + "-hslock"
        self._fd: int | None = None
        self._sleeper: _Sleeper | None = None
        self._failed = False
        self._threads = threading.Lock()
        #: Writes that went ahead without the gate after waiting WAIT_SECONDS (diagnostics).
        self.bypassed = 0

    def acquire(self) -> bool:
        """Wait (at most about :data:`WAIT_SECONDS`) until this thread holds the gate.

        False (and nothing held) when the gate cannot be used now: its file cannot
        be made, or its holder has not released it in time.
        """
        if self._failed:
            return False
        self._threads.acquire()
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            if self._sleeper is not None and self._sleeper.stuck:
                taken = False  # the holder is still stalled: do not queue behind it
            elif _spin(self._fd):
                taken = True
            else:
                if self._sleeper is None:
                    self._sleeper = _Sleeper(self._fd)
                taken = self._sleeper.wait(WAIT_SECONDS)
        except OSError:  # a read-only directory: fall back to SQLite's lock alone
            self._failed = True
            self._threads.release()
            return False
        except BaseException:
            self._threads.release()
            raise
        if not taken:
            self.bypassed += 1
            self._threads.release()
        return taken

    def release(self) -> None:
        """Release what :meth:`acquire` took (call only after it returned True)."""
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)  # type: ignore[arg-type]
        finally:
            self._threads.release()

    def close(self) -> None:
        if self._sleeper is not None:
            self._sleeper.close()
            self._sleeper = None
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
