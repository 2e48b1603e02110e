"""Plotly figures: the data they carry (points, ranges, names), on every kind of study."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hypersearch as hs
from hypersearch import visualization as vis

pytest.importorskip("plotly", reason="plotly is in the test extra")  # CI installs it


def _values(study, i=0):
    return np.array([t.values[i] for t in study.trials if t.state == hs.TrialState.COMPLETE])


def first_value(t):
    return t.values[0]


SINGLE = [
    vis.plot_optimization_history,
    vis.plot_edf,
    vis.plot_slice,
    vis.plot_contour,
    vis.plot_parallel_coordinate,
    vis.plot_rank,
    vis.plot_param_importances,
    vis.plot_intermediate_values,
    vis.plot_timeline,
    vis.plot_budget,
    vis.plot_rungs,
]


@pytest.mark.parametrize("kind", ["single", "pruned", "conditional", "mo"])
def test_every_plot_renders_on_every_study(studies, kind):
    study = studies[kind]
    target = first_value if kind == "mo" else None
    for plot in SINGLE:
        kwargs = {"target": target} if target and "target" in plot.__code__.co_varnames else {}
        fig = plot(study, **kwargs)
        title = fig.layout.title.text
        assert fig.data or ":" in title, (plot.__name__, title)
    if kind == "mo":
        assert len(vis.plot_pareto_front(study).data) == 3
        assert len(vis.plot_hypervolume_history(study, [2.0, -1.0]).data[0].y) == len(study.trials)


def test_optimization_history_points_and_best(studies):
    study = studies["single"]
    fig = vis.plot_optimization_history(study)
    values = _values(study)
    assert [t.name for t in fig.data] == ["Objective Value", "Best Value"]
    np.testing.assert_allclose(fig.data[0].y, values)
    np.testing.assert_allclose(fig.data[1].y, np.minimum.accumulate(values))
    assert fig.layout.xaxis.title.text == "Trial"


def test_optimization_history_of_several_studies_with_error_bar(studies):
    a, b = studies["single"], studies["pruned"]
    fig = vis.plot_optimization_history([a, b])
    assert [t.name for t in fig.data][::2] == ["single: Objective Value", "pruned: Objective Value"]
    band = vis.plot_optimization_history([a, a], error_bar=True)
    np.testing.assert_allclose(band.data[0].y, _values(a))
    np.testing.assert_allclose(band.data[0].error_y.array, 0.0)


def test_slice_axes_match_the_distributions(studies):
    study = studies["single"]
    fig = vis.plot_slice(study)
    assert [t.name for t in fig.data] == ["act", "lr", "x"]
    np.testing.assert_allclose(sorted(fig.data[2].x), sorted(t.params["x"] for t in study.trials))
    assert fig.layout.xaxis2.type == "log"
    assert fig.layout.xaxis2.range == pytest.approx((-4.0, -1.0))
    assert list(fig.layout.xaxis.ticktext) == ["relu", "gelu"]
    lo, hi = fig.layout.xaxis3.range
    assert lo < -2.0 and hi > 2.0


def test_contour_pairs_and_grid(studies):
    fig = vis.plot_contour(studies["single"], params=["x", "lr"])
    contour, points = fig.data
    assert np.asarray(contour.z).shape == (50, 50)
    assert np.isfinite(np.asarray(contour.z)).all()
    assert fig.layout.xaxis.title.text == "x" and fig.layout.yaxis.title.text == "lr"
    assert len(points.x) == len(_values(studies["single"]))
    assert len(vis.plot_contour(studies["single"]).data) == 6  # 3 pairs


def test_parallel_coordinate_dimensions(studies):
    fig = vis.plot_parallel_coordinate(studies["single"])
    dims = fig.data[0].dimensions
    assert [d.label for d in dims] == ["Objective Value", "act", "lr", "x"]
    assert list(dims[1].ticktext) == ["relu", "gelu"]
    np.testing.assert_allclose(dims[0].values, _values(studies["single"]))


def test_conditional_parameters(studies):
    study = studies["conditional"]
    fig = vis.plot_slice(study)
    n_a = sum("a_x" in t.params for t in study.trials)
    assert {t.name: len(t.x) for t in fig.data} == {
        "a_x": n_a,
        "b_k": len(study.trials) - n_a,
        "kind": len(study.trials),
    }
    # parallel coordinates keep the rows that have every plotted parameter
    assert (
        len(
            vis.plot_parallel_coordinate(study, params=["kind", "a_x"]).data[0].dimensions[0].values
        )
        == n_a
    )


def test_rank_colours_are_percentiles(studies):
    fig = vis.plot_rank(studies["single"], params=["x", "lr"])
    colors = np.asarray(fig.data[0].marker.color)
    assert colors.min() == 0.0 and colors.max() == 1.0
    one = vis.plot_rank(studies["single"], params=["x"])
    np.testing.assert_allclose(one.data[0].y, _values(studies["single"]))


def test_param_importances_bars(studies):
    fig = vis.plot_param_importances(studies["single"])
    bar = fig.data[0]
    assert sorted(bar.y) == ["act", "lr", "x"]
    assert sum(bar.x) == pytest.approx(1.0)
    assert list(bar.x) == sorted(bar.x)  # most important drawn on top (last)


def test_param_importances_per_objective_without_target(studies):
    fig = vis.plot_param_importances(studies["mo"])
    assert [t.name for t in fig.data] == ["Objective Value 0", "Objective Value 1"]
    assert all(sum(t.x) == pytest.approx(1.0) for t in fig.data)
    by_target = vis.plot_param_importances(studies["mo"], target=first_value, target_name="x")
    assert [t.name for t in by_target.data] == ["x"]


def test_intermediate_values_curves(studies):
    study = studies["pruned"]
    fig = vis.plot_intermediate_values(study)
    states = {t.name.split(" ")[0] for t in fig.data}
    assert states == {"COMPLETE", "PRUNED"}
    n_reports = sum(len(t.intermediate_values) for t in study.trials)
    assert sum(int(np.isfinite(np.asarray(t.y, dtype=float)).sum()) for t in fig.data) == n_reports


def test_timeline_and_budget(studies):
    study = studies["pruned"]
    fig = vis.plot_timeline(study)
    assert sum(len(t.y) for t in fig.data) == len(study.trials)
    assert all(min(t.x) >= 0 for t in fig.data)
    assert len(vis.plot_timeline(study, n_recent_trials=5).data[0].y) <= 5
    budget = vis.plot_budget(study)
    finals = {t.name: t.y[-1] for t in budget.data if t.name in ("COMPLETE", "PRUNED")}
    assert finals == {
        "COMPLETE": len(study.get_trials(states=(hs.TrialState.COMPLETE,))),
        "PRUNED": len(study.get_trials(states=(hs.TrialState.PRUNED,))),
    }


def test_rungs_outcomes(studies):
    study = studies["pruned"]
    fig = vis.plot_rungs(study)
    points = {t.name: len(t.x) for t in fig.data if t.type == "scatter"}
    n_rung_values = sum(
        sum(1 for k in t.system_attrs if k.startswith("rung_")) for t in study.trials
    )
    assert sum(points.values()) == n_rung_values
    assert "stopped" in points and "promoted" in points
    trials_bar = next(t for t in fig.data if t.name == "trials")
    assert trials_bar.y[0] == len(study.trials)  # every trial reaches rung 0


def test_pareto_front_and_constraints(studies):
    study = studies["mo"]
    fig = vis.plot_pareto_front(study, target_names=["x", "y"])
    by_name = {t.name: t for t in fig.data}
    infeasible = [t for t in study.trials if t.params["x"] > 0.7]
    assert len(by_name["Infeasible Trial"].x) == len(infeasible)
    front = by_name["Best Trial"]
    assert len(front.x) >= 1 and max(front.x) <= 0.7
    assert fig.layout.xaxis.title.text == "x"
    only_front = vis.plot_pareto_front(study, include_dominated_trials=False)
    assert len(only_front.data) == 1
    swapped = vis.plot_pareto_front(study, axis_order=[1, 0])
    np.testing.assert_allclose(swapped.data[0].x, front.y)


def test_hypervolume_history_never_decreases(studies):
    fig = vis.plot_hypervolume_history(studies["mo"], reference_point=[1.5, -0.5])
    hv = np.asarray(fig.data[0].y)
    assert (np.diff(hv) >= 0).all() and hv[-1] > 0


def test_edf_ends_at_one(studies):
    fig = vis.plot_edf([studies["single"], studies["pruned"]])
    assert [t.name for t in fig.data] == ["single", "pruned"]
    assert all(t.y[-1] == 1.0 for t in fig.data)


def test_bad_input_is_named(studies):
    with pytest.raises(ValueError, match="'nope'"):
        vis.plot_slice(studies["single"], params=["nope"])
    with pytest.raises(ValueError, match="several objectives"):
        vis.plot_optimization_history(studies["mo"])
    with pytest.raises(ValueError, match="reference_point"):
        vis.plot_hypervolume_history(studies["mo"], [1.0])
    with pytest.raises(ValueError, match="axis_order"):
        vis.plot_pareto_front(studies["mo"], axis_order=[0, 0])
    with pytest.raises(ValueError, match="2 or 3"):
        vis.plot_pareto_front(studies["single"])
    with pytest.raises(TypeError, match="Study"):
        vis.plot_slice("not a study")


def test_empty_and_all_failed_studies_give_a_message():
    empty = hs.create_study()
    failed = hs.create_study()

    def boom(trial):
        trial.suggest_float("x", 0, 1)
        raise RuntimeError("no")

    failed.optimize(boom, n_trials=3, catch=(RuntimeError,))
    for study in (empty, failed):
        for plot in SINGLE:
            fig = plot(study)
            if study is failed and plot in (vis.plot_timeline, vis.plot_budget):
                assert [t.name for t in fig.data][0] == "FAIL"  # failed trials took time
                continue
            assert not fig.data and "no " in fig.layout.title.text.lower(), plot.__name__


def test_non_finite_target_values_are_dropped(studies):
    study = studies["single"]
    target = lambda t: math.inf if t.number % 2 else t.values[0]  # noqa: E731
    fig = vis.plot_optimization_history(study, target=target)
    assert len(fig.data[0].y) == sum(1 for t in study.trials if t.number % 2 == 0)
    assert np.isfinite(np.asarray(fig.data[0].y)).all()


def test_pbt_lineage():
    from hypersearch.schedulers import PBTScheduler, optimize_pbt

    scheduler = PBTScheduler(population_size=2, perturbation_interval=2, max_steps=6, seed=0)
    study = hs.create_study(direction="maximize", pruner=scheduler)

    def objective(trial):
        h = trial.suggest_float("h", 0.0, 1.0)
        saved = trial.checkpoint.load()
        step = int(saved.decode()) if saved else 0
        while step < 6:
            trial.report(h * step, step)
            step += 1
            trial.checkpoint.save(str(step).encode())
            if trial.should_prune():
                raise hs.TrialPruned()
        return h * step

    optimize_pbt(study, objective)
    fig = vis.plot_pbt_lineage(study)
    members = [t for t in fig.data if t.name.startswith("member")]
    assert [t.name for t in members] == ["member 0", "member 1"]
    xs = [x for x in members[0].x if x is not None]
    assert min(xs) == 0 and max(xs) == 6
    with pytest.raises(ValueError, match="'nope'"):
        vis.plot_pbt_lineage(study, params=["nope"])


def test_missing_plotly_names_the_extra(studies, monkeypatch):
    import importlib

    real = importlib.import_module

    def fake(name, *args, **kwargs):
        if name.startswith("plotly"):
            raise ImportError("no plotly")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(importlib, "import_module", fake)
    with pytest.raises(ImportError, match=r"pip install 'hypersearch\[plot\]'"):
        vis.plot_slice(studies["single"])


def test_two_objective_sweep_matches_the_library_hypervolume(studies):
    from hypersearch.multi_objective import hypervolume_history

    study = studies["mo"]
    fig = vis.plot_hypervolume_history(study, reference_point=[1.2, -0.2])
    np.testing.assert_allclose(fig.data[0].y, hypervolume_history(study, [1.2, -0.2]))
