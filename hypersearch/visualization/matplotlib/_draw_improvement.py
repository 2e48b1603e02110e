"""matplotlib twin of the stopping rule's plot: the regret bound and the error by trial."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hypersearch.visualization import _data_improvement
from hypersearch.visualization.matplotlib._base import empty_axes, plt

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
    """The regret bound and the objective's error by trial (see the plotly version)."""
    d = _data_improvement.improvement_data(
        study, plot_error, improvement_evaluator, error_evaluator, min_n_trials
    )
    if d.message:
        return empty_axes(d.message, TITLE)
    _, ax = plt().subplots()
    early = d.early
    for mask, label, alpha in (
        (early, "Improvement (warm-up)", 0.35),
        (~early, "Improvement", 1.0),
    ):
        if mask.any():
            ax.plot(d.numbers[mask], d.improvement[mask], marker="o", ms=3, alpha=alpha,
                    color="#1f77b4", label=label)  # fmt: skip
    if d.error is not None:
        ax.plot(d.numbers, d.error, color="#d62728", label=f"Error ({d.error_label})")
    if d.stopped_at is not None:
        ax.axvline(d.stopped_at, ls=":", color="k", label="stopped")
    ax.set(title=TITLE, xlabel="Trial", ylabel="Terminator Improvement")
    ax.legend(fontsize="small")
    return ax


def plot_terminator_improvement(
    study: Study,
    plot_error: bool = False,
    improvement_evaluator: BaseImprovementEvaluator | None = None,
    error_evaluator: BaseErrorEvaluator | None = None,
    min_n_trials: int = 20,
) -> Any:
    """Optuna's name and defaults for :func:`plot_improvement`."""
    return plot_improvement(study, plot_error, improvement_evaluator, error_evaluator, min_n_trials)
