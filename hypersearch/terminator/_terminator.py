"""Terminators: stop a study when the room for improvement is below the objective's error.

Optuna's names and arguments (``Terminator``, ``TerminatorCallback``); each
decision is also recorded in the study (see :func:`stop_record`).
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from hypersearch.logging import get_logger
from hypersearch.terminator._error import (
    BaseErrorEvaluator,
    CrossValidationErrorEvaluator,
    StaticErrorEvaluator,
)
from hypersearch.terminator._improvement import (
    DEFAULT_MIN_N_TRIALS,
    BaseImprovementEvaluator,
    BestValueStagnationEvaluator,
    RegretBoundEvaluator,
)
from hypersearch.terminator._record import extend, stop_record, write_record
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._study import Study

_logger = get_logger(__name__)


class BaseTerminator(abc.ABC):
    """Decides whether a study should stop."""

    @abc.abstractmethod
    def should_terminate(self, study: Study) -> bool:
        """True when the study should stop now."""


def rule_name(evaluator: BaseImprovementEvaluator) -> str:
    names = {
        "RegretBoundEvaluator": "regret-bound",
        "EMMREvaluator": "emmr",
        "BestValueStagnationEvaluator": "stagnation",
    }
    return names.get(type(evaluator).__name__, type(evaluator).__name__)


def error_source(evaluator: BaseErrorEvaluator) -> str:
    if isinstance(evaluator, CrossValidationErrorEvaluator):
        return "cv"
    if isinstance(evaluator, StaticErrorEvaluator):
        return "static"
    return getattr(evaluator, "source", type(evaluator).__name__)


class Terminator(BaseTerminator):
    """Stop when the improvement evaluator's value falls below the error evaluator's.

    After Makarova et al. (2022), "Automatic termination for hyperparameter
    optimization": by default the room left is the GP regret bound
    (:class:`RegretBoundEvaluator`) and the error the corrected standard error of
    the best trial's cross-validation scores (:class:`CrossValidationErrorEvaluator`;
    record them with :func:`report_cross_validation_scores`). With a
    :class:`BestValueStagnationEvaluator` the default error is ``StaticErrorEvaluator(0)``.

    Args:
        improvement_evaluator: The room left for improvement.
        error_evaluator: The objective's statistical error.
        min_n_trials: Never stop before this many complete trials.
    """

    def __init__(
        self,
        improvement_evaluator: BaseImprovementEvaluator | None = None,
        error_evaluator: BaseErrorEvaluator | None = None,
        min_n_trials: int = DEFAULT_MIN_N_TRIALS,
    ) -> None:
        if isinstance(min_n_trials, bool) or not isinstance(min_n_trials, int):
            raise TypeError(f"min_n_trials must be an int, got {min_n_trials!r}.")
        if min_n_trials < 1:
            raise ValueError(f"min_n_trials must be >= 1, got {min_n_trials}.")
        self._improvement_evaluator = improvement_evaluator or RegretBoundEvaluator()
        if error_evaluator is None:
            stagnation = isinstance(self._improvement_evaluator, BestValueStagnationEvaluator)
            error_evaluator = (
                StaticErrorEvaluator(0.0) if stagnation else CrossValidationErrorEvaluator()
            )
        self._error_evaluator = error_evaluator
        self._min_n_trials = min_n_trials

    def should_terminate(self, study: Study) -> bool:
        trials = study.get_trials(deepcopy=False)
        complete = [t for t in trials if t.state == TrialState.COMPLETE]
        if len(complete) < self._min_n_trials:
            return False
        improvement = self._improvement_evaluator.evaluate(trials, study.direction)
        error = self._error_evaluator.evaluate(trials, study.direction)
        stop = improvement < error
        record = extend(
            stop_record(study),
            stopped=stop,
            trial=max(t.number for t in complete),
            n_complete=len(complete),
            improvement=float(improvement),
            error=float(error),
            error_source=error_source(self._error_evaluator),
            rule=rule_name(self._improvement_evaluator),
        )
        write_record(study, record)
        return stop


class TerminatorCallback:
    """An ``optimize`` callback that stops the study when ``terminator`` says so.

    Args:
        terminator: Default: ``Terminator()`` (regret bound against cross-validation error).
    """

    def __init__(self, terminator: BaseTerminator | None = None) -> None:
        if terminator is not None and not isinstance(terminator, BaseTerminator):
            raise TypeError(f"terminator must be a BaseTerminator, got {terminator!r}.")
        self._terminator = terminator or Terminator()

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if self._terminator.should_terminate(study):
            _logger.info("The study has been stopped by the terminator.")
            study.stop()
