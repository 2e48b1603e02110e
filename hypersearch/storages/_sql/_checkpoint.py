"""WAL checkpoints that keep a shared SQLite file's log short while many processes write.

SQLite's automatic checkpoint is PASSIVE: it copies what it can and never waits.
With two or more processes writing without pause it never catches up with the
log's end, so the log is never restarted: it grew to 48-72 MB in 6,000 trials
of two processes here (242 MB in a plain sqlite3 loop of the same writes), and
every commit past the threshold ran another checkpoint, two fsyncs each
(commits took 4x longer). So the storage turns the automatic checkpoint
off and runs a RESTART checkpoint itself once the log holds ``TARGET_FRAMES``:
it holds off writers while it runs (17-22 ms here, two fsyncs included, once
per ~570 one-parameter trials), copies the whole log and lets the next writer
start the log from its beginning.

How long the log is, whoever wrote it, is read from the WAL-index header in the
``-shm`` file (``mxFrame``, SQLite's documented WAL-index format, stable since
3.7.0), every ``_CHECK_EVERY`` commits. Where that header cannot be read, a
process checkpoints every ``_FALLBACK_COMMITS`` of its own commits instead.
"""

from __future__ import annotations

import os
import sqlite3
import struct
from typing import Any

# A checkpoint costs two fsyncs whatever its size: 4,000 pages (16 MB of log)
# amortise them (one process ran ~1.3x faster than with 1,000).
TARGET_FRAMES = 4000
_CHECK_EVERY = 8
_FALLBACK_COMMITS = 800
_WAIT_MS = 50  # how long a checkpoint may wait for other writers and readers
_WAL_INDEX_VERSION = 3007000


def wal_frames(shm_path: str) -> int | None:
    """Frames in the WAL now (``mxFrame`` of the WAL-index header), or None if unreadable."""
    try:
        fd = os.open(shm_path, os.O_RDONLY)
    except OSError:
        return None
    try:
        head = os.pread(fd, 20, 0)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(head) < 20:
        return None
    version, frames = struct.unpack_from("=I12xI", head)
    return frames if version == _WAL_INDEX_VERSION else None


def checkpoint(conn: Any) -> tuple[int, int, int]:
    """A RESTART checkpoint waiting at most ``_WAIT_MS``; (busy, log frames, copied)."""
    try:
        conn.execute(f"PRAGMA busy_timeout = {_WAIT_MS}")
        try:
            row = conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
        finally:
            conn.execute("PRAGMA busy_timeout = 0")
    except sqlite3.Error:  # locked out this time
        return 1, -1, -1
    return int(row[0]), int(row[1]), int(row[2])


class WalCheckpointer:
    """Watches one SQLite file's WAL after this process's commits; restarts it when long."""

    def __init__(self, database_path: str) -> None:
        self.shm_path = database_path + "-shm"
        self._left = _CHECK_EVERY
        self._commits = 0  # since this process's last checkpoint (fallback)
        self._pause = 0  # checks to skip after a checkpoint that could not finish
        #: (busy, log frames, frames copied) of the last checkpoint, for diagnostics.
        self.last: tuple[int, int, int] | None = None

    def after_commit(self, conn: Any) -> None:
        self._commits += 1
        self._left -= 1
        if self._left > 0:
            return
        self._left = _CHECK_EVERY
        if self._pause > 0:
            self._pause -= 1
            return
        frames = wal_frames(self.shm_path)
        due = self._commits >= _FALLBACK_COMMITS if frames is None else frames >= TARGET_FRAMES
        if not due:
            return
        self.last = checkpoint(conn)
        self._commits = 0
        if self.last[0]:  # a long reader holds the log: do not stall writers again at once
            self._pause = 64
