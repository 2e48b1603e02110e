"""Locks for a journal file: ``flock`` by default, lock files for file systems without it.

The default (no ``lock_obj``) is an ``fcntl.flock`` on the log file itself:
writers take it exclusive, readers shared, and the kernel releases the lock of
a killed process. On a network file system whose ``flock`` is unreliable, pass
a :class:`JournalFileOpenLock` (an ``O_CREAT | O_EXCL`` lock file) or a
:class:`JournalFileSymlinkLock` (a symbolic link made atomically), as with Optuna.
A lock file left by a killed process is broken after ``grace_period`` seconds.
"""

from __future__ import annotations

import abc
import contextlib
import errno
import os
import time

_POLL_SECONDS = 0.0005
_MAX_POLL_SECONDS = 0.05


class BaseJournalFileLock(abc.ABC):
    """An exclusive lock shared by the processes that write one journal file."""

    @abc.abstractmethod
    def acquire(self) -> bool:
        """Block until held; True."""

    @abc.abstractmethod
    def release(self) -> None:
        """Give the lock back."""


class _LockFile(BaseJournalFileLock):
    def __init__(self, filepath: str, grace_period: float | None = 30.0) -> None:
        if grace_period is not None and grace_period <= 0:
            raise ValueError(
                f"grace_period must be positive seconds or None, got {grace_period!r}."
            )
        self._lock_path = filepath + ".lock"
        self.grace_period = grace_period

    @abc.abstractmethod
    def _try_create(self) -> bool:
        """Make the lock file atomically; False when it exists."""

    def acquire(self) -> bool:
        sleep = _POLL_SECONDS
        while not self._try_create():
            self._break_if_stale()
            time.sleep(sleep)
            sleep = min(2 * sleep, _MAX_POLL_SECONDS)
        return True

    def _break_if_stale(self) -> None:
        if self.grace_period is None:
            return
        try:
            age = time.time() - os.lstat(self._lock_path).st_mtime
        except FileNotFoundError:
            return
        if age > self.grace_period:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._lock_path)

    def release(self) -> None:
        try:
            os.unlink(self._lock_path)
        except FileNotFoundError as err:
            raise RuntimeError(f"Lock {self._lock_path!r} was broken while held.") from err


class JournalFileOpenLock(_LockFile):
    """A lock file made with ``open(O_CREAT | O_EXCL)`` (works on NFS v3+).

    Args:
        filepath: The journal file; the lock is ``<filepath>.lock``.
        grace_period: Seconds after which a lock file is taken as left by a dead
            process and removed (None: never).
    """

    def _try_create(self) -> bool:
        try:
            fd = os.open(self._lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except OSError as err:
            if err.errno == errno.EEXIST:
                return False
            raise
        os.close(fd)
        return True


class JournalFileSymlinkLock(_LockFile):
    """A lock made by creating a symbolic link, atomic on every POSIX file system.

    Args:
        filepath: The journal file; the lock is the link ``<filepath>.lock``.
        grace_period: Seconds after which a lock is taken as left by a dead
            process and removed (None: never).
    """

    def _try_create(self) -> bool:
        try:
            os.symlink(os.path.basename(self._lock_path) + ".target", self._lock_path)
        except FileExistsError:
            return False
        return True
