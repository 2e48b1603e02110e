"""Plotly figures of the value plots (drawing only: the data comes from ``_data_values``)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch.visualization import _data_values as data
from hypersearch.visualization._common import TargetFunc
from hypersearch.visualization._plotly_base import (
    COLORSCALE,
    axis_ref,
    empty_figure,
    go,
    grid,
    panel_axes,
    param_axis_layout,
)

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
    """Each completed trial's value and the best value so far, by trial number.

    Several studies draw one pair of traces each, or with ``error_bar=True`` their
    mean and standard deviation at each trial number.
    """
    d = data.optimization_history_data(
        study, target=target, target_name=target_name, error_bar=error_bar
    )
    title = "Optimization History Plot"
    if d.message:
        return empty_figure(d.message, title)
    traces: list[dict[str, Any]] = []
    if d.error_bar:
        b = d.band
        traces.append(_scatter(b["numbers"], b["mean"], target_name, error_y=b["std"]))
        traces.append(_line(b["numbers"], b["best_mean"], "Best Value"))
    else:
        many = len(d.series) > 1
        for s in d.series:
            prefix = f"{s.name}: " if many else ""
            traces.append(_scatter(s.numbers, s.values, prefix + target_name))
            traces.append(_line(s.numbers, s.best, prefix + "Best Value"))
    layout = {
        "title": {"text": title},
        "xaxis": {"title": {"text": "Trial"}},
        "yaxis": {"title": {"text": target_name}},
    }
    return go().Figure(data=traces, layout=layout)


def _scatter(x: np.ndarray, y: np.ndarray, name: str, error_y: Any = None) -> Any:
    trace = {"x": x, "y": y, "mode": "markers", "name": name}
    if error_y is not None:
        trace["error_y"] = {"type": "data", "array": error_y, "visible": True}
    return go().Scatter(**trace)


def _line(x: np.ndarray, y: np.ndarray, name: str) -> Any:
    return go().Scatter(x=x, y=y, mode="lines", name=name)


def plot_edf(
    study: Study | Sequence[Study],
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """Empirical distribution function of the completed trials' values, per study."""
    d = data.edf_data(study, target=target, target_name=target_name)
    title = "Empirical Distribution Function Plot"
    if d.message:
        return empty_figure(d.message, title)
    traces = [
        go().Scatter(x=v, y=f, mode="lines", line={"shape": "hv"}, name=name)
        for name, v, f in zip(d.names, d.values, d.fractions)
    ]
    layout = {
        "title": {"text": title},
        "xaxis": {"title": {"text": target_name}},
        "yaxis": {"title": {"text": "Cumulative Probability"}, "range": [0, 1]},
    }
    return go().Figure(data=traces, layout=layout)


def plot_slice(
    study: Study,
    params: list[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """One panel per parameter: its value against the target, coloured by trial number."""
    d = data.slice_data(study, params, target=target, target_name=target_name)
    title = "Slice Plot"
    if d.message:
        return empty_figure(d.message, title)
    domains = grid(len(d.axes), n_cols=min(len(d.axes), 4))
    layout = {"title": {"text": title}, "showlegend": False, **panel_axes(domains)}
    traces = []
    for i, axis in enumerate(d.axes):
        keep = axis.present
        traces.append(
            go().Scatter(
                x=axis.values[keep],
                y=d.y[keep],
                mode="markers",
                name=axis.name,
                xaxis=axis_ref(i, "x"),
                yaxis=axis_ref(i, "y"),
                marker={
                    "color": d.numbers[keep],
                    "colorscale": COLORSCALE,
                    "showscale": i == 0,
                    "colorbar": {"title": {"text": "Trial"}},
                },
            )
        )
        key = "xaxis" if i == 0 else f"xaxis{i + 1}"
        layout[key].update(param_axis_layout(axis))
    layout["yaxis"]["title"] = {"text": target_name}
    return go().Figure(data=traces, layout=layout)


def plot_contour(
    study: Study,
    params: list[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """Every pair of parameters: the target's landscape (grid means, filled by nearest) and the trials."""
    d = data.contour_data(study, params, target=target, target_name=target_name)
    title = "Contour Plot"
    if d.message:
        return empty_figure(d.message, title)
    domains = grid(len(d.panels), n_cols=min(len(d.panels), 3), gap=0.08)
    layout = {"title": {"text": title}, "showlegend": False, **panel_axes(domains)}
    traces = []
    zmin, zmax = float(np.min(d.y)), float(np.max(d.y))
    for i, p in enumerate(d.panels):
        refs = {"xaxis": axis_ref(i, "x"), "yaxis": axis_ref(i, "y")}
        traces.append(
            go().Contour(
                x=p.gx, y=p.gy, z=p.z, colorscale=COLORSCALE, zmin=zmin, zmax=zmax,
                showscale=i == 0, colorbar={"title": {"text": target_name}}, **refs,
            )
        )  # fmt: skip
        keep = p.x.present & p.y.present
        traces.append(
            go().Scatter(
                x=p.x.values[keep], y=p.y.values[keep], mode="markers",
                marker={"color": "black", "size": 3}, name="Trial", **refs,
            )
        )  # fmt: skip
        suffix = "" if i == 0 else str(i + 1)
        layout[f"xaxis{suffix}"].update(param_axis_layout(p.x))
        layout[f"yaxis{suffix}"].update(param_axis_layout(p.y))
    return go().Figure(data=traces, layout=layout)


def plot_parallel_coordinate(
    study: Study,
    params: list[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """One line per completed trial across the target and every parameter's axis."""
    d = data.parallel_coordinate_data(study, params, target=target, target_name=target_name)
    title = "Parallel Coordinate Plot"
    if d.message:
        return empty_figure(d.message, title)
    dims = [{"label": target_name, "values": d.y, "range": [float(d.y.min()), float(d.y.max())]}]
    for axis in d.axes:
        dims.append(_dimension(axis))
    line = {"color": d.y, "colorscale": COLORSCALE, "showscale": True}
    trace = go().Parcoords(dimensions=dims, line=line)
    return go().Figure(data=[trace], layout={"title": {"text": title}})


def _dimension(axis: Any) -> dict[str, Any]:
    if axis.choices is not None:
        return {
            "label": axis.name,
            "values": axis.values,
            "range": [0, max(len(axis.choices) - 1, 1)],
            "tickvals": list(range(len(axis.choices))),
            "ticktext": list(axis.choices),
        }
    if axis.log:
        lo, hi = math.log10(axis.low), math.log10(axis.high)
        ticks: list[float] = list(range(math.ceil(lo), math.floor(hi) + 1)) or [lo, hi]
        return {
            "label": axis.name,
            "values": np.log10(axis.values),
            "range": [lo, hi],
            "tickvals": ticks,
            "ticktext": [f"{10**t:.3g}" for t in ticks],
        }
    return {"label": axis.name, "values": axis.values, "range": [axis.low, axis.high]}


def plot_rank(
    study: Study,
    params: list[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> Any:
    """Scatter of parameter pairs (one parameter: against the target), coloured by the target's rank."""
    d = data.rank_data(study, params, target=target, target_name=target_name)
    title = "Rank Plot"
    if d.message:
        return empty_figure(d.message, title)
    if not d.axes:
        return empty_figure("No parameters.", title)
    panels = d.pairs or [(0, -1)]
    domains = grid(len(panels), n_cols=min(len(panels), 3), gap=0.08)
    layout = {"title": {"text": title}, "showlegend": False, **panel_axes(domains)}
    traces = []
    for i, (a, b) in enumerate(panels):
        xa = d.axes[a]
        keep = xa.present & (d.axes[b].present if b >= 0 else True)
        y = d.axes[b].values[keep] if b >= 0 else d.y[keep]
        traces.append(
            go().Scatter(
                x=xa.values[keep], y=y, mode="markers",
                xaxis=axis_ref(i, "x"), yaxis=axis_ref(i, "y"),
                marker={"color": d.rank[keep], "colorscale": "RdYlBu_r", "cmin": 0, "cmax": 1,
                        "showscale": i == 0, "colorbar": {"title": {"text": "Rank"}}},
            )
        )  # fmt: skip
        suffix = "" if i == 0 else str(i + 1)
        layout[f"xaxis{suffix}"].update(param_axis_layout(xa))
        ylayout = param_axis_layout(d.axes[b]) if b >= 0 else {"title": {"text": target_name}}
        layout[f"yaxis{suffix}"].update(ylayout)
    return go().Figure(data=traces, layout=layout)


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
        return empty_figure(d.message, title)
    bars = [
        go().Bar(
            x=values[::-1],
            y=d.names[::-1],
            orientation="h",
            text=[f"{v:.2f}" for v in values[::-1]],
            textposition="outside",
            name=label,
        )
        for label, values in d.series.items()
    ]
    layout = {
        "title": {"text": title},
        "xaxis": {"title": {"text": f"Importance ({d.evaluator})"}},
        "yaxis": {"title": {"text": "Hyperparameter"}},
        "showlegend": len(bars) > 1,
    }
    return go().Figure(data=bars, layout=layout)
