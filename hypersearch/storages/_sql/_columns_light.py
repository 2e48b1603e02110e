"""The light bulk read: numbers, states and values only, for a first look at a big study.

One narrow query (no parameters, attributes or reports are read). The parameter
names and distributions come from the first and last trials; their columns are
NaN (``TrialColumns.partial``). A trial is read on its own when it is built.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hypersearch.distributions import BaseDistribution
from hypersearch.storages._columns import TrialColumns
from hypersearch.storages._sql import _reads
from hypersearch.storages._sql._codec import TRIAL_COLUMNS, _loads
from hypersearch.storages._sql._columns import _values
from hypersearch.storages._sql._studies import study_row
from hypersearch.storages._sql._writes import TrialWriter
from hypersearch.trial._frozen import FrozenTrial

_QUERY = (
    "SELECT trial_id, number, state, seq, vals FROM hs_trials "
    "WHERE study_id = ? AND seq > ? ORDER BY number"
)
_ENDS = "SELECT params FROM hs_trials WHERE study_id = ? AND seq > ? ORDER BY number {} LIMIT 1"


def read_light_columns(writer: TrialWriter, study_id: int, cursor: int) -> TrialColumns:
    """Trials changed after ``cursor``: numbers, states and values (see the module)."""
    db = writer.db

    def body(cur: Any) -> tuple[list[tuple], list[str]]:
        rows = db.q(cur, _QUERY, (study_id, int(cursor))).fetchall()
        if not rows:
            study_row(db, cur, study_id, "study_id")
        ends = [
            db.q(cur, _ENDS.format(o), (study_id, int(cursor))).fetchone() for o in ("ASC", "DESC")
        ]
        return rows, [r[0] for r in ends if r is not None]

    rows, ends = db.run(body, write=False)
    dists: dict[str, BaseDistribution] = {}
    for text in ends:
        for name, _internal, dist in _loads(text):
            dists[name] = writer.codec.dist(dist)
    n = len(rows)
    values, n_values = _values([r[4] for r in rows])
    return TrialColumns(
        cursor=max([int(cursor), *(int(r[3]) for r in rows)]),
        numbers=np.array([r[1] for r in rows], dtype=np.int64),
        states=np.array([r[2] for r in rows], dtype=np.int8),
        values=values,
        n_values=n_values,
        params={name: np.full(n, np.nan) for name in dists},
        distributions=dists,
        last_step=np.full(n, -1, dtype=np.int64),
        last_report=np.full(n, np.nan),
        builder=_ByTrial(writer, [int(r[0]) for r in rows]),
        partial=True,
    )


class _ByTrial:
    """Builds a trial by reading it (a few rows of a table page, not a whole study)."""

    def __init__(self, writer: TrialWriter, trial_ids: list[int]) -> None:
        self.writer = writer
        self.trial_ids = trial_ids

    def trial(self, i: int) -> FrozenTrial:
        return _reads.get_trial(self.writer, self.trial_ids[i])

    def trials(self, rows: list[int]) -> list[FrozenTrial]:
        if not rows:
            return []
        ids = [self.trial_ids[i] for i in rows]
        db, codec = self.writer.db, self.writer.codec
        query = (
            f"SELECT {TRIAL_COLUMNS} FROM hs_trials WHERE trial_id IN ({', '.join('?' * len(ids))})"
        )

        def body(cur: Any) -> list[FrozenTrial]:
            found = db.q(cur, query, ids).fetchall()
            return codec.rows_to_trials(cur, found, self.writer.finished)

        by_id = {t.trial_id: t for t in db.run(body, write=False)}
        return [by_id[i] for i in ids]

    def prepare_all(self) -> None:
        return None
