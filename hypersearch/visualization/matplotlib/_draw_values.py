"""matplotlib twins of the value plots (drawing only: data from ``_data_values``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch.visualization import _data_values as data
from hypersearch.visualization._common import TargetFunc
from hypersearch.visualization.matplotlib._base import empty_axes, panels, plt, set_param_axis

if TYPE_CHECKING:
    from hypersearch.importance._base import BaseImportanceEvaluator
    from hypersearch.study._study import Study


def plot_optimization_history(
    study: Study | Sequence[Study],
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
    error_bar: bool = False,
) -> Any:
    """Values and best value so far by trial number (see the plotly version)."""
    d = data.optimization_history_data(
        study, target=target, target_name=target_name, error_bar=error_bar
    )
    title = "Optimization History Plot"
    if d.message:
        return empty_axes(d.message, title)
    _, ax = plt().subplots()
    if d.error_bar:
        b = d.band
        ax.errorbar(b["numbers"], b["mean"], yerr=b["std"], fmt="o", ms=3, label=target_name)
        ax.plot(b["numbers"], b["best_mean"], label="Best Value")
        ax.fill_between(
            b["numbers"], b["best_mean"] - b["best_std"], b["best_mean"] + b["best_std"], alpha=0.2
        )
    else:
        many = len(d.series) > 1
        for s in d.series:
            prefix = f"{s.name}: " if many else ""
            ax.scatter(s.numbers, s.values, s=8, label=prefix + target_name)
            ax.plot(s.numbers, s.best, label=prefix + "Best Value")
    ax.set(title=title, xlabel="Trial", ylabel=target_name)
    ax.legend(fontsize="small")
    return ax


def plot_edf(
    study: Study | Sequence[Study],
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """Empirical distribution function per study."""
    d = data.edf_data(study, target=target, target_name=target_name)
    title = "Empirical Distribution Function Plot"
    if d.message:
        return empty_axes(d.message, title)
    _, ax = plt().subplots()
    for name, v, f in zip(d.names, d.values, d.fractions):
        ax.step(v, f, where="post", label=name)
    ax.set(title=title, xlabel=target_name, ylabel="Cumulative Probability", ylim=(0, 1))
    ax.legend(fontsize="small")
    return ax


def plot_slice(
    study: Study,
    params: list[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """One axis per parameter: value against the target, coloured by trial number."""
    d = data.slice_data(study, params, target=target, target_name=target_name)
    title = "Slice Plot"
    if d.message:
        return empty_axes(d.message, title)
    axes = panels(len(d.axes), 4)
    for ax, axis in zip(axes, d.axes):
        keep = axis.present
        ax.scatter(axis.values[keep], d.y[keep], c=d.numbers[keep], cmap="Blues", s=8)
        set_param_axis(ax, axis)
    axes[0].set_ylabel(target_name)
    axes[0].figure.suptitle(title)
    return axes if len(axes) > 1 else axes[0]


def plot_contour(
    study: Study,
    params: list[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """Every pair of parameters: the target's landscape and the trials."""
    d = data.contour_data(study, params, target=target, target_name=target_name)
    title = "Contour Plot"
    if d.message:
        return empty_axes(d.message, title)
    axes = panels(len(d.panels), 3)
    zmin, zmax = float(np.min(d.y)), float(np.max(d.y))
    levels = np.linspace(zmin, zmax, 16) if zmax > zmin else None
    for ax, p in zip(axes, d.panels):
        ax.contourf(p.gx, p.gy, p.z, levels=levels, cmap="Blues")
        keep = p.x.present & p.y.present
        ax.scatter(p.x.values[keep], p.y.values[keep], s=3, c="black")
        set_param_axis(ax, p.x, "x")
        set_param_axis(ax, p.y, "y")
    axes[0].figure.suptitle(title)
    return axes if len(axes) > 1 else axes[0]


def plot_parallel_coordinate(
    study: Study,
    params: list[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """One line per trial across the target and the parameters (each axis scaled to [0, 1])."""
    d = data.parallel_coordinate_data(study, params, target=target, target_name=target_name)
    title = "Parallel Coordinate Plot"
    if d.message:
        return empty_axes(d.message, title)
    from matplotlib.collections import LineCollection

    columns = [_unit(d.y, float(d.y.min()), float(d.y.max()))]
    for axis in d.axes:
        values = np.log(axis.values) if axis.log else axis.values
        low, high = (np.log(axis.low), np.log(axis.high)) if axis.log else (axis.low, axis.high)
        columns.append(_unit(values, float(low), float(high)))
    ys = np.column_stack(columns)
    xs = np.broadcast_to(np.arange(ys.shape[1]), ys.shape)
    _, ax = plt().subplots(figsize=(1.6 * ys.shape[1] + 2, 4))
    lines = LineCollection(list(np.stack([xs, ys], axis=2)), cmap="Blues", linewidths=0.6)
    lines.set_array(d.y)
    ax.add_collection(lines)
    ax.set_xticks(range(ys.shape[1]), [target_name] + [a.name for a in d.axes])
    ax.set(title=title, xlim=(-0.1, ys.shape[1] - 0.9), ylim=(-0.05, 1.05))
    ax.figure.colorbar(lines, ax=ax, label=target_name)
    return ax


def _unit(values: np.ndarray, low: float, high: float) -> np.ndarray:
    return (values - low) / (high - low) if high > low else np.full(len(values), 0.5)


def plot_rank(
    study: Study,
    params: list[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """Parameter pairs (one parameter: against the target), coloured by the target's rank."""
    d = data.rank_data(study, params, target=target, target_name=target_name)
    title = "Rank Plot"
    if d.message or not d.axes:
        return empty_axes(d.message or "No parameters.", title)
    pairs = d.pairs or [(0, -1)]
    axes = panels(len(pairs), 3)
    for ax, (a, b) in zip(axes, pairs):
        xa = d.axes[a]
        keep = xa.present & (d.axes[b].present if b >= 0 else True)
        y = d.axes[b].values[keep] if b >= 0 else d.y[keep]
        ax.scatter(xa.values[keep], y, c=d.rank[keep], cmap="RdYlBu_r", vmin=0, vmax=1, s=8)
        set_param_axis(ax, xa, "x")
        if b >= 0:
            set_param_axis(ax, d.axes[b], "y")
        else:
            ax.set_ylabel(target_name)
    axes[0].figure.suptitle(title)
    return axes if len(axes) > 1 else axes[0]


def plot_param_importances(
    study: Study,
    evaluator: BaseImportanceEvaluator | None = None,
    params: list[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """Horizontal bars of the normalised importances (most important on top)."""
    d = data.param_importances_data(
        study, evaluator, params, target=target, target_name=target_name
    )
    title = "Hyperparameter Importances"
    if d.message:
        return empty_axes(d.message, title)
    _, ax = plt().subplots()
    k = len(d.series)
    height = 0.8 / k
    rows = np.arange(len(d.names))[::-1]  # most important on top
    for i, (label, values) in enumerate(d.series.items()):
        bars = ax.barh(rows + (k - 1 - 2 * i) * height / 2, values, height=height, label=label)
        ax.bar_label(bars, labels=[f"{v:.2f}" for v in values], padding=2)
    ax.set_yticks(rows, d.names)
    ax.set(title=title, xlabel=f"Importance ({d.evaluator})", ylabel="Hyperparameter")
    if k > 1:
        ax.legend(fontsize="small")
    return ax
