"""The bulk read as columns (see ``storages._columns``): two queries, no trial objects.

Most of a first read's time went to decoding each trial's ``params`` JSON, whose
text is mostly the distributions' JSON, the same for nearly every trial. The
query replaces the distributions seen in the first and last trials with short
tokens (``REPLACE``, in every dialect), so the rows parse as a few names and
numbers (``_columns_params``). A row the replacement could not leave valid (a
name holding a distribution's text) is read again as stored. The second query
reads each trial's last report only; the other reports are read when a trial is
built (one query per trial, or all at once after ``prepare_all``).
"""

from __future__ import annotations

import json
import threading
from typing import Any

import numpy as np

from hypersearch.storages._columns import TrialColumns
from hypersearch.storages._sql._codec import _STATES, _loads, _loads_object, parse_time
from hypersearch.storages._sql._columns_params import ParamColumns
from hypersearch.storages._sql._step_value import decode_step_value
from hypersearch.storages._sql._studies import study_row
from hypersearch.storages._sql._txn import dumps
from hypersearch.storages._sql._writes import TrialWriter
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._report_value import IntermediateValue

#: Distribution texts replaced by a token in the query, at most.
MAX_TOKENS = 16
#: Trials built one by one (a query each for their reports) before all reports are read.
SINGLE_READS = 200
_COLUMNS = (
    "trial_id, number, state, seq, vals, {params}, user_attrs, system_attrs, n_steps, "
    "datetime_start, datetime_complete"
)
_LAST_REPORTS = (
    "SELECT t.number, s.step, s.val FROM hs_trials t JOIN hs_steps s ON s.trial_id = t.trial_id "
    "WHERE t.study_id = ? AND t.seq > ? AND t.n_steps > 0 "
    "AND s.step = (SELECT MAX(m.step) FROM hs_steps m WHERE m.trial_id = t.trial_id)"
)


def read_columns(writer: TrialWriter, study_id: int, cursor: int) -> TrialColumns:
    """The trials of ``study_id`` changed after ``cursor`` as :class:`TrialColumns`."""
    db = writer.db

    def body(cur: Any) -> tuple[list[tuple], list[str], list[tuple]]:
        texts = _sample_params(writer, cur, study_id, cursor)
        rows = db.q(cur, _query(len(texts)), (*texts, study_id, int(cursor))).fetchall()
        if not rows:
            study_row(db, cur, study_id, "study_id")
        lasts = db.q(cur, _LAST_REPORTS, (study_id, int(cursor))).fetchall() if rows else []
        return rows, texts, lasts

    rows, texts, lasts = db.run(body, write=False)
    new_cursor = max([int(cursor), *(int(r[3]) for r in rows)])
    for row in rows:
        writer.trial_study[int(row[0])] = study_id
    builder = _Builder(writer, rows, texts)
    builder.since = (study_id, int(cursor))
    return builder.columns(new_cursor, lasts)


def _query(n_tokens: int) -> str:
    params = "params"
    for k in range(n_tokens):
        params = f"REPLACE({params}, ?, '{k}')"
    return (
        f"SELECT {_COLUMNS.format(params=params)} FROM hs_trials "
        "WHERE study_id = ? AND seq > ? ORDER BY number"
    )


def _sample_params(writer: TrialWriter, cur: Any, study_id: int, cursor: int) -> list[str]:
    """The stored texts (quoted, escaped) of the distributions of the first and last trial."""
    found: list[str] = []
    for order in ("ASC", "DESC"):
        row = writer.db.q(
            cur,
            f"SELECT params FROM hs_trials WHERE study_id = ? AND seq > ? "
            f"ORDER BY number {order} LIMIT 1",
            (study_id, int(cursor)),
        ).fetchone()
        for _name, _internal, text in [] if row is None else _loads(row[0]):
            quoted = dumps(text)
            if quoted not in found and len(found) < MAX_TOKENS:
                found.append(quoted)
    return found


class _Builder:
    """Turns the rows into columns and builds a row's trial when asked."""

    def __init__(self, writer: TrialWriter, rows: list[tuple], texts: list[str]) -> None:
        self.since = (0, -1)  # (study_id, cursor) of the read
        self.writer = writer
        self.rows = rows
        self.n = len(rows)
        codec = writer.codec
        self.params = ParamColumns(
            [r[5] for r in rows],
            [codec.dist(json.loads(t)) for t in texts],
            codec.dist,
            lambda i: self._raw_params(int(rows[i][0])),
        )
        self._reports: dict[int, dict[int, IntermediateValue]] | None = None
        self._arrays: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._single_reads = 0
        self._lock = threading.Lock()

    def columns(self, cursor: int, lasts: list[tuple]) -> TrialColumns:
        numbers = np.array([r[1] for r in self.rows], dtype=np.int64)
        states = np.array([r[2] for r in self.rows], dtype=np.int8)
        values, n_values = _values([r[4] for r in self.rows])
        params, dists, conflicting = self.params.columns()
        last_step, last_report = _last_reports(numbers, lasts)
        return TrialColumns(
            cursor=cursor,
            numbers=numbers,
            states=states,
            values=values,
            n_values=n_values,
            params=params,
            distributions=dists,
            conflicting=conflicting,
            last_step=last_step,
            last_report=last_report,
            builder=self,
        )

    def _raw_params(self, trial_id: int) -> str:
        db = self.writer.db
        return db.run(
            lambda cur: db.q(
                cur, "SELECT params FROM hs_trials WHERE trial_id = ?", (trial_id,)
            ).fetchone()[0],
            write=False,
        )

    # -- reports, read when a trial is built ---------------------------------------------
    def report_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every report of these rows as (numbers, steps, first components), one query."""
        with self._lock:
            if self._arrays is None:
                self._arrays = self._read_report_arrays()
            return self._arrays

    def _read_report_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        db, (study_id, cursor) = self.writer.db, self.since
        found = db.run(
            lambda cur: db.q(
                cur,
                "SELECT t.number, s.step, s.val FROM hs_steps s JOIN hs_trials t "
                "ON t.trial_id = s.trial_id WHERE t.study_id = ? AND t.seq > ?",
                (study_id, cursor),
            ).fetchall(),
            write=False,
        )
        numbers = np.array([r[0] for r in found], dtype=np.int64)
        steps = np.array([r[1] for r in found], dtype=np.int64)
        texts = [r[2] for r in found]
        try:
            values = np.array(texts, dtype=float)
        except ValueError:  # vector reports: their first component
            values = np.array([float(_loads(t)[0]) if t[0] == "[" else float(t) for t in texts])
        # only the rows of this read (a trial created since has no row here)
        mine = np.isin(numbers, np.array([r[1] for r in self.rows], dtype=np.int64))
        order = np.lexsort((steps[mine], numbers[mine]))
        return numbers[mine][order], steps[mine][order], values[mine][order]

    def prepare_all(self) -> None:
        """Read every trial's reports in one query (before building most trials)."""
        with self._lock:
            if self._reports is not None:
                return
            ids = [int(r[0]) for r in self.rows if r[8]]
            db = self.writer.db
            rows = db.run(lambda cur: self.writer.codec.step_rows(cur, ids), write=False)
            self._reports = {
                tid: {int(step): decode_step_value(val) for _t, step, val in steps}
                for tid, steps in rows.items()
            }

    def _reports_of(self, trial_id: int, n_steps: int) -> dict[int, IntermediateValue]:
        if not n_steps:
            return {}
        self._single_reads += 1
        if self._reports is None and self._single_reads > SINGLE_READS:
            self.prepare_all()  # trials asked for one by one, many of them: read all at once
        if self._reports is not None:
            return dict(self._reports.get(trial_id, {}))
        codec = self.writer.codec
        return self.writer.db.run(lambda cur: codec.steps(cur, [trial_id]), write=False)[trial_id]

    def trials(self, rows: list[int]) -> list[FrozenTrial]:
        if self._reports is None:  # the reports of these rows in one query, not one each
            ids = [int(self.rows[i][0]) for i in rows if self.rows[i][8]]
            db, codec = self.writer.db, self.writer.codec
            found = db.run(lambda cur: codec.steps(cur, ids), write=False) if ids else {}
            return [self.trial(i, found.get(int(self.rows[i][0]), {})) for i in rows]
        return [self.trial(i) for i in rows]

    def trial(self, i: int, reports: dict[int, IntermediateValue] | None = None) -> FrozenTrial:
        trial_id, number, state, _seq, vals, _p, user, system, n_steps, start, complete = self.rows[
            i
        ]
        plist = self.params.row(i)
        return FrozenTrial(
            number=int(number),
            state=_STATES[int(state)],
            values=None if vals is None else tuple(_loads(vals)),
            params={name: dist.to_external(internal) for name, internal, dist in plist},
            distributions={name: dist for name, _v, dist in plist},
            user_attrs=_loads_object(user),
            system_attrs=_loads_object(system),
            intermediate_values=(
                reports if reports is not None else self._reports_of(int(trial_id), n_steps)
            ),
            datetime_start=parse_time(start),
            datetime_complete=parse_time(complete),
            trial_id=int(trial_id),
        )


def _last_reports(numbers: np.ndarray, lasts: list[tuple]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's last step (-1: none) and its report (NaN: none, or a vector)."""
    last_step = np.full(len(numbers), -1, dtype=np.int64)
    last_report = np.full(len(numbers), np.nan)
    if lasts:
        at = np.searchsorted(numbers, np.array([r[0] for r in lasts], dtype=np.int64))
        last_step[at] = [int(r[1]) for r in lasts]
        last_report[at] = _report_scalars([r[2] for r in lasts])
    return last_step, last_report


def _values(texts: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """Values JSON lists as an ``(n, width)`` array and each row's length."""
    inner = [None if t is None else t[1:-1] for t in texts]
    try:  # single objective: "[1.5]" -> "1.5", one numpy conversion for all
        flat = np.array(["nan" if s is None else s for s in inner], dtype=float)
        counts = (~np.isnan(flat)).astype(np.int64)  # a NaN value is stored as null
        return flat.reshape(-1, 1), counts
    except ValueError:
        pass
    lists = [[] if t is None else [float(v) for v in _loads(t)] for t in texts]
    counts = np.array([len(v) for v in lists], dtype=np.int64)
    width = int(counts.max()) if len(lists) else 0
    out = np.full((len(lists), width), np.nan)
    for i, v in enumerate(lists):
        out[i, : len(v)] = v
    return out, counts


def _report_scalars(texts: list[str]) -> np.ndarray:
    """Each report's float; NaN for a vector report (a JSON list)."""
    try:
        return np.array(texts, dtype=float)
    except ValueError:
        return np.array([np.nan if t.startswith("[") else float(t) for t in texts], dtype=float)
