"""The data step of ``plot_improvement``: the room left for improvement and the error, by trial.

When the study ran a stopping rule (``optimize(stop="auto")``, ``StopWhenConverged``,
a ``Terminator``) and no evaluator is given, its recorded trace is read (no GP
fit). Otherwise every prefix of the complete trials (from 2 on) is evaluated
anew: one GP fit per trial, seconds for a few hundred trials.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from hypersearch.trial._state import TrialState
from hypersearch.visualization._common import check_study


@dataclass(frozen=True)
class ImprovementData:
    """The improvement evaluator's value by trial, and the error it was compared with.

    Attributes:
        numbers: The trial each point was evaluated after.
        improvement: The room left (the regret bound) then.
        error: The objective's error then (None: not asked for).
        error_label: Where the error came from (``cv``, ``noise``, ``tolerance``, ...).
        early: Points evaluated on fewer than ``min_n_trials`` complete trials (drawn
            lighter; a recorded rule only checks past its own minimum).
        stopped_at: The trial at which a recorded rule stopped the study, if it did.
    """

    numbers: np.ndarray
    improvement: np.ndarray
    error: np.ndarray | None
    error_label: str
    early: np.ndarray
    stopped_at: int | None = None
    message: str | None = None


def improvement_data(
    study: Any,
    plot_error: bool,
    improvement_evaluator: Any,
    error_evaluator: Any,
    min_n_trials: int,
) -> ImprovementData:
    from hypersearch.terminator._record import stop_record

    study = check_study(study)
    if len(study.directions) > 1:
        raise ValueError("plot_improvement supports single-objective studies only.")
    if isinstance(min_n_trials, bool) or not isinstance(min_n_trials, int) or min_n_trials < 1:
        raise ValueError(f"min_n_trials must be an int >= 1, got {min_n_trials!r}.")
    record = stop_record(study)
    if improvement_evaluator is None and error_evaluator is None and record and record.trace:
        trace = np.array(record.trace, dtype=float)
        return ImprovementData(
            trace[:, 0].astype(int), trace[:, 1], trace[:, 2] if plot_error else None,
            record.error_source, np.zeros(len(trace), dtype=bool),
            record.trial if record.stopped else None,
        )  # fmt: skip
    return _evaluate_prefixes(
        study, plot_error, improvement_evaluator, error_evaluator, min_n_trials
    )


def _evaluate_prefixes(
    study: Any, plot_error: bool, improvement: Any, error: Any, min_n_trials: int
) -> ImprovementData:
    from hypersearch.terminator import RegretBoundEvaluator

    trials = sorted(study.get_trials(deepcopy=False), key=lambda t: t.number)
    complete = [i for i, t in enumerate(trials) if t.state == TrialState.COMPLETE]
    if len(complete) < 2:
        empty = np.empty(0)
        return ImprovementData(empty.astype(int), empty, None, "", empty.astype(bool), None,
                               "At least 2 complete trials are needed.")  # fmt: skip
    improvement = improvement or RegretBoundEvaluator()
    numbers, values, errors, labels = [], [], [], set()
    for end in complete[1:]:
        prefix = trials[: end + 1]
        values.append(improvement.evaluate(prefix, study.direction))
        numbers.append(trials[end].number)
        if plot_error:
            e, label = _error(prefix, study, improvement, error)
            errors.append(e)
            labels.add(label)
    return ImprovementData(
        np.array(numbers), np.array(values, dtype=float),
        np.array(errors, dtype=float) if plot_error else None,
        "/".join(sorted(labels)), np.arange(2, len(complete) + 1) < min_n_trials,
    )  # fmt: skip


def _error(prefix: list[Any], study: Any, improvement: Any, error: Any) -> tuple[float, str]:
    """The given evaluator's error; by default CV scores when reported, else the GP's noise."""
    from hypersearch.terminator._error import CV_SCORES_KEY, best_trial, cv_error
    from hypersearch.terminator._improvement import BestValueStagnationEvaluator
    from hypersearch.terminator._terminator import error_source

    if error is not None:
        return float(error.evaluate(prefix, study.direction)), error_source(error)
    if isinstance(improvement, BestValueStagnationEvaluator):
        return 0.0, "static"
    scores = best_trial(prefix, study.direction).system_attrs.get(CV_SCORES_KEY)
    if isinstance(scores, (list, tuple)) and len(scores) >= 2:
        return cv_error([float(s) for s in scores]), "cv"
    fit = getattr(improvement, "last_fit", None)
    if fit is None:
        raise ValueError(
            "No error to plot: the trials report no cross-validation scores and the "
            "improvement evaluator estimates no noise; pass error_evaluator=..."
        )
    return fit.noise_std, "noise"
