"""A blocking gate in front of SQLite write transactions shared by processes.

SQLite cannot wait for its write lock: a process that finds it taken gets
SQLITE_BUSY and must sleep and try again. Sleeps shorter than a write (20-100
us) burn CPU on failed tries; longer ones leave the lock idle. With more
processes than cores it is worse: the holder is preempted and every other
process spins. So writers first take an exclusive ``flock`` on a file beside the
database (``<file>-hslock``): the kernel queues them and wakes the next one the
moment the lock is released, and SQLite's own lock is then almost always free.

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
