"""Run trials until a study holds a number of COMPLETE trials, without overshooting.

``MaxTrialsCallback`` stops a worker once the study holds ``n`` COMPLETE trials,
counted after each of its trials: with 8 workers the 7 others are each running
one by then, so the study ended with ``n + 7``. Here a worker also counts the
trials running now: it starts no trial once COMPLETE + RUNNING reaches ``n``,
and waits; if a running trial fails (the count falls below ``n``) it starts one
again. Two workers that count at the same moment may still both start: the
overshoot is the number of workers racing for the last slot, usually none.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._study import Study

_POLL_SECONDS = 0.2


def _counts(study: Study) -> tuple[int, int]:
    """(COMPLETE, RUNNING) trials in the study now."""
    storage, sid = study._storage, study._study_id
    complete = storage.get_n_trials(sid, (TrialState.COMPLETE,))
    return complete, storage.get_n_trials(sid, (TrialState.RUNNING,))


class _Cap:
    """A callback that stops the worker once COMPLETE + RUNNING reaches ``n``."""

    def __init__(self, n: int) -> None:
        self._n = n

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if sum(_counts(study)) >= self._n:
            study.stop()


def optimize_until_complete(
    study: Study,
    func: Callable[[Any], Any],
    n_complete: int,
    *,
    timeout: float | None = None,
    callbacks: list[Any] | None = None,
    devices: float | None = None,
) -> None:
    """Run trials of ``func`` until the study holds ``n_complete`` COMPLETE trials.

    Other workers may share the study. ``timeout``: seconds after which no trial
    starts and the wait ends. ``devices``: as in :meth:`Study.optimize`.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    cap = _Cap(n_complete)
    while True:
        complete, running = _counts(study)
        if complete >= n_complete:
            return
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            return
        if complete + running < n_complete:
            study.optimize(func, timeout=left, callbacks=[*(callbacks or []), cap], devices=devices)
            continue
        _reap(study)  # the running trials may be a dead worker's
        time.sleep(_POLL_SECONDS)


def _reap(study: Study) -> None:
    storage = study._storage
    grace = getattr(storage, "grace_period", None)
    if grace is not None:
        storage.fail_stale_trials(study._study_id, grace_period=grace)
