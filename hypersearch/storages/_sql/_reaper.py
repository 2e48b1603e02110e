"""SQLStorage's liveness half: heartbeats, and failing the trials of workers that died.

A mixin of :class:`~hypersearch.storages._sql._storage.SQLStorage`: it uses that
class's transaction helpers (``_run``, ``_q``, ``_change``, ``_insert_trial``).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from hypersearch.exceptions import TrialNotFoundError, UpdateFinishedTrialError
from hypersearch.storages._sql._txn import Rollback, dumps
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState


class ReaperMixin:
    """``record_heartbeat`` and ``fail_stale_trials`` for the SQL storage."""

    def record_heartbeat(self, trial_id: int) -> None:
        """Stamp a running trial with the time now (no change number: snapshots do not show it)."""
        now = self._clock()
        self._run(
            lambda cur: self._q(
                cur,
                "UPDATE hs_trials SET heartbeat = ? WHERE trial_id = ? AND state = ?",
                (now, trial_id, int(TrialState.RUNNING)),
            ),
            write=False,
        )

    def fail_stale_trials(
        self, study_id: int, *, grace_period: float, now: float | None = None
    ) -> list[int]:
        """Mark FAIL the RUNNING trials whose heartbeat is older than ``grace_period`` seconds.

        Only trials that sent at least one heartbeat are judged (a worker without
        a heartbeat thread is never reaped). Each trial is re-checked under the
        study's lock, so a heartbeat that arrives meanwhile saves it. Returns the
        numbers of the trials failed; their ``system_attrs["fail_reason"]`` says why.
        """
        if (
            isinstance(grace_period, bool)
            or not isinstance(grace_period, (int, float))
            or grace_period <= 0
        ):
            raise ValueError(
                f"grace_period must be a positive number of seconds, got {grace_period!r}."
            )
        moment = self._clock() if now is None else float(now)
        limit = moment - grace_period
        candidates = self._run(
            lambda cur: self._q(
                cur,
                "SELECT trial_id FROM hs_trials WHERE study_id = ? AND state = ? "
                "AND heartbeat IS NOT NULL AND heartbeat < ?",
                (study_id, int(TrialState.RUNNING), limit),
            ).fetchall(),
            write=False,
        )
        complete = datetime.datetime.fromtimestamp(moment).isoformat()
        # A retry callback that can say what it would enqueue (RetryFailedTrialCallback)
        # has it enqueued in the transaction that fails the trial: a reaper killed in
        # between cannot lose the retry. The callback, called later, sees it done.
        retry_of = getattr(self.failed_trial_callback, "retry_of", None)
        failed = []
        for (trial_id,) in candidates:

            def change(cur: Any, row: tuple, seq: int, trial_id: int = int(trial_id)) -> int | None:
                number, state, heartbeat, system, params, user = row
                if (
                    TrialState(int(state)) != TrialState.RUNNING
                    or heartbeat is None
                    or heartbeat >= limit
                ):
                    raise Rollback(None)
                attrs = json.loads(system)
                attrs["fail_reason"] = (
                    f"no heartbeat for {moment - heartbeat:.1f}s (grace period {grace_period}s); "
                    "its worker is presumed dead"
                )
                self._q(
                    cur,
                    "UPDATE hs_trials SET state = ?, seq = ?, datetime_complete = ?, system_attrs = ? "
                    "WHERE trial_id = ?",
                    (int(TrialState.FAIL), seq, complete, dumps(attrs), trial_id),
                )
                if retry_of is not None:
                    plist = json.loads(params)
                    dead = FrozenTrial(
                        number=int(number),
                        state=TrialState.FAIL,
                        trial_id=trial_id,
                        params={n: self._dist(dt).to_external(v) for n, v, dt in plist},
                        distributions={n: self._dist(dt) for n, _, dt in plist},
                        user_attrs=json.loads(user),
                        system_attrs=attrs,
                    )
                    retry = retry_of(dead)
                    if retry is not None:
                        self._insert_trial(
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
                return int(number)

            try:
                number = self._change(
                    int(trial_id), "heartbeat, system_attrs, params, user_attrs", change
                )
            except (UpdateFinishedTrialError, TrialNotFoundError):
                continue
            if number is not None:
                self._live.drop(int(trial_id))
                failed.append(number)
        return failed
