"""The common trial writes in the fewest statements: one on PostgreSQL, two on SQLite.

On a server every statement costs a network round trip; the transaction path
(``BEGIN``; bump the study's change counter; read the trial; write it; ``COMMIT``)
costs two even with psycopg's pipeline. PostgreSQL can do the whole change in one
statement::

    WITH s AS (UPDATE hs_studies SET seq = seq + 1 WHERE study_id = ? RETURNING seq)
    UPDATE hs_trials SET ..., seq = s.seq FROM s WHERE trial_id = ? AND <still allowed>

Why the storage contract still holds:

* The study row is locked first (the CTE runs before the trial row is written)
  and stays locked until the statement commits, exactly as in the transaction
  path, so change numbers commit in order and the lock order (study, then trial)
  is the same everywhere: no deadlocks between the two paths.
* ``READ COMMITTED`` re-reads a trial row changed by a writer that committed while
  this statement waited for the lock, and re-checks the ``WHERE`` on it, so a
  trial that was finished meanwhile is never changed. The new value is computed
  in SQL from that latest row (``params`` is appended to, never overwritten from a
  stale copy).
* Each statement only does the common, unconditional case (append a parameter
  the trial does not have yet, start a WAITING trial, move an unfinished trial to
  a state). When its ``WHERE`` matches no row, the caller falls back to the
  transaction path, which raises the precise error or does the rarer case (a
  parameter set again). The study's counter was then bumped for nothing, which
  leaves a gap in change numbers: allowed, they are only ever compared.

``set_trial_param`` commits a parameter before it returns. ``Trial.suggest_*``
stages it instead (``_staged``): it is written with the trial's next write, or
within 0.1 s, so that other workers' samplers (TPE's constant liar, GP
fantasies) see a running trial's parameters while it runs.

Parameters are stored as the JSON text ``[[name, internal, distribution], ...]``
written by ``json.dumps`` with its default ``", "`` separator. An entry for
``name`` starts with ``[`` + ``json.dumps(name)`` + ``", "``; inside JSON strings
every ``"`` is escaped, so that text occurs only where the entry starts, and
``strpos(params, prefix) = 0`` says exactly that the trial lacks the parameter.

SQLite has no data-modifying CTEs, but its write lock covers the whole database
and is taken by ``BEGIN IMMEDIATE`` before anything is read, so the order of the
statements inside the transaction does not matter: the trial is written first
with the change number ``study seq + 1`` read in the same statement, and the
study is bumped only when that write matched (no gap, nothing to roll back).
Two statements instead of the transaction path's three and no Python work in
between keep the lock short: every process waits for it (``paired_writes``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from hypersearch.storages._sql._dialects import Dialect
from hypersearch.trial._state import TrialState

_UNFINISHED = f"({int(TrialState.RUNNING)}, {int(TrialState.WAITING)})"
_BUMP = (
    "WITH s AS (UPDATE hs_studies SET seq = seq + 1{extra} WHERE study_id = ?{where} "
    "RETURNING {cols}) "
)

#: Columns returned by :func:`set_state`, in ``_TRIAL_COLUMNS`` order.
_COLUMNS = (
    "trial_id",
    "number",
    "state",
    "seq",
    "vals",
    "params",
    "user_attrs",
    "system_attrs",
    "n_steps",
    "datetime_start",
    "datetime_complete",
)
STATE_COLUMNS = ", ".join(f"t.{c}" for c in _COLUMNS)

_APPEND_PARAM = (
    _BUMP.format(extra="", where="", cols="seq")
    + "UPDATE hs_trials t SET seq = s.seq, params = CASE WHEN t.params = '[]' "
    "THEN '[' || CAST(? AS TEXT) || ']' ELSE left(t.params, -1) || ', ' || CAST(? AS TEXT) || ']' END "
    f"FROM s WHERE t.trial_id = ? AND t.state IN {_UNFINISHED} AND strpos(t.params, ?) = 0 "
    "RETURNING t.trial_id"
)

_INSERT_TRIAL = (
    "INSERT INTO hs_trials (study_id, number, seq, state, vals, params, user_attrs, "
    "system_attrs, n_steps, datetime_start, datetime_complete, heartbeat) "
    "SELECT study_id, n_trials - 1, seq, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM s "
    "RETURNING trial_id, number"
)
_NEW_NUMBER = ", n_trials = n_trials + 1"
_RETURNED = "study_id, seq, n_trials"
_CREATE_TRIAL = _BUMP.format(extra=_NEW_NUMBER, where="", cols=_RETURNED) + _INSERT_TRIAL
# The study row is only bumped, and so the trial only made, when no queued trial waits.
_CREATE_UNLESS_QUEUED = (
    _BUMP.format(
        extra=_NEW_NUMBER,
        where=" AND NOT EXISTS (SELECT 1 FROM hs_trials WHERE study_id = ? "
        f"AND state = {int(TrialState.WAITING)} AND datetime_start IS NULL)",
        cols=_RETURNED,
    )
    + _INSERT_TRIAL
)


# SQLite: the trial statement, then (when it matched) the study's bump.
_NEXT_SEQ = "(SELECT seq + 1 FROM hs_studies WHERE study_id = ?)"
_LITE_BUMP = "UPDATE hs_studies SET seq = seq + 1 WHERE study_id = ?"
_LITE_APPEND_PARAM = (
    "UPDATE hs_trials SET params = CASE WHEN params = '[]' THEN '[' || ? || ']' "
    "ELSE substr(params, 1, length(params) - 1) || ', ' || ? || ']' END, "
    f"seq = {_NEXT_SEQ} WHERE trial_id = ? AND state IN {_UNFINISHED} AND instr(params, ?) = 0"
)
_LITE_INSERT_TRIAL = (
    "INSERT INTO hs_trials (study_id, number, seq, state, vals, params, user_attrs, "
    "system_attrs, n_steps, datetime_start, datetime_complete, heartbeat) "
    "SELECT study_id, n_trials, seq + 1, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM hs_studies "
    "WHERE study_id = ?{unless} RETURNING trial_id, number"
)
_LITE_CREATE = {
    False: _LITE_INSERT_TRIAL.format(unless=""),
    True: _LITE_INSERT_TRIAL.format(
        unless=" AND NOT EXISTS (SELECT 1 FROM hs_trials WHERE study_id = ? "
        f"AND state = {int(TrialState.WAITING)} AND datetime_start IS NULL)"
    ),
}
_LITE_NEW_NUMBER = "UPDATE hs_studies SET seq = seq + 1, n_trials = n_trials + 1 WHERE study_id = ?"


def _lite_set_state_sql(only_waiting: bool) -> str:
    allowed = f"= {int(TrialState.WAITING)}" if only_waiting else f"IN {_UNFINISHED}"
    return (
        f"UPDATE hs_trials SET state = ?, seq = {_NEXT_SEQ}, "
        "datetime_start = COALESCE(datetime_start, ?), datetime_complete = ?, "
        "vals = COALESCE(?, vals), heartbeat = COALESCE(?, heartbeat) "
        f"WHERE trial_id = ? AND state {allowed} RETURNING {', '.join(_COLUMNS)}"
    )


_LITE_SET_STATE = {flag: _lite_set_state_sql(flag) for flag in (False, True)}


def _set_state_sql(only_waiting: bool) -> str:
    allowed = f"= {int(TrialState.WAITING)}" if only_waiting else f"IN {_UNFINISHED}"
    return (
        _BUMP.format(extra="", where="", cols="seq")
        + "UPDATE hs_trials t SET state = ?, seq = s.seq, "
        "datetime_start = COALESCE(t.datetime_start, ?), datetime_complete = ?, "
        "vals = COALESCE(?, t.vals), heartbeat = COALESCE(?, t.heartbeat) "
        f"FROM s WHERE t.trial_id = ? AND t.state {allowed} RETURNING {STATE_COLUMNS}"
    )


_SET_STATE = {flag: _set_state_sql(flag) for flag in (False, True)}


def param_entry(name: str, internal: float, dist_text: str) -> tuple[str, str]:
    """The JSON text of one ``params`` entry and the prefix that finds it."""
    encoded = json.dumps(name, ensure_ascii=False)
    entry = json.dumps([name, internal, dist_text], allow_nan=True, ensure_ascii=False)
    return entry, f"[{encoded}, "


def append_param(
    cur: Any, d: Dialect, study_id: int, trial_id: int, entry: str, prefix: str
) -> bool:
    """Append a parameter the unfinished trial lacks; False when the row did not qualify.

    ``entry`` and ``prefix`` come from :func:`param_entry` (made before the write lock).
    """
    if d.paired_writes:
        return append_params(cur, d, study_id, trial_id, [(entry, prefix)])
    cur.execute(d.sql(_APPEND_PARAM), (study_id, entry, entry, trial_id, prefix))
    return cur.fetchone() is not None


def append_params(
    cur: Any, d: Dialect, study_id: int, trial_id: int, entries: Sequence[Sequence[Any]]
) -> bool:
    """Append several new parameters (``(entry, prefix, ...)``) inside a transaction (SQLite).

    False as soon as one does not qualify; the caller then rolls back.
    """
    for entry, prefix, *_ in entries:
        cur.execute(_LITE_APPEND_PARAM, (entry, entry, study_id, trial_id, prefix))
        if cur.rowcount != 1:
            return False
    cur.execute(_LITE_BUMP, (study_id,))
    return True


def create_trial(
    cur: Any, d: Dialect, study_id: int, row_values: Sequence[Any], *, unless_queued: bool = False
) -> tuple[int, int] | None:
    """Insert a trial with the study's next number; (trial_id, number), or None.

    None: no such study or, with ``unless_queued``, a queued trial (WAITING, never
    started) waits to be claimed instead. That check reads the statement's
    snapshot: a trial enqueued while this statement runs is left for the next
    ask, as when the claim and the insert are two statements.

    ``row_values``: state, vals, params, user_attrs, system_attrs, n_steps,
    datetime_start, datetime_complete, heartbeat.
    """
    if d.paired_writes:
        queued = (study_id,) if unless_queued else ()
        cur.execute(_LITE_CREATE[unless_queued], (*row_values, study_id, *queued))
        row = cur.fetchone()
        if row is None:
            return None
        cur.execute(_LITE_NEW_NUMBER, (study_id,))
        return int(row[0]), int(row[1])
    if unless_queued:
        cur.execute(d.sql(_CREATE_UNLESS_QUEUED), (study_id, study_id, *row_values))
    else:
        cur.execute(d.sql(_CREATE_TRIAL), (study_id, *row_values))
    row = cur.fetchone()
    return None if row is None else (int(row[0]), int(row[1]))


def set_state(
    cur: Any,
    d: Dialect,
    study_id: int,
    trial_id: int,
    state: TrialState,
    vals: str | None,
    now: str,
    heartbeat: float | None = None,
) -> tuple | None:
    """Move an unfinished trial (only a WAITING one to RUNNING) to ``state``.

    Starting or finishing sets ``datetime_start`` if it was unset; finishing sets
    ``datetime_complete``; ``vals`` (JSON text) replaces the values when given,
    and ``heartbeat`` the last heartbeat (stamped when a trial starts).
    Returns the row after the change (``STATE_COLUMNS``), None when the trial did
    not qualify (missing, finished, or already running for a RUNNING request).
    """
    starts = state == TrialState.RUNNING or state.is_finished()
    complete = now if state.is_finished() else None
    if d.paired_writes:
        cur.execute(
            _LITE_SET_STATE[state == TrialState.RUNNING],
            (int(state), study_id, now if starts else None, complete, vals, heartbeat, trial_id),
        )
        row = cur.fetchone()
        if row is None:
            return None
        cur.execute(_LITE_BUMP, (study_id,))
        return tuple(row)
    cur.execute(
        d.sql(_SET_STATE[state == TrialState.RUNNING]),
        (study_id, int(state), now if starts else None, complete, vals, heartbeat, trial_id),
    )
    row = cur.fetchone()
    return None if row is None else tuple(row)
