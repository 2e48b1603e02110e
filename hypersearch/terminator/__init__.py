"""When to stop: the regret-bound rule (Makarova et al., 2022) and Optuna's terminator names.

``study.optimize(objective, stop="auto")`` or ``callbacks=[StopWhenConverged()]``
stops a study once the Gaussian-process bound on the improvement still possible
falls below the objective's own error (cross-validation scores reported with
:func:`report_cross_validation_scores`, else the GP's noise estimate). Every
decision is recorded in the study: :func:`stop_record` returns it, and
:func:`hypersearch.visualization.plot_improvement` draws the bound and the error
by trial. ``Terminator``, ``TerminatorCallback`` and the evaluators carry
Optuna's names and arguments.
"""

from __future__ import annotations

from hypersearch.terminator._converged import StopWhenConverged
from hypersearch.terminator._emmr import EMMREvaluator
from hypersearch.terminator._error import (
    BaseErrorEvaluator,
    CrossValidationErrorEvaluator,
    MedianErrorEvaluator,
    StaticErrorEvaluator,
    report_cross_validation_scores,
)
from hypersearch.terminator._improvement import (
    BaseImprovementEvaluator,
    BestValueStagnationEvaluator,
    RegretBoundEvaluator,
)
from hypersearch.terminator._record import StopRecord, stop_record
from hypersearch.terminator._terminator import BaseTerminator, Terminator, TerminatorCallback

__all__ = [
    "BaseErrorEvaluator",
    "BaseImprovementEvaluator",
    "BaseTerminator",
    "BestValueStagnationEvaluator",
    "CrossValidationErrorEvaluator",
    "EMMREvaluator",
    "MedianErrorEvaluator",
    "RegretBoundEvaluator",
    "StaticErrorEvaluator",
    "StopRecord",
    "StopWhenConverged",
    "Terminator",
    "TerminatorCallback",
    "report_cross_validation_scores",
    "stop_record",
]
