"""The SQL storage's liveness half: heartbeats, and failing the trials of workers that died."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

from hypersearch import _keys
from hypersearch.exceptions import TrialNotFoundError, UpdateFinishedTrialError
from hypersearch.storages._sql._clock import clock_args
from hypersearch.storages._sql._database import Database
from hypersearch.storages._sql._txn import Rollback, dumps
from hypersearch.storages._sql._writes import TrialWriter
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState


def record_heartbeat(db: Database, trial_id: int, now: float | None) -> None:
    """Stamp a running trial with ``now``, or the server's clock when None (no change number)."""
    clock, args = clock_args(db, now)
    db.run(
        lambda cur: db.q(
            cur,
            f"UPDATE hs_trials SET heartbeat = {clock} WHERE trial_id = ? AND state = ?",
            (*args, trial_id, int(TrialState.RUNNING)),
        ),
        write=False,
    )


def check_grace_period(grace_period: Any) -> float:
    """``grace_period`` as seconds; ValueError unless a positive number."""
    if (
        isinstance(grace_period, bool)
        or not isinstance(grace_period, (int, float))
        or grace_period <= 0
    ):
        raise ValueError(
            f"grace_period must be a positive number of seconds, got {grace_period!r}."
        )
    return grace_period


def fail_stale_trials(
    writer: TrialWriter,
    study_id: int,
    *,
    grace_period: float,
    moment: float | None,
    retry_of: Callable[[FrozenTrial], FrozenTrial | None] | None,
) -> list[int]:
    """Mark FAIL the RUNNING trials whose heartbeat is older than ``moment - grace_period``.

    ``moment``: None for the database server's clock (see ``_clock``), the only
    one all workers share.

    Only trials that sent at least one heartbeat are judged (a worker without
    a heartbeat thread is never reaped). Each trial is re-checked under the
    study's lock, so a heartbeat that arrives meanwhile saves it. Returns the
    numbers of the trials failed; their ``system_attrs["fail_reason"]`` says why.

    ``retry_of``: a retry callback that can say what it would enqueue
    (``RetryFailedTrialCallback.retry_of``) has it enqueued in the transaction
    that fails the trial: a reaper killed in between cannot lose the retry.
    """
    db = writer.db
    clock, args = clock_args(db, moment)
    candidates = db.run(
        lambda cur: db.q(
            cur,
            f"SELECT trial_id, {clock} FROM hs_trials WHERE study_id = ? AND state = ? "
            f"AND heartbeat IS NOT NULL AND heartbeat < {clock} - ?",
            (*args, study_id, int(TrialState.RUNNING), *args, grace_period),
        ).fetchall(),
        write=False,
    )
    if not candidates:
        return []
    moment = float(candidates[0][1])
    limit = moment - grace_period
    complete = datetime.datetime.fromtimestamp(moment).isoformat()
    failed = []
    for trial_id, _ in candidates:

        def change(cur: Any, row: tuple, seq: int, trial_id: int = int(trial_id)) -> int | None:
            number, state, heartbeat, system, params, user = row
            if (
                TrialState(int(state)) != TrialState.RUNNING
                or heartbeat is None
                or heartbeat >= limit
            ):
                raise Rollback(None)
            attrs = json.loads(system)
            attrs[_keys.FAIL_REASON] = (
                f"no heartbeat for {moment - heartbeat:.1f}s (grace period {grace_period}s); "
                "its worker is presumed dead"
            )
            db.q(
                cur,
                "UPDATE hs_trials SET state = ?, seq = ?, datetime_complete = ?, system_attrs = ? "
                "WHERE trial_id = ?",
                (int(TrialState.FAIL), seq, complete, dumps(attrs), trial_id),
            )
            if retry_of is not None:
                values, dists = writer.codec.params(json.loads(params))
                dead = FrozenTrial(
                    number=int(number),
                    state=TrialState.FAIL,
                    trial_id=trial_id,
                    params=values,
                    distributions=dists,
                    user_attrs=json.loads(user),
                    system_attrs=attrs,
                )
                retry = retry_of(dead)
                if retry is not None:
                    _enqueue_retry(writer, cur, study_id, retry)
            return int(number)

        try:
            number = writer.change(
                int(trial_id), "heartbeat, system_attrs, params, user_attrs", change
            )
        except (UpdateFinishedTrialError, TrialNotFoundError):
            continue
        if number is not None:
            writer.live.drop(int(trial_id))
            failed.append(number)
    return failed


def _enqueue_retry(writer: TrialWriter, cur: Any, study_id: int, retry: FrozenTrial) -> None:
    """Insert the WAITING trial that retries a failed one, in the transaction that fails it."""
    writer.insert_trial(
        cur,
        study_id,
        [
            int(TrialState.WAITING),
            None,
            "[]",
            dumps(dict(retry.user_attrs)),
            dumps(dict(retry.system_attrs)),
            0,
            None,
            None,
            None,
        ],
    )
