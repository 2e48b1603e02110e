from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats

import hypersearch as hs
from hypersearch.pruners import WilcoxonPruner
from hypersearch.pruners._wilcoxon import signed_rank_p_value


@pytest.mark.parametrize("n", [1, 4, 9, 25, 49, 80])
def test_p_value_matches_scipy(n):
    rng = np.random.default_rng(n)
    d = rng.normal(0.2, 1.0, n)
    expected = scipy.stats.wilcoxon(
        d, alternative="greater", method="exact" if n <= 50 else "approx", correction=True
    ).pvalue
    assert signed_rank_p_value(d) == pytest.approx(expected, rel=1e-9)


def test_p_value_with_zeros_and_ties():
    d = np.array([0.0, 1.0, 1.0, 2.0, -1.0, 3.0, 0.0])
    assert 0.0 < signed_rank_p_value(d) < 1.0
    assert signed_rank_p_value(np.zeros(4)) == 1.0
    assert signed_rank_p_value(np.array([1.0] * 6)) == pytest.approx(1 / 64)


def fold_scores(offset, n_folds, seed):
    rng = np.random.default_rng(seed)
    base = np.linspace(0.2, 0.8, n_folds)  # folds differ a lot; paired test sees through it
    return base + offset + 0.01 * rng.normal(size=n_folds)


def test_prunes_a_clearly_worse_trial_on_shared_folds(helpers):
    study = helpers["make_study"](WilcoxonPruner(p_threshold=0.1, n_startup_steps=2))
    best = fold_scores(0.0, 10, 0)
    helpers["complete"](study, list(best), value=float(best.mean()))
    worse = fold_scores(0.05, 10, 1)
    _, answers = helpers["running"](study, list(worse))
    assert answers[:3] == [False, False, False]  # 2 ** -3 > 0.1: cannot reject yet
    assert answers[3] is True and all(answers[3:])


def test_keeps_a_better_or_equal_trial_and_waits_for_startup(helpers):
    study = helpers["make_study"](WilcoxonPruner(p_threshold=0.5, n_startup_steps=3))
    best = fold_scores(0.0, 8, 0)
    helpers["complete"](study, list(best), value=float(best.mean()))
    _, answers = helpers["running"](study, list(fold_scores(-0.05, 8, 2)))
    assert answers == [False] * 8
    _, answers = helpers["running"](study, list(fold_scores(0.05, 8, 3)))
    assert answers[:2] == [False, False] and answers[2] is True


def test_instances_in_any_order_and_maximize(helpers):
    study = helpers["make_study"](WilcoxonPruner(p_threshold=0.1), "maximize")
    best = fold_scores(0.0, 10, 0)
    helpers["complete"](study, list(best), value=float(best.mean()))
    trial = study.ask()
    worse = fold_scores(-0.05, 10, 4)
    for step in [9, 3, 5, 0, 7, 1]:
        trial.report(float(worse[step]), step)
    assert trial.should_prune() is True


def test_no_best_trial_and_nan(helpers):
    study = helpers["make_study"](WilcoxonPruner())
    assert helpers["running"](study, [1.0, 2.0, 3.0, 4.0, 5.0])[1] == [False] * 5
    assert helpers["running"](study, [1.0, math.nan])[1] == [False, True]


@pytest.mark.parametrize(
    "kwargs,name",
    [
        ({"p_threshold": 1.5}, "p_threshold"),
        ({"p_threshold": -0.1}, "p_threshold"),
        ({"n_startup_steps": -1}, "n_startup_steps"),
    ],
)
def test_misconfiguration(kwargs, name):
    with pytest.raises(ValueError, match=name):
        WilcoxonPruner(**kwargs)


def test_end_to_end_cross_validation_style():
    def objective(trial):
        x = trial.suggest_float("x", -1.0, 1.0)
        scores = []
        for fold in range(8):
            score = (x - 0.3) ** 2 + 0.1 * fold
            scores.append(score)
            trial.report(score, fold)
            if trial.should_prune():
                raise hs.TrialPruned()
        return float(np.mean(scores))

    study = hs.create_study(pruner=WilcoxonPruner(), sampler=hs.samplers.RandomSampler(seed=1))
    study.optimize(objective, n_trials=30)
    states = [t.state for t in study.trials]
    assert hs.TrialState.PRUNED in states
    assert abs(study.best_params["x"] - 0.3) < 0.3
