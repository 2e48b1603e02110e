"""What the two halves of the storage conformance suite share: data, thread runner, helpers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from hypersearch.distributions import (
    FloatDistribution,
)
from hypersearch.storages._base import BaseStorage
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._state import TrialState

MIN = StudyDirection.MINIMIZE
MAX = StudyDirection.MAXIMIZE
_X = FloatDistribution(-10.0, 10.0)

HOSTILE_STRINGS: tuple[str, ...] = (
    "plain",
    'it\'s "quoted" `back` \\ slash',
    "'; DROP TABLE studies; --",
    "Robert'); DELETE FROM trials WHERE ('1'='1",
    "<script>alert('x')</script>&amp;",
    "%s %(name)s ? :name $1 {0}",
    "日本語 ünïcödé 🚀 עברית",
    "tab\tnew\nline\r\x0bend",
    "x" * 10_000,
    " leading and trailing ",
)


def _run_threads(n: int, target: Callable[[int], Any]) -> list[Any]:
    """Run ``target(i)`` in ``n`` threads released together; return results, re-raise errors."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            barrier.wait()
            results[i] = target(i)
        except BaseException as err:  # noqa: BLE001 - reported to the test below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


class SuiteBase:
    """Fixtures' contract and helpers of :class:`~hypersearch.testing.storage.StorageSuite`."""

    n_threads = 8

    def other_handle(self, storage: BaseStorage) -> BaseStorage:
        """A second handle on the same data; the same object for one-process storages."""
        return storage

    # -- helpers -----------------------------------------------------------------------
    @staticmethod
    def _study(storage: BaseStorage, name: str | None = None, n_obj: int = 1) -> int:
        return storage.create_new_study([MIN] * n_obj, name)

    @staticmethod
    def _finish(storage: BaseStorage, trial_id: int, value: float = 1.0) -> None:
        assert storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [value])
