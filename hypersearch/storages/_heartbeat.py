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

from hypersearch.logging import get_logger
from hypersearch.storages._base import BaseStorage

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
        self._thread = threading.Thread(target=self._loop, name="hypersearch-heartbeat", daemon=True)
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


def fail_stale_trials(
    storage: BaseStorage, study_id: int, *, grace_period: float, now: float | None = None
) -> list[int]:
    """Fail RUNNING trials whose heartbeat is older than ``grace_period`` seconds.

    Returns the failed trial numbers. Storages that live in one process (memory)
    have no heartbeats and fail nothing.
    """
    reaper = getattr(storage, "fail_stale_trials", None)
    if reaper is None:
        return []
    return list(reaper(study_id, grace_period=grace_period, now=now))
