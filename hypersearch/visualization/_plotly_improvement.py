"""Plotly figure of the stopping rule: the regret bound and the objective's error by trial."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hypersearch.visualization import _data_improvement
from hypersearch.visualization._plotly_base import empty_figure, go

if TYPE_CHECKING:
    from hypersearch.study._study import Study
    from hypersearch.terminator import BaseErrorEvaluator, BaseImprovementEvaluator

TITLE = "Terminator Improvement Plot"


def plot_improvement(
    study: Study,
    plot_error: bool = True,
    improvement_evaluator: BaseImprovementEvaluator | None = None,
    error_evaluator: BaseErrorEvaluator | None = None,
    min_n_trials: int = 20,
) -> Any:
    """The room left for improvement (the GP regret bound) and the objective's error by trial.

    The study stops under ``optimize(stop="auto")`` where the bound falls below the
    error. A recorded rule's trace is drawn as it was decided; otherwise every
    prefix of the trials is evaluated (``improvement_evaluator``, default
    :class:`~hypersearch.terminator.RegretBoundEvaluator`; error: ``error_evaluator``,
    default the best trial's cross-validation error when reported, else the GP's
    noise). Points before ``min_n_trials`` complete trials are drawn lighter.
    """
    d = _data_improvement.improvement_data(
        study, plot_error, improvement_evaluator, error_evaluator, min_n_trials
    )
    if d.message:
        return empty_figure(d.message, TITLE)
    early = d.early
    traces = [
        go().Scatter(x=d.numbers[mask], y=d.improvement[mask], mode="markers+lines",
                     name=name, opacity=opacity, marker={"color": "#1f77b4"})
        for mask, name, opacity in ((early, "Improvement (warm-up)", 0.35),
                                    (~early, "Improvement", 1.0))
        if mask.any()
    ]  # fmt: skip
    if d.error is not None:
        traces.append(go().Scatter(x=d.numbers, y=d.error, mode="lines",
                                   name=f"Error ({d.error_label})", line={"color": "#d62728"}))  # fmt: skip
    layout: dict[str, Any] = {
        "title": {"text": TITLE},
        "xaxis": {"title": {"text": "Trial"}},
        "yaxis": {"title": {"text": "Terminator Improvement"}},
    }
    if d.stopped_at is not None:
        layout["shapes"] = [{"type": "line", "x0": d.stopped_at, "x1": d.stopped_at,
                             "yref": "paper", "y0": 0, "y1": 1, "line": {"dash": "dot"}}]  # fmt: skip
    return go().Figure(data=traces, layout=layout)


def plot_terminator_improvement(
    study: Study,
    plot_error: bool = False,
    improvement_evaluator: BaseImprovementEvaluator | None = None,
    error_evaluator: BaseErrorEvaluator | None = None,
    min_n_trials: int = 20,
) -> Any:
    """Optuna's name and defaults for :func:`plot_improvement` (the error only when asked)."""
    return plot_improvement(study, plot_error, improvement_evaluator, error_evaluator, min_n_trials)
