"""matplotlib twins: same data as the plotly figures, drawn on Axes."""

from __future__ import annotations

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.visualization import matplotlib as mvis

matplotlib = pytest.importorskip("matplotlib", reason="matplotlib is in the test extra")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def first_value(t):
    return t.values[0]


SINGLE = [
    mvis.plot_optimization_history,
    mvis.plot_edf,
    mvis.plot_slice,
    mvis.plot_contour,
    mvis.plot_parallel_coordinate,
    mvis.plot_rank,
    mvis.plot_param_importances,
    mvis.plot_intermediate_values,
    mvis.plot_timeline,
    mvis.plot_budget,
    mvis.plot_rungs,
]


def _values(study):
    return np.array([t.values[0] for t in study.trials if t.state == hs.TrialState.COMPLETE])


@pytest.mark.parametrize("kind", ["single", "pruned", "conditional", "mo"])
def test_every_plot_renders_on_every_study(studies, kind):
    study = studies[kind]
    for plot in SINGLE:
        kwargs = (
            {"target": first_value}
            if kind == "mo" and "target" in plot.__code__.co_varnames
            else {}
        )
        out = plot(study, **kwargs)
        axes = np.atleast_1d(out)
        drawn = sum(len(a.lines) + len(a.collections) + len(a.patches) for a in axes)
        assert drawn or ":" in axes[0].get_title(), plot.__name__
        plt.close("all")
    if kind == "mo":
        ax = mvis.plot_pareto_front(study)
        assert sum(len(c.get_offsets()) for c in ax.collections) == len(_values(study))
        hv = mvis.plot_hypervolume_history(study, [2.0, -1.0])
        assert len(hv.lines[0].get_ydata()) == len(study.trials)


def test_optimization_history_points(studies):
    study = studies["single"]
    ax = mvis.plot_optimization_history(study)
    np.testing.assert_allclose(ax.collections[0].get_offsets()[:, 1], _values(study))
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.minimum.accumulate(_values(study)))
    assert ax.get_xlabel() == "Trial"


def test_slice_axes(studies):
    axes = mvis.plot_slice(studies["single"])
    assert [a.get_xlabel() for a in axes] == ["act", "lr", "x"]
    assert axes[1].get_xscale() == "log"
    assert axes[1].get_xlim() == pytest.approx((1e-4, 1e-1))
    assert [t.get_text() for t in axes[0].get_xticklabels()] == ["relu", "gelu"]


def test_param_importances_and_rungs(studies):
    ax = mvis.plot_param_importances(studies["single"])
    widths = [p.get_width() for p in ax.patches]
    assert sum(widths) == pytest.approx(1.0)
    axes = mvis.plot_rungs(studies["pruned"])
    assert axes[0].get_xlabel() == "Rung"


def test_empty_study_message():
    ax = mvis.plot_slice(hs.create_study())
    assert "No completed trials" in ax.get_title()
    with pytest.raises(ValueError, match="several objectives"):
        mvis.plot_slice(hs.create_study(directions=["minimize", "minimize"]))


def test_matplotlib_twins_reachable_as_an_attribute():
    import hypersearch.visualization as vis

    assert vis.matplotlib is mvis
    with pytest.raises(AttributeError, match="no_such_plot"):
        _ = vis.no_such_plot
