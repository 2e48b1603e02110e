from __future__ import annotations

import math

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.pruners._percentile import sorted_percentile


def test_sorted_percentile_matches_numpy():
    rng = np.random.default_rng(1)
    for n in (1, 2, 5, 10, 33):
        values = sorted(rng.normal(size=n).tolist())
        for q in (0.0, 12.5, 25.0, 50.0, 77.7, 100.0):
            assert sorted_percentile(values, q) == pytest.approx(
                np.percentile(values, q), abs=1e-12
            )


def test_median_prunes_worse_than_median_only_after_startup(helpers):
    study = helpers["make_study"](hs.pruners.MedianPruner(n_startup_trials=3))
    for level in (1.0, 2.0):
        helpers["complete"](study, [level] * 4)
    _, answers = helpers["running"](study, [5.0, 5.0])
    assert answers == [False, False]  # 2 < n_startup_trials
    helpers["complete"](study, [3.0] * 4)
    _, worse = helpers["running"](study, [5.0, 5.0])
    assert worse == [True, True]  # median of {1,2,3} is 2
    _, better = helpers["running"](study, [1.5, 1.5])
    assert better == [False, False]


def test_median_uses_best_so_far_and_maximize(helpers):
    study = helpers["make_study"](hs.pruners.MedianPruner(n_startup_trials=1), "maximize")
    helpers["complete"](study, [1.0, 1.0, 1.0])
    helpers["complete"](study, [3.0, 3.0, 3.0])
    # median at each step = 2: best-so-far (max) of 2.5 keeps it alive after a drop
    _, answers = helpers["running"](study, [2.5, 0.0, 0.0])
    assert answers == [False, False, False]
    _, answers = helpers["running"](study, [1.5, 1.0])
    assert answers == [True, True]


def test_warmup_interval_and_min_trials(helpers):
    pruner = hs.pruners.MedianPruner(n_startup_trials=0, n_warmup_steps=2, interval_steps=2)
    study = helpers["make_study"](pruner)
    helpers["complete"](study, [0.0] * 6)
    _, answers = helpers["running"](study, [9.0] * 6)
    assert answers == [False, False, True, False, True, False]
    pruner = hs.pruners.MedianPruner(n_startup_trials=0, n_min_trials=2)
    study = helpers["make_study"](pruner)
    helpers["complete"](study, [0.0] * 3)
    helpers["complete"](study, [0.0] * 2)
    _, answers = helpers["running"](study, [9.0] * 3)
    assert answers == [True, True, False]  # step 2 was reported by one completed trial only


def test_nan_report_prunes_and_nan_references_are_ignored(helpers):
    study = helpers["make_study"](hs.pruners.MedianPruner(n_startup_trials=0))
    helpers["complete"](study, [float("nan"), 1.0], value=1.0)
    _, answers = helpers["running"](study, [0.0, float("nan")])
    assert answers == [False, True]


def test_percentile_extremes(helpers):
    study = helpers["make_study"](hs.pruners.PercentilePruner(0.0, n_startup_trials=0))
    for level in (1.0, 2.0, 3.0):
        helpers["complete"](study, [level])
    assert helpers["running"](study, [1.5])[1] == [True]  # must beat the best
    assert helpers["running"](study, [1.0])[1] == [False]
    study = helpers["make_study"](hs.pruners.PercentilePruner(100.0, n_startup_trials=0))
    for level in (1.0, 2.0, 3.0):
        helpers["complete"](study, [level])
    assert helpers["running"](study, [2.9])[1] == [False]
    assert helpers["running"](study, [3.1])[1] == [True]


def test_cache_follows_new_completions_and_other_studies(helpers):
    pruner = hs.pruners.MedianPruner(n_startup_trials=0)
    a = helpers["make_study"](pruner)
    helpers["complete"](a, [10.0])
    assert helpers["running"](a, [5.0])[1] == [False]
    for _ in range(3):
        helpers["complete"](a, [1.0])
    assert helpers["running"](a, [5.0])[1] == [True]  # median dropped to 1
    b = helpers["make_study"](pruner)  # the same pruner on a fresh study starts clean
    assert helpers["running"](b, [5.0])[1] == [False]


def test_repeated_step_keeps_first_value(helpers):
    study = helpers["make_study"](hs.pruners.MedianPruner(n_startup_trials=0))
    helpers["complete"](study, [1.0])
    trial = study.ask()
    trial.report(0.5, 0)
    with pytest.warns(UserWarning):
        trial.report(math.nan, 0)
    assert trial.should_prune() is False


def test_same_trial_number_in_a_new_study_starts_fresh(helpers):
    pruner = MedianPrunerFactory()
    a = helpers["make_study"](pruner)
    helpers["complete"](a, [1.0, 1.0])
    trial, _ = helpers["running"](a, [0.0, 0.0])  # trial 1 of study a: best so far 0.0
    b = helpers["make_study"](pruner)
    helpers["complete"](b, [1.0, 1.0])
    other, _ = helpers["running"](b, [5.0, 5.0], check_each=False)  # same number and count
    assert other.number == trial.number
    assert other.should_prune() is True


def test_late_report_below_the_largest_step_counts_for_best(helpers):
    study = helpers["make_study"](MedianPrunerFactory())
    helpers["complete"](study, [1.0, 1.0, 1.0])
    trial = study.ask()
    trial.report(5.0, 2)
    assert trial.should_prune() is True
    trial.report(0.5, 0)  # late, at a smaller step: best-so-far is now 0.5
    assert trial.should_prune() is False


def MedianPrunerFactory():
    return hs.pruners.MedianPruner(n_startup_trials=0)


def test_completion_by_another_study_object_is_seen_between_reports(helpers):
    """The pruner skips re-reading the history only while no trial has finished:
    a completion through another Study object on the same storage still counts."""
    storage = hs.storages.InMemoryStorage()
    pruner = hs.pruners.MedianPruner(n_startup_trials=0)
    mine = hs.create_study(storage=storage, study_name="shared", pruner=pruner)
    other = hs.load_study(study_name="shared", storage=storage)
    helpers["complete"](other, [10.0, 10.0, 10.0])
    trial = mine.ask()
    trial.report(5.0, 0)
    assert trial.should_prune() is False  # 5 beats the only reference, 10
    trial.report(5.0, 1)
    assert trial.should_prune() is False
    for _ in range(2):
        helpers["complete"](other, [1.0, 1.0, 1.0])
    trial.report(5.0, 2)
    assert trial.should_prune() is True  # the median at step 2 is now 1
