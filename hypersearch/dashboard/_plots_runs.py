"""Figures of the run plots: learning curves with rungs, Pareto front, hypervolume, timeline,
PBT lineage and budget, from the visualization data steps, downsampled."""

from __future__ import annotations

from typing import Any

import numpy as np

from hypersearch.dashboard import _downsample as ds
from hypersearch.dashboard._figures import Figure, arr, empty, grid_axes, layout, line, scatter
from hypersearch.study._direction import StudyDirection
from hypersearch.study._history_reports import first
from hypersearch.trial._state import TrialState
from hypersearch.visualization import _data_mo, _data_runs

STATE_COLORS = {
    "COMPLETE": "#1f77b4",
    "PRUNED": "#ff7f0e",
    "FAIL": "#d62728",
    "RUNNING": "#2ca02c",
    "WAITING": "#7f7f7f",
}
#: Learning curves drawn at most: the best by last report, then the most recent.
MAX_CURVES = 200
MAX_STEPS_PER_CURVE = 200
MAX_BARS = 1000


def _curve_rows(history: Any) -> np.ndarray:
    reported = np.flatnonzero(history.last_step >= 0)
    if len(reported) <= MAX_CURVES:
        return reported
    last = history.last_report[reported]
    if history.directions[0] == StudyDirection.MAXIMIZE:
        last = -last
    best = reported[np.argsort(np.nan_to_num(last, nan=np.inf), kind="stable")[: MAX_CURVES // 2]]
    recent = np.setdiff1d(reported, best)[-(MAX_CURVES - len(best)) :]
    return np.sort(np.concatenate([best, recent]))


def intermediate_figure(study: Any, history: Any) -> Figure:
    rows = _curve_rows(history)
    if not len(rows):
        return empty("intermediate", "No trial reported intermediate values.")
    fig = Figure("intermediate", total=int(np.count_nonzero(history.last_step >= 0)))
    groups: dict[str, tuple[list[Any], list[Any], list[Any]]] = {}
    history.prefetch(rows.tolist())  # the curves' trials in one read
    for r in rows.tolist():
        t = history.trial(r)
        steps = sorted(t.intermediate_values)
        steps = [steps[i] for i in ds.stride(len(steps), MAX_STEPS_PER_CURVE)]
        xs, ys, ns = groups.setdefault(t.state.name, ([], [], []))
        xs += steps + [None]
        ys += [first(t.intermediate_values[s]) for s in steps] + [None]
        ns += [t.number] * len(steps) + [None]
    for state, (xs, ys, ns) in sorted(groups.items()):
        fig.add(
            {"type": "scatter", "mode": "lines+markers", "x": xs, "y": arr(np.array(ys, float)),
             "customdata": ns, "name": state, "connectgaps": False, "marker": {"size": 3},
             "line": {"color": STATE_COLORS.get(state), "width": 1}},
            n_points=len(xs) - xs.count(None),
        )  # fmt: skip
    _add_rungs(fig, study)
    fig.layout = layout("Intermediate Values (and rungs)", "Step", "Intermediate Value")
    return fig


def _add_rungs(fig: Figure, study: Any) -> None:
    """The rungs' values on a second panel when trials reached any (successive halving)."""
    d = _data_runs.rungs_data(study)
    if d.message:
        return
    keep = ds.stride(len(d.rung), ds.MAX_POINTS)
    outcome = np.array(d.outcome)[keep]
    for name in sorted(set(outcome.tolist())):
        m = outcome == name
        fig.add(
            scatter(d.rung[keep][m], d.values[keep][m], f"rung: {name}", xaxis="x2", yaxis="y2",
                    customdata=arr(d.numbers[keep][m]), marker={"size": 5})
        )  # fmt: skip
    fig.layout.update(grid_axes(2, 2))
    fig.layout["xaxis2"]["title"] = {"text": "Rung"}


def pareto_figure(study: Any, history: Any) -> Figure:
    if len(history.directions) not in (2, 3):
        return empty("pareto", "A Pareto front needs a study with 2 or 3 objectives.")
    d = _data_mo.pareto_front_data(study)
    if d.message:
        return empty("pareto", d.message)
    fig = Figure("pareto", total=len(d.numbers))
    three = d.values.shape[1] == 3
    dominated = d.feasible & ~d.on_front
    groups = [
        ("Pareto front", d.on_front, "#d62728"),
        ("Dominated", dominated, "#1f77b4"),
        ("Infeasible", ~d.feasible, "#bbbbbb"),
    ]
    for name, mask, color in groups:
        rows = np.flatnonzero(mask)
        rows = rows[ds.stride(len(rows), ds.MAX_POINTS)]
        v = d.values[rows]
        trace = scatter(v[:, 0], v[:, 1], name, marker={"color": color, "size": 5},
                        customdata=arr(d.numbers[rows]))  # fmt: skip
        if three:
            trace.update(type="scatter3d", z=arr(v[:, 2]))
        fig.add(trace)
    if three:
        fig.layout = {"title": {"text": "Pareto Front"}, "scene": {
            "xaxis": {"title": {"text": d.names[0]}}, "yaxis": {"title": {"text": d.names[1]}},
            "zaxis": {"title": {"text": d.names[2]}}}}  # fmt: skip
    else:
        fig.layout = layout("Pareto Front", d.names[0], d.names[1])
    return fig


def _reference_point(history: Any) -> np.ndarray:
    """The worst completed value of each objective, pushed 10% of the range further."""
    rows = history.mask(TrialState.COMPLETE)
    values = history.values[rows]
    values = values[np.isfinite(values).all(axis=1)]
    if not len(values):
        return np.ones(len(history.directions))
    signs = np.array([-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in history.directions])
    signed = values * signs
    worst, best = signed.max(axis=0), signed.min(axis=0)
    return (worst + 0.1 * np.maximum(worst - best, 1e-12)) * signs


def hypervolume_figure(study: Any, history: Any) -> Figure:
    if len(history.directions) < 2:
        return empty("hypervolume", "The hypervolume needs a multi-objective study.")
    ref = _reference_point(history)
    d = _data_mo.hypervolume_history_data(study, ref.tolist())
    if d.message:
        return empty("hypervolume", d.message)
    fig = Figure("hypervolume", total=len(d.numbers))
    keep = ds.steps(d.hypervolume)
    fig.add(line(d.numbers[keep], d.hypervolume[keep], "Hypervolume", line={"shape": "hv"}))
    ref_text = ", ".join(f"{x:.4g}" for x in ref)
    fig.layout = layout(f"Hypervolume History (reference {ref_text})", "Trial", "Hypervolume")
    return fig


def timeline_figure(study: Any, history: Any) -> Figure:
    d = _data_runs.timeline_data(study, n_recent_trials=MAX_BARS)
    if d.message:
        return empty("timeline", d.message)
    fig = Figure("timeline", total=int(history.n))
    states = np.array(d.states)
    for state in sorted(set(d.states)):
        m = states == state
        fig.add(
            {"type": "bar", "orientation": "h", "x": arr(d.end[m] - d.start[m]),
             "base": arr(d.start[m]), "y": arr(d.numbers[m]), "name": state,
             "marker": {"color": STATE_COLORS.get(state)}},
            n_points=int(m.sum()),
        )  # fmt: skip
    title = "Timeline" + (f" (the last {MAX_BARS} trials)" if history.n > MAX_BARS else "")
    fig.layout = layout(title, f"Seconds since {d.origin:%Y-%m-%d %H:%M:%S}", "Trial",
                        barmode="overlay")  # fmt: skip
    return fig


def budget_figure(study: Any, history: Any) -> Figure:
    d = _data_runs.budget_data(study)
    if d.message:
        return empty("budget", d.message)
    fig = Figure("budget", total=len(d.time))
    keep = ds.stride(len(d.time), ds.MAX_POINTS)
    for state, count in d.counts.items():
        fig.add(
            line(
                d.time[keep],
                count[keep],
                state,
                line={"shape": "hv", "color": STATE_COLORS.get(state)},
            )
        )
    fig.add(line(d.time[keep], d.compute_hours[keep], "compute (h)", xaxis="x2", yaxis="y2"))
    if d.cost is not None:
        fig.add(line(d.time[keep], d.cost[keep], "cost", xaxis="x2", yaxis="y2"))
    fig.layout = layout("Budget", "Hours since first start", "Finished trials", **grid_axes(2, 1))
    fig.layout["xaxis2"]["title"] = {"text": "Hours since first start"}
    fig.layout["yaxis2"]["title"] = {"text": "Compute hours / cost"}
    return fig


def lineage_figure(study: Any, history: Any) -> Figure:
    d = _data_runs.pbt_lineage_data(study)
    if d.message or not d.params:
        return empty("lineage", d.message or "No hyperparameters to plot.")
    params = d.params[:4]
    fig = Figure("lineage", total=len(d.segments))
    fig.layout = layout("PBT Lineage", "Step", "", **grid_axes(len(params), 1))
    for i, name in enumerate(params):
        suffix = "" if i == 0 else str(i + 1)
        refs = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        for member, segs in d.segments.items():
            xs, ys = _data_runs.member_steps(segs, name)
            fig.add({"type": "scatter", "mode": "lines", "x": xs, "y": ys, "name": f"member {member}",
                     "legendgroup": str(member), "showlegend": i == 0, **refs},
                    n_points=len(xs) - xs.count(None))  # fmt: skip
        ex, ey, text = _data_runs.exploit_marks(d, name)
        fig.add({"type": "scatter", "mode": "markers", "x": ex, "y": ey, "text": text,
                 "name": "exploit", "marker": {"symbol": "star", "size": 9, "color": "black"},
                 "showlegend": i == 0, **refs})  # fmt: skip
        fig.layout[f"yaxis{suffix}"]["title"] = {"text": name}
    fig.layout["height"] = max(380, 260 * len(params))
    return fig
