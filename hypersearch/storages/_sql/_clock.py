"""Heartbeat time from the database's clock, never a worker's own.

Workers on several machines (or one with a skewed clock, or a patched time
source) disagree about the time: judged by a clock 10 s behind, a live trial
looked stale and was failed under its worker; judged by one an hour ahead, a
dead worker's trial looked fresh. So heartbeats are stamped with the database
server's clock (SQLite: the machine's clock, read by SQLite in C) inside the
statement that writes them, and the reaper compares them with the server's
clock in its query. The one stamp a worker computes itself, the first heartbeat
written with the statement that starts a trial, is the server time estimated
from ``time.monotonic()`` and an offset measured against the server (one query
per process, renewed every ``REFRESH_SECONDS``): a wall-clock jump or skew in
the worker does not change it, and the heartbeat thread's first beat, sent at
once, overwrites it with the server's own.
"""

from __future__ import annotations

import time
from typing import Any

from hypersearch.storages._sql._database import Database

REFRESH_SECONDS = 60.0

# Seconds since the epoch on the database server's clock, as SQL.
NOW_SQL = {
    "sqlite": "((julianday('now') - 2440587.5) * 86400.0)",
    "postgresql": "CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS DOUBLE PRECISION)",
    "mysql": "UNIX_TIMESTAMP(NOW(6))",
}


def now_sql(db: Database) -> str:
    """An SQL expression for the server's time now (seconds since the epoch)."""
    return NOW_SQL[db.dialect.name]


class ServerClock:
    """The database server's time, estimated locally between measurements."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._offset = 0.0  # server time - time.monotonic()
        self._measured: float | None = None  # time.monotonic() of the last measurement

    def read(self) -> float:
        """The server's time now, asked of the server (one round trip)."""
        db = self._db
        row = db.run(lambda cur: db.q(cur, f"SELECT {now_sql(db)}").fetchone(), write=False)
        return float(row[0])

    def now(self) -> float:
        """The server's time now, from the monotonic clock and the measured offset."""
        mono = time.monotonic()
        if self._measured is None or mono - self._measured > REFRESH_SECONDS:
            before = time.monotonic()
            server = self.read()
            after = time.monotonic()
            self._offset = server - (before + after) / 2
            self._measured = after
            mono = after
        return mono + self._offset


def clock_args(db: Database, moment: Any) -> tuple[str, tuple[Any, ...]]:
    """SQL for "now" and its arguments: the server's clock, or ``moment`` when one is given."""
    if moment is None:
        return now_sql(db), ()
    return "?", (float(moment),)
