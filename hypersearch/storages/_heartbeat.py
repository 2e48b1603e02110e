"""Heartbeats: tell the storage a trial's worker is alive; fail trials whose worker died.

A worker that is killed (SIGKILL, OOM, a lost machine) leaves its trial RUNNING
for ever. With heartbeats, the worker stamps its trial every ``interval``
seconds from a background thread, and any process may call
:func:`fail_stale_trials` to mark FAIL the RUNNING trials whose last stamp is
older than a grace period. Pick ``grace_period`` a few times ``interval`` (say
interval 30 s, grace 120 s): too short fails live trials whose worker is busy or
whose database is slow.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

from hypersearch import _keys
from hypersearch.logging import get_logger
from hypersearch.storages._base import BaseStorage
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState
from hypersearch.trial._trial import FIXED_PARAMS_KEY

_logger = get_logger(__name__)


class Heartbeat:
    """A context manager that keeps stamping one trial while its body runs.

    Args:
        storage: the trial's storage.
        trial_id: the trial to stamp.
        interval: seconds between stamps (> 0).
    """

    def __init__(self, storage: BaseStorage, trial_id: int, *, interval: float = 30.0) -> None:
        if isinstance(interval, bool) or not isinstance(interval, (int, float)) or interval <= 0:
            raise ValueError(f"interval must be a positive number of seconds, got {interval!r}.")
        self._storage = storage
        self._trial_id = trial_id
        self._interval = float(interval)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _beat(self) -> None:
        try:
            self._storage.record_heartbeat(self._trial_id)
        except Exception as err:  # noqa: BLE001 - a missed beat must not kill the trial
            _logger.warning(f"Heartbeat for trial id {self._trial_id} failed: {err!r}")

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self._beat()

    def __enter__(self) -> Heartbeat:
        self._beat()  # the first stamp before the body starts
        self._thread = threading.Thread(
            target=self._loop, name="hypersearch-heartbeat", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def check_heartbeat(
    interval: float | None, grace_period: float | None
) -> tuple[float | None, float | None]:
    """Validate heartbeat settings; the grace period defaults to a safe margin."""
    if interval is None:
        if grace_period is not None:
            raise ValueError("grace_period needs heartbeat_interval.")
        return None, None
    if isinstance(interval, bool) or not isinstance(interval, (int, float)) or interval <= 0:
        raise ValueError(
            f"heartbeat_interval must be a positive number of seconds, got {interval!r}."
        )
    if grace_period is None:
        grace_period = max(4.0 * interval, interval + 60.0)
    if (
        isinstance(grace_period, bool)
        or not isinstance(grace_period, (int, float))
        or grace_period <= interval
    ):
        raise ValueError(
            f"grace_period must be a number of seconds larger than heartbeat_interval "
            f"({interval}), got {grace_period!r}."
        )
    return interval, grace_period  # as given, like Optuna's get_heartbeat_interval()


def fail_stale_trials(
    storage: BaseStorage, study_id: int, *, grace_period: float, now: float | None = None
) -> list[int]:
    """Fail RUNNING trials whose heartbeat is older than ``grace_period`` seconds.

    Returns the failed trial numbers. Storages that live in one process (memory)
    have no heartbeats and fail nothing.
    """
    return list(storage.fail_stale_trials(study_id, grace_period=grace_period, now=now))


RETRIED_FROM_KEY = _keys.RETRIED_FROM
RETRY_HISTORY_KEY = _keys.RETRY_HISTORY


class RetryFailedTrialCallback:
    """Re-run a trial whose worker died, with the same parameters.

    Pass it as a storage's ``failed_trial_callback``. The new trial is queued
    with the failed one's parameters and user attributes; its system attributes
    link it to the original (``retried_from``: the failed trial's number,
    ``retry_history``: every earlier attempt, oldest first); read them with
    :meth:`retried_trial_number` and :meth:`retry_history`.

    Args:
        max_retry: Attempts after the first one; None (Optuna's default) retries
            without limit.
        inherit_intermediate_values: The retry starts with the failed trial's
            reports.
    """

    def __init__(
        self, max_retry: int | None = None, inherit_intermediate_values: bool = False
    ) -> None:
        if max_retry is not None and (
            isinstance(max_retry, bool) or not isinstance(max_retry, int) or max_retry < 0
        ):
            raise ValueError(f"max_retry must be None or an integer >= 0, got {max_retry!r}.")
        self._max_retry = max_retry
        self._inherit = bool(inherit_intermediate_values)
        if self._inherit:
            # An SQL storage enqueues ``retry_of`` in the transaction that fails the
            # trial, without its reports: leave the enqueue to __call__, which has them.
            self.retry_of = None  # type: ignore[assignment]

    @staticmethod
    def retried_trial_number(trial: FrozenTrial) -> int | None:
        """The number of the failed trial that ``trial`` retries; None when it is no retry."""
        number = trial.system_attrs.get(RETRIED_FROM_KEY, trial.system_attrs.get("failed_trial"))
        return None if number is None else int(number)

    @staticmethod
    def retry_history(trial: FrozenTrial) -> list[int]:
        """The numbers of the earlier attempts of ``trial``, oldest first ([] when it is no retry)."""
        return [int(n) for n in trial.system_attrs.get(RETRY_HISTORY_KEY, [])]

    def _template(self, trial: FrozenTrial) -> FrozenTrial | None:
        history = list(trial.system_attrs.get(RETRY_HISTORY_KEY, [])) + [trial.number]
        if self._max_retry is not None and len(history) > self._max_retry:
            return None
        return FrozenTrial(
            number=-1,
            state=TrialState.WAITING,
            # Optuna's retry carries the parameters themselves, not only as fixed ones.
            params=dict(trial.params),
            distributions=dict(trial.distributions),
            user_attrs=dict(trial.user_attrs),
            system_attrs={
                FIXED_PARAMS_KEY: dict(trial.params),
                RETRIED_FROM_KEY: trial.number,
                RETRY_HISTORY_KEY: history,
            },
            intermediate_values=dict(trial.intermediate_values) if self._inherit else {},
        )

    def retry_of(self, trial: FrozenTrial) -> FrozenTrial | None:
        """The WAITING trial that retries ``trial``, or None when its retries are used up.

        An SQL storage enqueues it in the transaction that fails ``trial``.
        """
        return self._template(trial)

    def __call__(self, study: Any, trial: FrozenTrial) -> None:
        """Enqueue the retry of ``trial`` unless one was enqueued already (by the storage)."""
        retry = self._template(trial)
        if retry is None:
            return
        if any(
            t.system_attrs.get(RETRIED_FROM_KEY) == trial.number
            for t in study.get_trials(deepcopy=False)
        ):
            return
        study.add_trial(retry)


class RetryHeartbeatStaleTrialCallback(RetryFailedTrialCallback):
    """Optuna 5's name of :class:`RetryFailedTrialCallback` (the same behaviour).

    Pass it as ``heartbeat_stale_trial_callback`` (or ``failed_trial_callback``).
    """
