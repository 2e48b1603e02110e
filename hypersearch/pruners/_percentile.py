"""Percentile and median pruning."""

from __future__ import annotations

import bisect
import math
import threading
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hypersearch.pruners._base import BasePruner
from hypersearch.pruners._checks import check_int, check_real, check_single_objective
from hypersearch.pruners._feed import ReportSummary, RowFeed
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._report_value import scalar_reports
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._study import Study

_COMPLETE = int(TrialState.COMPLETE)
_FINISHED = {int(TrialState.COMPLETE), int(TrialState.PRUNED), int(TrialState.FAIL)}


def sorted_percentile(values: list[float], q: float) -> float:
    """``numpy.percentile(values, q)`` (linear method) of an already sorted list."""
    n = len(values)
    pos = q / 100.0 * (n - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, n - 1)
    a, b = values[lo], values[hi]
    t = pos - lo
    diff = b - a
    return b - diff * (1.0 - t) if t >= 0.5 else a + diff * t


class _StepValues:
    """COMPLETE trials' reports by step, with thresholds cached until a trial completes."""

    def __init__(self) -> None:
        self.feed = RowFeed()
        self.n_done = 0
        self._done: set[int] = set()
        self._by_step: dict[int, list[float]] = {}
        self._thresholds: dict[int, float | None] = {}
        self._finish_seq: int | None = None

    def update(self, study: Study, summary: ReportSummary) -> None:
        # only COMPLETE trials matter: skip the history read (a storage read and a
        # snapshot per report) while no trial has finished since the last one
        marker = study.finish_seq()
        if marker is not None and marker == self._finish_seq:
            return
        self._finish_seq = marker
        history = study.history
        if self.feed.bind(history):
            self._done.clear()
            self._by_step.clear()
            self._thresholds.clear()
            self.n_done = 0
            summary.clear()
        rows = self.feed.changed(history)
        if not rows:
            return
        states = history.states
        for number in rows:
            state = int(states[number])
            if state in _FINISHED:
                summary.forget(number)
            if state != _COMPLETE or number in self._done:
                continue
            self._done.add(number)
            self.n_done += 1
            self._thresholds.clear()
            for step, value in scalar_reports(history.trial(number).intermediate_values).items():
                if value == value:  # not NaN
                    bisect.insort(self._by_step.setdefault(step, []), value)

    def threshold(self, step: int, q: float, n_min: int) -> float | None:
        """The ``q``-th percentile of the values at ``step``, None if fewer than ``n_min``."""
        if step in self._thresholds:
            return self._thresholds[step]
        values = self._by_step.get(step, ())
        out = sorted_percentile(values, q) if len(values) >= n_min and values else None
        self._thresholds[step] = out
        return out


class PercentilePruner(BasePruner):
    """Prunes a trial whose best report so far is worse than a percentile of the others.

    At the trial's latest step ``s`` (its largest reported step), the trial's
    best intermediate value so far is compared with the ``percentile``-th best
    of the values that COMPLETE trials reported at exactly ``s`` (linear
    interpolation, as ``numpy.percentile``); worse prunes. A NaN latest report
    prunes (after the warm-up/interval checks).

    Cost: O(1) amortised per call; the per-step sorted values grow only when a
    trial completes, and each step's threshold is computed once per completion.

    When to pick it: :class:`MedianPruner` (50) is the robust default;
    a lower percentile (e.g. 25) prunes harder, keeping the top quarter.

    Args:
        percentile: In [0, 100]; 25.0 keeps the top quarter.
        n_startup_trials: No pruning until this many trials have completed.
        n_warmup_steps: No pruning before this step.
        interval_steps: Judge only every this many steps after the warm-up.
        n_min_trials: No pruning at a step that fewer completed trials reported.
    """

    def __init__(
        self,
        percentile: float,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        self._percentile = check_real("percentile", percentile, 0.0, 100.0)
        self._n_startup_trials = check_int("n_startup_trials", n_startup_trials)
        self._n_warmup_steps = check_int("n_warmup_steps", n_warmup_steps)
        self._interval_steps = check_int("interval_steps", interval_steps, 1)
        self._n_min_trials = check_int("n_min_trials", n_min_trials, 1)
        self._init_caches()

    def _init_caches(self) -> None:
        self._lock = threading.Lock()
        self._cache = _StepValues()
        self._summary = ReportSummary()
        self._study: weakref.ref[Study] | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        for key in ("_lock", "_cache", "_summary", "_study"):
            del state[key]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_caches()

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        reports: Mapping[int, float] = trial.intermediate_values  # type: ignore[assignment]
        if not reports:
            return False
        check_single_objective(study, type(self).__name__)  # so the reports are floats
        maximize = study.directions[0] == StudyDirection.MAXIMIZE
        sign = -1.0 if maximize else 1.0
        with self._lock:
            if self._study is None or self._study() is not study:
                self._cache = _StepValues()
                self._summary.clear()
                self._study = weakref.ref(study)
            step, best = self._summary.get(trial.number, reports, sign)
            if step < self._n_warmup_steps:
                return False
            if (step - self._n_warmup_steps) % self._interval_steps:
                return False
            if math.isnan(reports[step]):
                return True
            self._cache.update(study, self._summary)
            if self._cache.n_done < self._n_startup_trials:
                return False
            q = 100.0 - self._percentile if maximize else self._percentile
            threshold = self._cache.threshold(step, q, self._n_min_trials)
        if threshold is None:
            return False
        return best > sign * threshold


class MedianPruner(PercentilePruner):
    """Prunes a trial whose best report so far is worse than the median of the others.

    The usual first choice: robust and cheap. See :class:`PercentilePruner` for
    the arguments.
    """

    def __init__(
        self,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        super().__init__(
            50.0, n_startup_trials, n_warmup_steps, interval_steps, n_min_trials=n_min_trials
        )
