"""Trial reads: snapshots by id, by number, changed since a cursor, and counts."""

from __future__ import annotations

from collections.abc import Container, Sequence
from typing import Any

from hypersearch.exceptions import TrialNotFoundError
from hypersearch.storages._sql._codec import TRIAL_COLUMNS
from hypersearch.storages._sql._studies import study_row
from hypersearch.storages._sql._writes import TrialWriter
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState


def get_trial(writer: TrialWriter, trial_id: int) -> FrozenTrial:
    """A trial's snapshot (a finished one from this process's cache)."""
    cached = writer.codec.cached(writer.finished, trial_id)
    if cached is not None:
        return cached
    db = writer.db

    def body(cur: Any) -> list[FrozenTrial]:
        row = db.q(
            cur, f"SELECT {TRIAL_COLUMNS} FROM hs_trials WHERE trial_id = ?", (trial_id,)
        ).fetchone()
        return [] if row is None else writer.codec.rows_to_trials(cur, [row], writer.finished)

    trials = db.run(body, write=False)
    if not trials:
        raise TrialNotFoundError(f"No trial with id {trial_id}.")
    return trials[0]


def trial_id_of_number(writer: TrialWriter, study_id: int, number: int) -> int:
    db = writer.db
    row = db.run(
        lambda cur: db.q(
            cur,
            "SELECT trial_id FROM hs_trials WHERE study_id = ? AND number = ?",
            (study_id, int(number)),
        ).fetchone(),
        write=False,
    )
    if row is None:
        raise TrialNotFoundError(f"No trial number {number} in study {study_id}.")
    writer.trial_study[int(row[0])] = study_id
    return int(row[0])


def _select(
    writer: TrialWriter, study_id: int, where: str, args: Sequence[Any]
) -> tuple[list[tuple], list[FrozenTrial]]:
    db = writer.db

    def body(cur: Any) -> tuple[list[tuple], list[FrozenTrial]]:
        rows = db.q(
            cur,
            f"SELECT {TRIAL_COLUMNS} FROM hs_trials WHERE study_id = ?{where} ORDER BY number",
            (study_id, *args),
        ).fetchall()
        if not rows:
            study_row(db, cur, study_id, "study_id")
        return rows, writer.codec.rows_to_trials(cur, rows, writer.finished)

    return db.run(body, write=False)


def trials_since(writer: TrialWriter, study_id: int, cursor: int) -> tuple[list[FrozenTrial], int]:
    """Trials changed after change number ``cursor``, and the cursor for next time."""
    rows, trials = _select(writer, study_id, " AND seq > ?", (int(cursor),))
    new_cursor = max([int(cursor), *(int(r[3]) for r in rows)])
    for trial in trials:
        writer.trial_study[trial.trial_id] = study_id
    return trials, new_cursor


def _wanted(states: Container[TrialState] | None) -> list[int] | None:
    return None if states is None else [int(s) for s in TrialState if s in states]


def all_trials(
    writer: TrialWriter, study_id: int, states: Container[TrialState] | None
) -> list[FrozenTrial]:
    """A study's trials in number order, optionally only some states."""
    wanted = _wanted(states)
    if wanted is None:
        return _select(writer, study_id, "", ())[1]
    if not wanted:
        return []
    marks = ", ".join("?" * len(wanted))
    return _select(writer, study_id, f" AND state IN ({marks})", wanted)[1]


def count_trials(writer: TrialWriter, study_id: int, states: Container[TrialState] | None) -> int:
    """How many trials a study has, optionally only in some states."""
    db, wanted = writer.db, _wanted(states)

    def body(cur: Any) -> int:
        study_row(db, cur, study_id, "study_id")
        if wanted is None:
            query, args = "SELECT COUNT(*) FROM hs_trials WHERE study_id = ?", [study_id]
        elif not wanted:
            return 0
        else:
            marks = ", ".join("?" * len(wanted))
            query = f"SELECT COUNT(*) FROM hs_trials WHERE study_id = ? AND state IN ({marks})"
            args = [study_id, *wanted]
        return int(db.q(cur, query, args).fetchone()[0])

    return db.run(body, write=False)
