"""WAL checkpoints that keep a shared SQLite file's log short while many processes write.

SQLite's automatic checkpoint is PASSIVE: it copies what it can and never waits.
With two or more processes writing without pause it never catches up with the
log's end, so the log is never restarted: it grew to 48-72 MB in 6,000 trials
of two processes here (242 MB in a plain sqlite3 loop of the same writes), and
every commit past the threshold ran another checkpoint, two fsyncs each
(commits took 4x longer). So the storage turns the automatic checkpoint
off and runs a TRUNCATE checkpoint itself once the log holds ``TARGET_FRAMES``:
it holds off writers while it runs (17-22 ms here, two fsyncs included, once
per ~570 one-parameter trials), copies the whole log, and SQLite empties the
log file so that the next writer starts it from its beginning.

How long the log is, whoever wrote it, is read from the ``-wal`` file's size
with ``stat`` every ``_CHECK_EVERY`` commits: since every checkpoint truncates
the file, its size is the log's length. Nothing here ever opens, closes or
truncates ``-wal`` or ``-shm`` itself. (An earlier version read the frame count
from the ``-shm`` header with ``open``/``close``; on Linux closing any
descriptor of a file drops every POSIX lock the process holds on it, SQLite's
included, so the next process to open the database thought it was alone,
reset ``-shm`` under the running writers and killed them with SIGBUS.)
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

# A checkpoint costs two fsyncs whatever its size: 4,000 pages (16 MB of log)
# amortise them (one process ran ~1.3x faster than with 1,000).
TARGET_FRAMES = 4000
_CHECK_EVERY = 8
_WAIT_MS = 50  # how long a checkpoint may wait for other writers and readers
_WAL_HEADER = 32  # bytes before the first frame
_FRAME_HEADER = 24  # bytes before each frame's page


def wal_frames(wal_path: str, page_size: int) -> int:
    """Frames in the log file at ``wal_path`` judged from its size (0 when there is none).

    Uses ``stat`` only: no descriptor of SQLite's files is opened or closed.
    """
    try:
        size = os.stat(wal_path).st_size
    except OSError:
        return 0
    return max(0, size - _WAL_HEADER) // (page_size + _FRAME_HEADER)


def checkpoint(conn: Any) -> tuple[int, int, int]:
    """A TRUNCATE checkpoint waiting at most ``_WAIT_MS``; (busy, log frames, copied)."""
    try:
        conn.execute(f"PRAGMA busy_timeout = {_WAIT_MS}")
        try:
            row = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.execute("PRAGMA busy_timeout = 0")
    except sqlite3.Error:  # locked out this time
        return 1, -1, -1
    return int(row[0]), int(row[1]), int(row[2])


class WalCheckpointer:
    """Watches one SQLite file's WAL after this process's commits; empties it when long."""

    def __init__(self, database_path: str) -> None:
        self.wal_path = database_path + "-wal"
        self._page_size = 0  # read from the connection at the first check
        self._left = _CHECK_EVERY
        self._pause = 0  # checks to skip after a checkpoint that could not finish
        #: (busy, log frames, frames copied) of the last checkpoint, for diagnostics.
        self.last: tuple[int, int, int] | None = None

    def after_commit(self, conn: Any) -> None:
        """Count a commit; every ``_CHECK_EVERY`` of them, checkpoint if the log is long."""
        self._left -= 1
        if self._left > 0:
            return
        self._left = _CHECK_EVERY
        if self._pause > 0:
            self._pause -= 1
            return
        if not self._page_size:
            self._page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        if wal_frames(self.wal_path, self._page_size) < TARGET_FRAMES:
            return
        self.last = checkpoint(conn)
        if self.last[0]:  # a long reader holds the log: do not stall writers again at once
            self._pause = 64
