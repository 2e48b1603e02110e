"""Plotly figures of the run and multi-objective plots (drawing only)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch.trial._frozen import FrozenTrial
from hypersearch.visualization import _data_mo, _data_runs
from hypersearch.visualization._plotly_base import (
    COLORSCALE,
    OUTCOME_COLORS,
    STATE_COLORS,
    axis_ref,
    empty_figure,
    go,
    grid,
    panel_axes,
)

if TYPE_CHECKING:
    from hypersearch.study._study import Study


def plot_intermediate_values(study: Study) -> Any:
    """Every trial's reported values by step (one trace per trial state)."""
    d = _data_runs.intermediate_values_data(study)
    title = "Intermediate Values Plot"
    if d.message:
        return empty_figure(d.message, title)
    traces = [
        go().Scatter(
            x=c.steps, y=c.values, mode="lines+markers", connectgaps=False,
            name=f"{c.state} ({c.n_trials})", customdata=c.numbers,
            line={"color": STATE_COLORS.get(c.state)}, marker={"size": 3},
        )
        for c in d.curves
    ]  # fmt: skip
    layout = {
        "title": {"text": title},
        "xaxis": {"title": {"text": "Step"}},
        "yaxis": {"title": {"text": "Intermediate Value"}},
    }
    return go().Figure(data=traces, layout=layout)


def plot_timeline(study: Study, n_recent_trials: int | None = None) -> Any:
    """One bar per trial from its start to its end (now, while running), coloured by state."""
    d = _data_runs.timeline_data(study, n_recent_trials)
    title = "Timeline Plot"
    if d.message:
        return empty_figure(d.message, title)
    states = np.array(d.states)
    traces = []
    for state in sorted(set(d.states)):
        m = states == state
        traces.append(
            go().Bar(
                x=d.end[m] - d.start[m], base=d.start[m], y=d.numbers[m], orientation="h",
                name=state, marker={"color": STATE_COLORS.get(state)},
            )
        )  # fmt: skip
    layout = {
        "title": {"text": title},
        "xaxis": {"title": {"text": f"Seconds since {d.origin:%Y-%m-%d %H:%M:%S}"}},
        "yaxis": {"title": {"text": "Trial"}},
        "barmode": "overlay",
    }
    return go().Figure(data=traces, layout=layout)


def plot_budget(study: Study) -> Any:
    """What the study spent over time: finished trials by state, compute hours, cost."""
    d = _data_runs.budget_data(study)
    title = "Budget Plot"
    if d.message:
        return empty_figure(d.message, title)
    n = 3 if d.cost is not None else 2
    domains = grid(n, n_cols=1, gap=0.1)
    layout = {"title": {"text": title}, **panel_axes(domains)}
    traces = [
        go().Scatter(x=d.time, y=count, mode="lines", name=state, line={"shape": "hv",
                     "color": STATE_COLORS.get(state)})
        for state, count in d.counts.items()
    ]  # fmt: skip
    traces.append(
        go().Scatter(x=d.time, y=d.compute_hours, mode="lines", name="compute (h)",
                     xaxis="x2", yaxis="y2")
    )  # fmt: skip
    layout["yaxis"]["title"] = {"text": "Finished trials"}
    layout["yaxis2"]["title"] = {"text": "Compute (hours)"}
    if d.cost is not None:
        traces.append(go().Scatter(x=d.time, y=d.cost, mode="lines", name="cost",
                                   xaxis="x3", yaxis="y3"))  # fmt: skip
        layout["yaxis3"]["title"] = {"text": "Cost"}
    layout[f"xaxis{n}" if n > 1 else "xaxis"]["title"] = {"text": "Hours since first start"}
    return go().Figure(data=traces, layout=layout)


def plot_rungs(study: Study) -> Any:
    """Multi-fidelity rungs: each trial's value at each rung by outcome, and trials / steps per rung."""
    d = _data_runs.rungs_data(study)
    title = "Rungs Plot"
    if d.message:
        return empty_figure(d.message, title)
    domains = grid(2, n_cols=2, gap=0.1)
    layout = {"title": {"text": title}, "barmode": "group", **panel_axes(domains)}
    outcome = np.array(d.outcome)
    jitter = np.random.default_rng(0).uniform(-0.2, 0.2, len(d.rung))
    traces = []
    for name, color in OUTCOME_COLORS.items():
        m = outcome == name
        if m.any():
            traces.append(
                go().Scatter(x=d.rung[m] + jitter[m], y=d.values[m], mode="markers", name=name,
                             marker={"color": color, "size": 5}, customdata=d.numbers[m])
            )  # fmt: skip
    rungs = np.arange(len(d.per_rung_trials))
    traces.append(go().Bar(x=rungs, y=d.per_rung_trials, name="trials", xaxis="x2", yaxis="y2"))
    traces.append(
        go().Bar(x=rungs, y=d.per_rung_steps, name="steps (stopped here)", xaxis="x2", yaxis="y2")
    )
    layout["xaxis"].update(title={"text": "Rung"}, tickvals=list(rungs))
    layout["yaxis"]["title"] = {"text": "Value at rung"}
    layout["xaxis2"].update(title={"text": "Rung"}, tickvals=list(rungs))
    layout["yaxis2"]["title"] = {"text": "Trials / steps"}
    return go().Figure(data=traces, layout=layout)


def plot_pbt_lineage(study: Study, params: list[str] | None = None) -> Any:
    """PBT: each member's hyperparameters over training steps; exploits marked where they copy."""
    d = _data_runs.pbt_lineage_data(study, params)
    title = "PBT Lineage Plot"
    if d.message:
        return empty_figure(d.message, title)
    if not d.params:
        return empty_figure("No hyperparameters to plot.", title)
    domains = grid(len(d.params), n_cols=1, gap=0.08)
    layout = {"title": {"text": title}, **panel_axes(domains)}
    traces = []
    for i, name in enumerate(d.params):
        refs = {"xaxis": axis_ref(i, "x"), "yaxis": axis_ref(i, "y")}
        for member, segs in d.segments.items():
            xs, ys = _data_runs.member_steps(segs, name)
            traces.append(go().Scatter(x=xs, y=ys, mode="lines", name=f"member {member}",
                                       legendgroup=str(member), showlegend=i == 0, **refs))  # fmt: skip
        ex, ey, text = _data_runs.exploit_marks(d, name)
        traces.append(go().Scatter(x=ex, y=ey, mode="markers", name="exploit", text=text,
                                   marker={"symbol": "star", "size": 9, "color": "black"},
                                   showlegend=i == 0, **refs))  # fmt: skip
        layout[axis_ref(i, "y").replace("y", "yaxis")]["title"] = {"text": name}
    layout[f"xaxis{len(d.params)}" if len(d.params) > 1 else "xaxis"]["title"] = {"text": "Step"}
    return go().Figure(data=traces, layout=layout)


def plot_pareto_front(
    study: Study,
    *,
    target_names: list[str] | None = None,
    include_dominated_trials: bool = True,
    axis_order: list[int] | None = None,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    targets: Callable[[FrozenTrial], Sequence[float]] | None = None,
) -> Any:
    """Completed trials in objective space (2-D or 3-D): the front, the rest, the infeasible."""
    d = _data_mo.pareto_front_data(
        study, target_names=target_names, include_dominated_trials=include_dominated_trials,
        axis_order=axis_order, constraints_func=constraints_func, targets=targets,
    )  # fmt: skip
    title = "Pareto-front Plot"
    if d.message:
        return empty_figure(d.message, title)
    three = d.values.shape[1] == 3
    groups = [("Best Trial", d.on_front, {"color": d.numbers[d.on_front], "colorscale": "Reds"})]
    if include_dominated_trials:
        dominated = d.feasible & ~d.on_front
        groups.append(
            ("Trial", dominated, {"color": d.numbers[dominated], "colorscale": COLORSCALE})
        )
        groups.append(("Infeasible Trial", ~d.feasible, {"color": "#cccccc"}))
    traces = []
    for name, mask, marker in groups:
        v = d.values[mask]
        kw = {"x": v[:, 0], "y": v[:, 1], "mode": "markers", "name": name, "marker": marker,
              "customdata": d.numbers[mask]}  # fmt: skip
        traces.append(go().Scatter3d(z=v[:, 2], **kw) if three else go().Scatter(**kw))
    titles = [{"title": {"text": n}} for n in d.names]
    layout: dict[str, Any] = {"title": {"text": title}}
    if three:
        layout["scene"] = {"xaxis": titles[0], "yaxis": titles[1], "zaxis": titles[2]}
    else:
        layout.update(xaxis=titles[0], yaxis=titles[1])
    return go().Figure(data=traces, layout=layout)


def plot_hypervolume_history(study: Study, reference_point: Sequence[float]) -> Any:
    """The hypervolume of the completed (feasible) trials up to each trial number."""
    d = _data_mo.hypervolume_history_data(study, reference_point)
    title = "Hypervolume History Plot"
    if d.message:
        return empty_figure(d.message, title)
    trace = go().Scatter(x=d.numbers, y=d.hypervolume, mode="lines+markers", name="Hypervolume")
    layout = {
        "title": {"text": title},
        "xaxis": {"title": {"text": "Trial"}},
        "yaxis": {"title": {"text": "Hypervolume"}},
    }
    return go().Figure(data=[trace], layout=layout)
