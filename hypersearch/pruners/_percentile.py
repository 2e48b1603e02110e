"""Percentile and median pruning."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from hypersearch.pruners._base import BasePruner
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._study import Study


def _check_nonneg_int(name: str, value: int, minimum: int = 0) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")


class _StepValues:
    """Completed trials' reports, by step, kept up to date from the history view."""

    def __init__(self) -> None:
        self._seen_version = -1
        self._done: set[int] = set()
        self._by_step: dict[int, list[float]] = {}
        self._sorted: dict[int, np.ndarray] = {}

    def update(self, study: Study) -> None:
        history = study.history
        if history.version == self._seen_version:
            return
        fresh = np.flatnonzero(
            (history.row_version > self._seen_version) & history.mask(TrialState.COMPLETE)
        )
        self._seen_version = history.version
        for number in fresh:
            if number in self._done:
                continue
            self._done.add(int(number))
            for step, value in history.trial(int(number)).intermediate_values.items():
                self._by_step.setdefault(step, []).append(value)
                self._sorted.pop(step, None)

    def at(self, step: int) -> np.ndarray:
        values = self._sorted.get(step)
        if values is None:
            values = np.sort(np.asarray(self._by_step.get(step, ()), dtype=float))
            values = values[~np.isnan(values)]
            self._sorted[step] = values
        return values


class PercentilePruner(BasePruner):
    """Prunes a trial whose best report so far is worse than a percentile of the others.

    At a step ``s``, the trial's best intermediate value up to ``s`` is compared
    with the ``percentile``-th best of the values that COMPLETE trials reported
    at ``s``; worse prunes. A NaN report prunes.

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
        if isinstance(percentile, bool) or not (0.0 <= float(percentile) <= 100.0):
            raise ValueError(f"percentile must be in [0, 100], got {percentile!r}.")
        _check_nonneg_int("n_startup_trials", n_startup_trials)
        _check_nonneg_int("n_warmup_steps", n_warmup_steps)
        _check_nonneg_int("interval_steps", interval_steps, 1)
        _check_nonneg_int("n_min_trials", n_min_trials, 1)
        self._percentile = float(percentile)
        self._n_startup_trials = n_startup_trials
        self._n_warmup_steps = n_warmup_steps
        self._interval_steps = interval_steps
        self._n_min_trials = n_min_trials
        self._cache = _StepValues()

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        reports = trial.intermediate_values
        if not reports:
            return False
        step = max(reports)
        if step < self._n_warmup_steps:
            return False
        if (step - self._n_warmup_steps) % self._interval_steps:
            return False
        if len(study.directions) > 1:
            raise NotImplementedError("PercentilePruner supports single-objective studies only.")
        if math.isnan(reports[step]):
            return True
        self._cache.update(study)
        if len(self._cache._done) < self._n_startup_trials:
            return False
        others = self._cache.at(step)
        if len(others) < self._n_min_trials:
            return False
        maximize = study.directions[0] == StudyDirection.MAXIMIZE
        finite = [v for v in reports.values() if not math.isnan(v)]
        if maximize:
            best = max(finite)
            threshold = float(np.percentile(others, 100.0 - self._percentile))
            return best < threshold
        best = min(finite)
        threshold = float(np.percentile(others, self._percentile))
        return best > threshold


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
