"""Creating a trial exactly once when the server drops the connection around the commit.

A write whose connection dies is retried on a fresh one. For every change but
creating a trial the retry is harmless: it finds the change made, or makes it.
But when the server committed a new trial and the reply was lost (MariaDB's
``KILL`` during a commit's log flush lost it about once in six kills), a blind
retry inserts a second trial and leaves the first RUNNING for ever, empty.

So the retry first looks for the trial the lost attempt made: a RUNNING,
still-empty trial of the same study whose ``datetime_start`` is the exact
microsecond stamp this call wrote, and adopts it. Another worker's trial
matches only if it started in the same microsecond and is still empty.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from hypersearch.storages._sql._dialects import Dialect
from hypersearch.trial._state import TrialState

_T = TypeVar("_T")

_FIND = (
    "SELECT trial_id, number FROM hs_trials WHERE study_id = ? AND state = ? "
    "AND datetime_start = ? AND params = '[]' AND n_steps = 0 ORDER BY number LIMIT 2"
)


def find_orphan(cur: Any, d: Dialect, study_id: int, start: str) -> tuple[int, int] | None:
    """The (trial_id, number) an earlier attempt created with start stamp ``start``, if one."""
    cur.execute(d.sql(_FIND), (study_id, int(TrialState.RUNNING), start))
    rows = cur.fetchall()
    if len(rows) != 1:  # none, or a same-microsecond twin: do not guess
        return None
    return int(rows[0][0]), int(rows[0][1])


def create_once(
    create: Callable[[Any], _T], d: Dialect, study_id: int, start: Any
) -> Callable[[Any], _T | tuple[int, int]]:
    """``create(cur)`` for the storage's retry loop: a repeated attempt adopts the first one's trial.

    ``start``: the ``datetime_start`` text the new row gets (nothing is adopted without one).
    """
    attempts = 0

    def body(cur: Any) -> _T | tuple[int, int]:
        nonlocal attempts
        attempts += 1
        # SQLite never loses a reply: only server dialects look.
        if attempts > 1 and isinstance(start, str) and not d.paired_writes:
            found = find_orphan(cur, d, study_id, start)
            if found is not None:
                return found
        return create(cur)

    return body
