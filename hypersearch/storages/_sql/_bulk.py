"""Many trials written at once (a migration, ``copy_study``): a few statements per chunk.

``create_new_trial`` costs one write transaction per trial (0.6 ms on SQLite
here with reports); a 10,000-trial migration then spends 6 s writing. Here a
chunk of trials takes one transaction: one study-row bump that reserves their
numbers and change numbers, one ``executemany`` of the trial rows, and one of
their reports. The contract holds as for single writes: numbers are dense and
in template order, each trial gets its own change number, all above earlier ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hypersearch.distributions import distribution_to_json
from hypersearch.exceptions import StudyNotFoundError
from hypersearch.storages._base import check_json_value
from hypersearch.storages._sql._codec import time_text
from hypersearch.storages._sql._step_value import encode_step_value
from hypersearch.storages._sql._txn import dumps
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._report_value import normalize_intermediate
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.storages._sql._storage import SQLStorage

#: Trials per write transaction (a migration holds the write lock this long at a time).
CHUNK = 1000

_INSERT_TRIAL = (
    "INSERT INTO hs_trials (study_id, number, seq, state, vals, params, user_attrs, "
    "system_attrs, n_steps, datetime_start, datetime_complete, heartbeat) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


_Row = tuple[list[Any], list[tuple[int, str]]]


def _attrs_json(attrs: Any) -> str:
    try:
        return dumps(dict(attrs))
    except (TypeError, ValueError):
        for key, value in attrs.items():
            check_json_value(key, value)  # raises, naming the key
        raise


def _step_text(value: Any) -> str:
    if type(value) is float:
        return repr(value)
    return encode_step_value(normalize_intermediate(value))


def _row(template: FrozenTrial, heartbeat: float | None, dist_json: dict[Any, str]) -> _Row:
    """A template's hs_trials columns (from ``state`` on) and its encoded reports by step order."""
    params = []
    for name, value in template.params.items():
        dist = template.distributions[name]
        text = dist_json.get(dist)
        if text is None:
            text = dist_json[dist] = distribution_to_json(dist)
        params.append([name, float(dist.to_internal(value)), text])
    steps = sorted((int(k), v) for k, v in template.intermediate_values.items())
    values = None if template.values is None else dumps([float(v) for v in template.values])
    start, complete = template.datetime_start, template.datetime_complete
    row = [
        int(template.state),
        values,
        dumps(params),
        _attrs_json(template.user_attrs),
        _attrs_json(template.system_attrs),
        len(steps),
        time_text(start),
        time_text(complete),
        heartbeat if template.state == TrialState.RUNNING else None,
    ]
    return row, [(step, _step_text(v)) for step, v in steps]


def _write_chunk(storage: SQLStorage, study_id: int, rows: list[_Row]) -> None:
    d = storage._dialect
    k = len(rows)

    def body(cur: Any) -> None:
        storage._db.q(
            cur,
            "UPDATE hs_studies SET seq = seq + ?, n_trials = n_trials + ? WHERE study_id = ?",
            (k, k, study_id),
        )
        found = storage._db.q(
            cur, "SELECT seq, n_trials FROM hs_studies WHERE study_id = ?", (study_id,)
        ).fetchone()
        if found is None:
            raise StudyNotFoundError(f"No study with id {study_id}.")
        first_seq, first_number = int(found[0]) - k + 1, int(found[1]) - k
        cur.executemany(
            d.sql(_INSERT_TRIAL),
            [(study_id, first_number + i, first_seq + i, *row) for i, (row, _) in enumerate(rows)],
        )
        if not any(steps for _, steps in rows):
            return
        # A fresh cursor: psycopg's pipelined executemany now and then left this cursor on an
        # INSERT's status, and fetchall() raised "the last operation didn't produce records".
        reader = cur.connection.cursor()
        try:
            ids = dict(
                storage._db.q(
                    reader,
                    "SELECT number, trial_id FROM hs_trials WHERE study_id = ? AND number >= ?",
                    (study_id, first_number),
                ).fetchall()
            )
        finally:
            reader.close()
        cur.executemany(
            d.sql("INSERT INTO hs_steps (trial_id, step, val) VALUES (?, ?, ?)"),
            [
                (ids[first_number + i], step, val)
                for i, (_, steps) in enumerate(rows)
                for step, val in steps
            ],
        )

    storage._db.run(body, write=True)


def insert_trials(storage: SQLStorage, study_id: int, templates: Sequence[FrozenTrial]) -> None:
    """Add copies of ``templates`` to a study, numbered in order, :data:`CHUNK` per transaction."""
    heartbeat = storage._start_stamp()
    dist_json: dict[Any, str] = {}
    rows = [_row(t, heartbeat, dist_json) for t in templates]
    for at in range(0, len(rows), CHUNK):
        _write_chunk(storage, study_id, rows[at : at + CHUNK])
