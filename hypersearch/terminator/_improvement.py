"""Improvement evaluators: how much better than the best trial the search could still get."""

from __future__ import annotations

import abc

from hypersearch.study._direction import StudyDirection
from hypersearch.terminator._gp_bound import BoundFit, RegretBound, complete_single, signed_values
from hypersearch.trial._frozen import FrozenTrial

DEFAULT_TOP_TRIALS_RATIO = 0.5
DEFAULT_MIN_N_TRIALS = 20


class BaseImprovementEvaluator(abc.ABC):
    """The room left for improvement, from the trials so far (larger: keep going)."""

    @abc.abstractmethod
    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """The room left, in the units its paired error evaluator uses."""


def _check_int(name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {value!r}.")
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}.")
    return value


class RegretBoundEvaluator(BaseImprovementEvaluator):
    """A high-probability upper bound on the regret of the best trial (Makarova et al., 2022).

    A GP is fitted to the best ``top_trials_ratio`` of the complete trials (at
    least ``min_n_trials``); the bound is the smallest upper confidence bound over
    those trials minus the smallest lower confidence bound over the whole search
    space (see :mod:`hypersearch.terminator._gp_bound`). In the objective's units.

    Args:
        top_trials_ratio: Share of the complete trials the GP is fitted on.
        min_n_trials: Fit on at least this many (all of them when fewer).
        seed: Seed of the search for the lowest lower bound.
        delta: Confidence: the bound holds with probability ``1 - delta`` under the GP.

    Attributes:
        last_fit: The last evaluation's :class:`BoundFit` (bound, the GP's noise, ...).
    """

    def __init__(
        self,
        top_trials_ratio: float = DEFAULT_TOP_TRIALS_RATIO,
        min_n_trials: int = DEFAULT_MIN_N_TRIALS,
        seed: int | None = None,
        *,
        delta: float = 0.1,
    ) -> None:
        if not (isinstance(top_trials_ratio, (int, float)) and 0 < top_trials_ratio <= 1):
            raise ValueError(f"top_trials_ratio must be in (0, 1], got {top_trials_ratio!r}.")
        _check_int("min_n_trials", min_n_trials, 1)
        if not (isinstance(delta, (int, float)) and 0 < delta < 1):
            raise ValueError(f"delta must be in (0, 1), got {delta!r}.")
        self._delta = float(delta)
        self._gp = RegretBound(float(top_trials_ratio), min_n_trials, seed)
        self.last_fit: BoundFit | None = None

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        self.last_fit = self._gp.evaluate(trials, study_direction, self._delta)
        return self.last_fit.bound


class BestValueStagnationEvaluator(BaseImprovementEvaluator):
    """Trials left before the best value has not moved for ``max_stagnation_trials``.

    Paired with ``StaticErrorEvaluator(0)`` (the default in :class:`Terminator`), the
    study stops once the best value stagnated that long.
    """

    def __init__(self, max_stagnation_trials: int = 30) -> None:
        self._max_stagnation = _check_int("max_stagnation_trials", max_stagnation_trials, 0)

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        complete = complete_single(trials)
        if not complete:
            raise ValueError("No trial has completed yet: the improvement cannot be evaluated.")
        y = signed_values(complete, study_direction)
        best_step = int(y.argmin())  # the first of equal bests
        return float(self._max_stagnation - (len(y) - 1 - best_step))
