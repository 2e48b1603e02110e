"""Figures of the value plots from the visualization data steps, downsampled (see _downsample)."""

from __future__ import annotations

from typing import Any

import numpy as np

from hypersearch.dashboard import _downsample as ds
from hypersearch.dashboard._figures import (
    Figure,
    arr,
    empty,
    grid_axes,
    layout,
    line,
    objective_target,
    pick_params,
    scatter,
)
from hypersearch.study._direction import StudyDirection
from hypersearch.visualization import _data_values as data
from hypersearch.visualization._common import NO_TRIALS, ParamAxis, complete_values

#: Parameters drawn by default: slice and parallel coordinates, and contour pairs.
MAX_SLICE_PARAMS = 12
MAX_CONTOUR_PARAMS = 4
COLORSCALE = "Blues"
#: Points of all slice panels together (each keeps at least 500, at most 2,000).
SLICE_POINTS = 8000


def _signed(y: np.ndarray, history: Any, objective: int) -> np.ndarray:
    """``y`` turned so that smaller is better (to pick the best points of a subset)."""
    return -y if history.directions[objective] == StudyDirection.MAXIMIZE else y


def history_figure(study: Any, history: Any, objective: int = 0) -> Figure:
    target, name = objective_target(history, objective)
    d = data.optimization_history_data(study, target=target, target_name=name)
    if d.message:
        return empty("history", d.message)
    return _history_drawing(d.series[0], name)


def history_figure_of(history: Any) -> Figure:
    """A single-objective study's history plot from the history's value columns alone
    (a light first read, whose trial objects are not read)."""
    rows, y = complete_values(history, None)
    if not len(y):
        return empty("history", NO_TRIALS)
    best = data._best_so_far(y, history.directions[0], None)
    return _history_drawing(data.Series("", rows.astype(float), y, best), "Objective Value")


def _history_drawing(s: data.Series, name: str) -> Figure:
    fig = Figure("history", total=len(s.values))
    keep = ds.envelope(s.values)
    fig.add(scatter(s.numbers[keep], s.values[keep], name, customdata=arr(s.numbers[keep])))
    best = ds.steps(s.best)
    fig.add(line(s.numbers[best], s.best[best], "Best Value", line={"shape": "hv"}))
    fig.layout = layout("Optimization History", "Trial", name)
    return fig


def compare_figure(studies: list[Any], objective: int = 0) -> Figure:
    """Several studies on one history plot: the mean and standard deviation at each trial."""
    history = studies[0].history
    target, name = objective_target(history, objective)
    d = data.optimization_history_data(studies, target=target, target_name=name, error_bar=True)
    if d.message:
        return empty("compare", d.message)
    b = d.band
    fig = Figure("compare", total=sum(len(s.values) for s in d.series))
    keep = ds.stride(len(b["numbers"]), ds.MAX_POINTS)
    fig.add(
        scatter(b["numbers"][keep], b["mean"][keep], f"{name} (mean)",
                error_y={"type": "data", "array": arr(b["std"][keep]), "visible": True})
    )  # fmt: skip
    fig.add(
        line(b["numbers"][keep], b["best_mean"][keep], "Best Value (mean)",
             error_y={"type": "data", "array": arr(b["best_std"][keep]), "visible": True})
    )  # fmt: skip
    for s in d.series:
        best = ds.steps(s.best)
        fig.add(line(s.numbers[best], s.best[best], f"{s.name}: best", line={"dash": "dot"}))
    fig.layout = layout("Comparison of studies", "Trial", name)
    return fig


def edf_figure(study: Any, history: Any, objective: int = 0) -> Figure:
    target, name = objective_target(history, objective)
    d = data.edf_data(study, target=target, target_name=name)
    if d.message:
        return empty("edf", d.message)
    fig = Figure("edf", total=len(d.values[0]))
    keep = ds.quantiles(len(d.values[0]))
    fig.add(line(d.values[0][keep], d.fractions[0][keep], name, line={"shape": "hv"}))
    fig.layout = layout("Empirical Distribution Function", name, "Cumulative Probability")
    return fig


def _axis_layout(axis: ParamAxis) -> dict[str, Any]:
    out: dict[str, Any] = {"title": {"text": axis.name}}
    if axis.log:
        out["type"] = "log"
    if axis.choices is not None:
        out.update(tickvals=list(range(len(axis.choices))), ticktext=list(axis.choices))
    return out


def slice_figure(study: Any, history: Any, objective: int = 0, params: Any = None) -> Figure:
    target, name = objective_target(history, objective)
    chosen = pick_params(history.param_names, params, MAX_SLICE_PARAMS)
    d = data.slice_data(study, chosen, target=target, target_name=name)
    if d.message:
        return empty("slice", d.message)
    per_panel = min(ds.MAX_POINTS, max(500, SLICE_POINTS // max(len(d.axes), 1)))
    keep = ds.subset(_signed(d.y, history, objective), limit=per_panel)
    fig = Figure("slice", total=len(d.y))
    n_cols = min(len(d.axes), 3)
    fig.layout = layout("Slice Plot", "", name, showlegend=False, **grid_axes(len(d.axes), n_cols))
    for i, axis in enumerate(d.axes):
        suffix = "" if i == 0 else str(i + 1)
        x = axis.values[keep]
        present = ~np.isnan(x)
        fig.add(
            scatter(x[present], d.y[keep][present], axis.name, xaxis=f"x{suffix}",
                    yaxis=f"y{suffix}", customdata=arr(d.numbers[keep][present]),
                    marker={"size": 4, "color": arr(d.numbers[keep][present]),
                            "colorscale": COLORSCALE})
        )  # fmt: skip
        fig.layout[f"xaxis{suffix}"].update(_axis_layout(axis))
    fig.layout["height"] = 300 * ((len(d.axes) + n_cols - 1) // n_cols)
    return fig


def contour_figure(study: Any, history: Any, objective: int = 0, params: Any = None) -> Figure:
    target, name = objective_target(history, objective)
    chosen = pick_params(history.param_names, params, MAX_CONTOUR_PARAMS)
    d = data.contour_data(study, chosen, target=target, target_name=name)
    if d.message:
        return empty("contour", d.message)
    fig = Figure("contour", total=len(d.y))
    n_cols = min(len(d.panels), 3)
    fig.layout = layout(
        "Contour Plot", "", "", showlegend=False, **grid_axes(len(d.panels), n_cols)
    )
    for i, p in enumerate(d.panels):
        suffix = "" if i == 0 else str(i + 1)
        gx = np.arange(len(p.gx)) if p.x.choices is not None else p.gx
        gy = np.arange(len(p.gy)) if p.y.choices is not None else p.gy
        z = [arr(row) for row in p.z]
        fig.add(
            {"type": "contour", "x": arr(gx), "y": arr(gy), "z": z, "xaxis": f"x{suffix}",
             "yaxis": f"y{suffix}", "colorscale": COLORSCALE, "showscale": i == 0,
             "connectgaps": True, "name": f"{p.x.name} / {p.y.name}"},
            n_points=p.z.size,
        )  # fmt: skip
        fig.layout[f"xaxis{suffix}"].update(_axis_layout(p.x))
        fig.layout[f"yaxis{suffix}"].update(_axis_layout(p.y))
    fig.layout["height"] = 320 * ((len(d.panels) + n_cols - 1) // n_cols)
    return fig


def _dimension(axis: ParamAxis, rows: np.ndarray) -> dict[str, Any]:
    values = axis.values[rows]
    if axis.choices is not None:
        return {
            "label": axis.name, "values": arr(values),
            "tickvals": list(range(len(axis.choices))), "ticktext": list(axis.choices),
        }  # fmt: skip
    if axis.log:
        return {"label": f"log10 {axis.name}", "values": arr(np.log10(values))}
    return {"label": axis.name, "values": arr(values), "range": [axis.low, axis.high]}


def parallel_figure(study: Any, history: Any, objective: int = 0, params: Any = None) -> Figure:
    target, name = objective_target(history, objective)
    chosen = pick_params(history.param_names, params, MAX_SLICE_PARAMS)
    d = data.parallel_coordinate_data(study, chosen, target=target, target_name=name)
    if d.message:
        return empty("parallel", d.message)
    keep = ds.subset(_signed(d.y, history, objective), limit=1000)
    dims = [{"label": name, "values": arr(d.y[keep])}]
    dims += [_dimension(a, keep) for a in d.axes]
    fig = Figure("parallel", total=len(d.y))
    fig.add(
        {"type": "parcoords", "dimensions": dims,
         "line": {"color": arr(d.y[keep]), "colorscale": COLORSCALE, "showscale": True}},
        n_points=len(keep),
    )  # fmt: skip
    fig.layout = {"title": {"text": "Parallel Coordinate Plot"}, "margin": {"l": 80, "r": 80}}
    return fig


def importance_figure(study: Any, history: Any, objective: int = 0) -> Figure:
    target, name = objective_target(history, objective)
    d = data.param_importances_data(study, target=target, target_name=name)
    if d.message:
        return empty("importances", d.message)
    fig = Figure("importances", total=len(d.names))
    order = np.argsort(d.importances)
    fig.add(
        {"type": "bar", "orientation": "h", "x": arr(d.importances[order]),
         "y": [d.names[i] for i in order], "name": d.evaluator}
    )  # fmt: skip
    fig.layout = layout(f"Parameter Importances ({d.evaluator})", "Importance", "")
    return fig
