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
releases a killed process's ``flock``. A process stopped while it holds the
gate (SIGSTOP, a debugger) holds the others until it resumes or dies.
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


class WriteGate:
    """An exclusive ``flock`` on ``<database>-hslock``, opened lazily per process.

    A ``flock`` belongs to the open file, which a process's threads share, so
    they queue at a thread lock first.
    """

    def __init__(self, database_path: str) -> None:
        self.path = database_path + "-hslock"
        self._fd: int | None = None
        self._failed = False
        self._threads = threading.Lock()

    def acquire(self) -> bool:
        """Block until this thread holds the gate; False (and nothing held) when it cannot be used."""
        if self._failed:
            return False
        self._threads.acquire()
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            if not _spin(self._fd):
                fcntl.flock(self._fd, fcntl.LOCK_EX)
        except OSError:  # a read-only directory: fall back to SQLite's lock alone
            self._failed = True
            self._threads.release()
            return False
        except BaseException:
            self._threads.release()
            raise
        return True

    def release(self) -> None:
        """Release what :meth:`acquire` took (call only after it returned True)."""
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)  # type: ignore[arg-type]
        finally:
            self._threads.release()

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
