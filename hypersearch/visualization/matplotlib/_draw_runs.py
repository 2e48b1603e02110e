"""matplotlib twins of the run and multi-objective plots (drawing only)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch.trial._frozen import FrozenTrial
from hypersearch.visualization import _data_mo, _data_runs
from hypersearch.visualization._plotly_base import OUTCOME_COLORS, STATE_COLORS
from hypersearch.visualization.matplotlib._base import empty_axes, panels, plt

if TYPE_CHECKING:
    from hypersearch.study._study import Study


def plot_intermediate_values(study: Study) -> Any:
    """Every trial's reported values by step, coloured by state."""
    d = _data_runs.intermediate_values_data(study)
    title = "Intermediate Values Plot"
    if d.message:
        return empty_axes(d.message, title)
    _, ax = plt().subplots()
    for c in d.curves:
        ax.plot(c.steps, c.values, lw=0.8, marker=".", ms=2, color=STATE_COLORS.get(c.state),
                label=f"{c.state} ({c.n_trials})")  # fmt: skip
    ax.set(title=title, xlabel="Step", ylabel="Intermediate Value")
    ax.legend(fontsize="small")
    return ax


def plot_timeline(study: Study, n_recent_trials: int | None = None) -> Any:
    """One bar per trial from start to end, coloured by state."""
    d = _data_runs.timeline_data(study, n_recent_trials)
    title = "Timeline Plot"
    if d.message:
        return empty_axes(d.message, title)
    _, ax = plt().subplots()
    states = np.array(d.states)
    for state in sorted(set(d.states)):
        m = states == state
        ax.barh(d.numbers[m], d.end[m] - d.start[m], left=d.start[m], height=0.8,
                color=STATE_COLORS.get(state), label=state)  # fmt: skip
    ax.set(title=title, xlabel=f"Seconds since {d.origin:%Y-%m-%d %H:%M:%S}", ylabel="Trial")
    ax.legend(fontsize="small")
    return ax


def plot_budget(study: Study) -> Any:
    """Finished trials by state, compute hours and cost over time."""
    d = _data_runs.budget_data(study)
    title = "Budget Plot"
    if d.message:
        return empty_axes(d.message, title)
    axes = panels(3 if d.cost is not None else 2, 1, size=3.0)
    for state, count in d.counts.items():
        axes[0].step(d.time, count, where="post", label=state, color=STATE_COLORS.get(state))
    axes[0].set_ylabel("Finished trials")
    axes[0].legend(fontsize="small")
    axes[1].plot(d.time, d.compute_hours)
    axes[1].set_ylabel("Compute (hours)")
    if d.cost is not None:
        axes[2].plot(d.time, d.cost)
        axes[2].set_ylabel("Cost")
    axes[-1].set_xlabel("Hours since first start")
    axes[0].set_title(title)
    return axes


def plot_rungs(study: Study) -> Any:
    """Values at each rung by outcome; trials and steps per rung."""
    d = _data_runs.rungs_data(study)
    title = "Rungs Plot"
    if d.message:
        return empty_axes(d.message, title)
    axes = panels(2, 2, size=4.0)
    outcome = np.array(d.outcome)
    jitter = np.random.default_rng(0).uniform(-0.2, 0.2, len(d.rung))
    for name, color in OUTCOME_COLORS.items():
        m = outcome == name
        if m.any():
            axes[0].scatter(d.rung[m] + jitter[m], d.values[m], s=8, c=color, label=name)
    rungs = np.arange(len(d.per_rung_trials))
    axes[0].set(xlabel="Rung", ylabel="Value at rung", xticks=rungs)
    axes[0].legend(fontsize="small")
    axes[1].bar(rungs - 0.2, d.per_rung_trials, width=0.4, label="trials")
    axes[1].bar(rungs + 0.2, d.per_rung_steps, width=0.4, label="steps (stopped here)")
    axes[1].set(xlabel="Rung", ylabel="Trials / steps", xticks=rungs)
    axes[1].legend(fontsize="small")
    axes[0].figure.suptitle(title)
    return axes


def plot_pbt_lineage(study: Study, params: list[str] | None = None) -> Any:
    """PBT members' hyperparameters over steps, exploits starred."""
    d = _data_runs.pbt_lineage_data(study, params)
    title = "PBT Lineage Plot"
    if d.message or not d.params:
        return empty_axes(d.message or "No hyperparameters to plot.", title)
    axes = panels(len(d.params), 1, size=3.0)
    for ax, name in zip(axes, d.params):
        for member, segs in d.segments.items():
            xs, ys = _data_runs.member_steps(segs, name)
            ax.plot([np.nan if x is None else x for x in xs],
                    [np.nan if y is None else y for y in ys], label=f"member {member}")  # fmt: skip
        ex, ey, _ = _data_runs.exploit_marks(d, name)
        ax.scatter(ex, ey, marker="*", c="black", s=40, label="exploit", zorder=3)
        ax.set_ylabel(name)
    axes[-1].set_xlabel("Step")
    axes[0].legend(fontsize="small")
    axes[0].set_title(title)
    return axes


def plot_pareto_front(
    study: Study,
    *,
    target_names: list[str] | None = None,
    include_dominated_trials: bool = True,
    axis_order: list[int] | None = None,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    targets: Callable[[FrozenTrial], Sequence[float]] | None = None,
) -> Any:
    """Completed trials in objective space (2-D or 3-D)."""
    d = _data_mo.pareto_front_data(
        study, target_names=target_names, include_dominated_trials=include_dominated_trials,
        axis_order=axis_order, constraints_func=constraints_func, targets=targets,
    )  # fmt: skip
    title = "Pareto-front Plot"
    if d.message:
        return empty_axes(d.message, title)
    three = d.values.shape[1] == 3
    fig = plt().figure()
    ax = fig.add_subplot(projection="3d" if three else None)
    groups = [("Best Trial", d.on_front, "#d62728")]
    if include_dominated_trials:
        groups += [("Trial", d.feasible & ~d.on_front, "#1f77b4"),
                   ("Infeasible Trial", ~d.feasible, "#cccccc")]  # fmt: skip
    for name, mask, color in groups:
        if mask.any():
            ax.scatter(*(d.values[mask, i] for i in range(d.values.shape[1])), s=10, c=color,
                       label=name)  # fmt: skip
    ax.set_xlabel(d.names[0])
    ax.set_ylabel(d.names[1])
    if three:
        ax.set_zlabel(d.names[2])
    ax.set_title(title)
    ax.legend(fontsize="small")
    return ax


def plot_hypervolume_history(study: Study, reference_point: Sequence[float]) -> Any:
    """Hypervolume of the completed trials up to each trial number."""
    d = _data_mo.hypervolume_history_data(study, reference_point)
    title = "Hypervolume History Plot"
    if d.message:
        return empty_axes(d.message, title)
    _, ax = plt().subplots()
    ax.plot(d.numbers, d.hypervolume, marker=".", ms=3)
    ax.set(title=title, xlabel="Trial", ylabel="Hypervolume")
    return ax
