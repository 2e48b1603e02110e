"""Error evaluators: how much of a difference in the objective is noise.

The stopping rule compares the room left for improvement with this error: once
the best possible improvement is smaller than the objective's own statistical
error, more trials mostly fit noise.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hypersearch import _keys
from hypersearch.study._direction import StudyDirection
from hypersearch.terminator._gp_bound import complete_single, signed_values
from hypersearch.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hypersearch.terminator._improvement import BaseImprovementEvaluator

CV_SCORES_KEY = _keys.CV_SCORES


def report_cross_validation_scores(trial: Any, scores: Sequence[float]) -> None:
    """Record a trial's cross-validation scores (one per fold) for the stopping rule.

    Call it inside the objective; the objective then returns their mean as usual.
    The scores of the best trial give the error the bound is compared with.

    Raises:
        ValueError: Fewer than two scores, or a score that is not a finite number.
    """
    values = [_finite_score(s) for s in scores]
    if len(values) < 2:
        raise ValueError(f"report_cross_validation_scores needs at least 2 scores, got {scores!r}.")
    trial.set_system_attr(CV_SCORES_KEY, values)


def _finite_score(score: Any) -> float:
    try:
        value = float(score)
    except (TypeError, ValueError):
        raise ValueError(f"A cross-validation score must be a number, got {score!r}.") from None
    if not math.isfinite(value):
        raise ValueError(f"A cross-validation score must be finite, got {score!r}.")
    return value


def cv_error(scores: Sequence[float]) -> float:
    """Standard error of a k-fold mean, with Nadeau and Bengio's correction for overlap.

    ``Var = (1/k + n_test/n_train) S^2`` with ``n_test/n_train = 1/(k-1)`` for k folds and
    ``S^2`` the scores' variance (as in Makarova et al., 2022).
    """
    k = len(scores)
    mean = sum(scores) / k
    variance = sum((s - mean) ** 2 for s in scores) / k
    return math.sqrt((1.0 / k + 1.0 / (k - 1)) * variance)


def best_trial(trials: Sequence[FrozenTrial], direction: StudyDirection) -> FrozenTrial:
    complete = complete_single(trials)
    if not complete:
        raise ValueError("No trial has completed yet: the error cannot be evaluated.")
    y = signed_values(complete, direction)
    return complete[int(y.argmin())]


class BaseErrorEvaluator(abc.ABC):
    """How large the objective's statistical error is, from the trials so far."""

    @abc.abstractmethod
    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """The error, in the objective's units."""


class CrossValidationErrorEvaluator(BaseErrorEvaluator):
    """The corrected standard error of the best trial's cross-validation scores.

    The objective must record them with :func:`report_cross_validation_scores`.
    """

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        scores = best_trial(trials, study_direction).system_attrs.get(CV_SCORES_KEY)
        if not isinstance(scores, (list, tuple)) or len(scores) < 2:
            raise ValueError(
                "The best trial has no cross-validation scores: call "
                "report_cross_validation_scores(trial, scores) in the objective."
            )
        return cv_error([float(s) for s in scores])


class StaticErrorEvaluator(BaseErrorEvaluator):
    """Always ``constant``: stop once the improvement evaluator's value falls below it."""

    def __init__(self, constant: float) -> None:
        if isinstance(constant, bool) or not isinstance(constant, (int, float)):
            raise TypeError(f"constant must be a number, got {constant!r}.")
        if math.isnan(constant):
            raise ValueError("constant must not be NaN.")
        self._constant = float(constant)

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        return self._constant


class MedianErrorEvaluator(BaseErrorEvaluator):
    """A threshold from the improvement evaluator's early values (Ishibashi et al., 2023).

    After ``warm_up_trials`` (typically the random start), the paired improvement
    evaluator is run on the first ``n_initial_trials`` prefixes; the threshold is
    ``threshold_ratio`` times their median, fixed from then on. Before that it is
    ``-inf`` (never stop).
    """

    def __init__(
        self,
        paired_improvement_evaluator: BaseImprovementEvaluator,
        warm_up_trials: int = 10,
        n_initial_trials: int = 20,
        threshold_ratio: float = 0.01,
    ) -> None:
        if isinstance(warm_up_trials, bool) or not isinstance(warm_up_trials, int):
            raise TypeError(f"warm_up_trials must be an int, got {warm_up_trials!r}.")
        if warm_up_trials < 0:
            raise ValueError(f"warm_up_trials must be >= 0, got {warm_up_trials}.")
        if isinstance(n_initial_trials, bool) or not isinstance(n_initial_trials, int):
            raise TypeError(f"n_initial_trials must be an int, got {n_initial_trials!r}.")
        if n_initial_trials < 1:
            raise ValueError(f"n_initial_trials must be >= 1, got {n_initial_trials}.")
        if not (isinstance(threshold_ratio, (int, float)) and 0 < threshold_ratio < math.inf):
            raise ValueError(f"threshold_ratio must be a number > 0, got {threshold_ratio!r}.")
        self._paired = paired_improvement_evaluator
        self._warm_up = warm_up_trials
        self._n_initial = n_initial_trials
        self._ratio = float(threshold_ratio)
        self._threshold: float | None = None

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        if self._threshold is not None:
            return self._threshold
        complete = sorted(complete_single(trials), key=lambda t: t.number)
        if len(complete) < self._warm_up + self._n_initial:
            return -math.inf
        values = [
            self._paired.evaluate(complete[: self._warm_up + i], study_direction)
            for i in range(1, self._n_initial + 1)
        ]
        values.sort()
        middle = len(values) // 2
        median = values[middle] if len(values) % 2 else 0.5 * (values[middle - 1] + values[middle])
        self._threshold = min(self._ratio * median, math.inf)
        return self._threshold
