"""plot_improvement / plot_terminator_improvement: plotly and matplotlib, recorded or computed."""

from __future__ import annotations

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.terminator import BestValueStagnationEvaluator, StaticErrorEvaluator
from hypersearch.visualization import matplotlib as mvis
from hypersearch.visualization import plot_improvement, plot_terminator_improvement


def _objective(trial):
    x = trial.suggest_float("x", -1.0, 1.0)
    scores = [x * x + s for s in (-0.3, 0.0, 0.3)]
    hs.terminator.report_cross_validation_scores(trial, scores)
    return float(np.mean(scores))


@pytest.fixture(scope="module")
def stopped():
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    study.optimize(_objective, n_trials=40, stop="auto")
    return study


def test_the_recorded_trace_is_drawn_with_the_stop(stopped):
    fig = plot_improvement(stopped)
    names = [t.name for t in fig.data]
    assert names == ["Improvement", "Error (cv)"]
    assert list(fig.data[0].x) == [19] and fig.layout.shapes[0].x0 == 19
    record = hs.terminator.stop_record(stopped)
    assert fig.data[0].y[0] == pytest.approx(record.improvement)


def test_computed_for_every_prefix_with_the_optuna_alias():
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=1))
    study.optimize(_objective, n_trials=6)
    fig = plot_terminator_improvement(study, min_n_trials=3)
    assert [t.name for t in fig.data] == ["Improvement (warm-up)", "Improvement"]
    assert list(fig.data[0].x) + list(fig.data[1].x) == [1, 2, 3, 4, 5]
    fig = plot_improvement(
        study,
        improvement_evaluator=BestValueStagnationEvaluator(3),
        error_evaluator=StaticErrorEvaluator(0.5),
    )
    assert list(fig.data[-1].y) == [0.5] * 5 and fig.data[-1].name == "Error (static)"


def test_matplotlib_twin(stopped):
    ax = mvis.plot_improvement(stopped)
    assert [line.get_label() for line in ax.get_lines()] == ["Improvement", "Error (cv)", "stopped"]
    assert (
        mvis.plot_terminator_improvement(hs.create_study())
        .get_title()
        .endswith("At least 2 complete trials are needed.")
    )


def test_bad_input():
    two = hs.create_study(directions=["minimize", "minimize"])
    with pytest.raises(ValueError, match="single-objective"):
        plot_improvement(two)
    with pytest.raises(ValueError, match="min_n_trials"):
        plot_improvement(hs.create_study(), min_n_trials=0)
    with pytest.raises(TypeError):
        plot_improvement("not a study")
