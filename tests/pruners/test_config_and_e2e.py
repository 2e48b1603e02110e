from __future__ import annotations

import math
import pickle

import pytest

import hypersearch as hs
from hypersearch.pruners import (
    HyperbandPruner,
    MedianPruner,
    NopPruner,
    PercentilePruner,
    SuccessiveHalvingPruner,
)


@pytest.mark.parametrize(
    "make,name",
    [
        (lambda: PercentilePruner(-1.0), "percentile"),
        (lambda: PercentilePruner(100.5), "percentile"),
        (lambda: PercentilePruner(math.nan), "percentile"),
        (lambda: PercentilePruner(True), "percentile"),
        (lambda: MedianPruner(n_startup_trials=-1), "n_startup_trials"),
        (lambda: MedianPruner(n_warmup_steps=-2), "n_warmup_steps"),
        (lambda: MedianPruner(interval_steps=0), "interval_steps"),
        (lambda: MedianPruner(n_min_trials=0), "n_min_trials"),
        (lambda: MedianPruner(n_warmup_steps=1.5), "n_warmup_steps"),
        (lambda: SuccessiveHalvingPruner(reduction_factor=1), "reduction_factor"),
        (lambda: SuccessiveHalvingPruner(min_resource=0), "min_resource"),
        (lambda: SuccessiveHalvingPruner(min_resource="big"), "min_resource"),
        (lambda: SuccessiveHalvingPruner(min_early_stopping_rate=-1), "min_early_stopping_rate"),
        (lambda: SuccessiveHalvingPruner(bootstrap_count=-1), "bootstrap_count"),
    ],
)
def test_misconfiguration_names_the_argument(make, name):
    with pytest.raises(ValueError, match=name):
        make()


def curve_objective(trial):
    lr = trial.suggest_float("lr", 1e-3, 1.0, log=True)
    value = 1.0
    for step in range(30):
        value = abs(math.log10(lr) + 1.0) + 1.0 / (min(step, 10) + 1)  # plateau after 10
        trial.report(value, step)
        if trial.should_prune():
            raise hs.TrialPruned()
    return value


@pytest.mark.parametrize(
    "pruner",
    [
        MedianPruner(n_startup_trials=3),
        SuccessiveHalvingPruner(min_resource=1, reduction_factor=3),
        HyperbandPruner(min_resource=1, max_resource=29, reduction_factor=3),
        hs.pruners.PatientPruner(MedianPruner(n_startup_trials=3), patience=2, min_delta=0.01),
    ],
    ids=["median", "sha", "hyperband", "patient"],
)
def test_optimize_with_pruning(pruner):
    study = hs.create_study(pruner=pruner, sampler=hs.samplers.RandomSampler(seed=2))
    study.optimize(curve_objective, n_trials=40)
    pruned = [t for t in study.trials if t.state == hs.TrialState.PRUNED]
    complete = [t for t in study.trials if t.state == hs.TrialState.COMPLETE]
    assert pruned and complete
    for t in pruned:  # a PRUNED trial keeps its last report as its value
        assert t.value == t.intermediate_values[max(t.intermediate_values)]
        assert max(t.intermediate_values) < 29
    assert study.best_value < 0.2


def test_rungs_are_visible_on_finished_trials():
    study = hs.create_study(
        pruner=SuccessiveHalvingPruner(min_resource=1, reduction_factor=3),
        sampler=hs.samplers.RandomSampler(seed=3),
    )
    study.optimize(curve_objective, n_trials=20)
    for t in study.trials:
        reached = hs.pruners.rungs_of(t.system_attrs)
        assert len(reached) == sum(1 for k in range(4) if 3**k <= max(t.intermediate_values))
        for k, value in enumerate(reached):
            assert value == t.intermediate_values[3**k]


def test_threads_share_one_pruner():
    study = hs.create_study(
        pruner=SuccessiveHalvingPruner(min_resource=1, reduction_factor=2),
        sampler=hs.samplers.RandomSampler(seed=4),
    )
    study.optimize(curve_objective, n_trials=30, n_jobs=2)
    table = study.pruner.rung_table
    for k, rung in enumerate(table.rungs):
        holders = [t for t in study.trials if len(hs.pruners.rungs_of(t.system_attrs)) > k]
        assert len(rung) == len(holders)


@pytest.mark.parametrize(
    "pruner",
    [
        NopPruner(),
        MedianPruner(),
        SuccessiveHalvingPruner(),
        HyperbandPruner(),
        hs.pruners.ThresholdPruner(upper=1.0),
        hs.pruners.WilcoxonPruner(),
        hs.pruners.PatientPruner(MedianPruner(), 2),
    ],
)
def test_pruners_pickle_after_use(pruner):
    study = hs.create_study(pruner=pruner, sampler=hs.samplers.RandomSampler(seed=5))
    study.optimize(curve_objective, n_trials=6)
    clone = pickle.loads(pickle.dumps(pruner))
    again = hs.create_study(pruner=clone, sampler=hs.samplers.RandomSampler(seed=5))
    again.optimize(curve_objective, n_trials=3)


@pytest.mark.parametrize(
    "make",
    [
        lambda: hs.pruners.MedianPruner(),
        lambda: hs.pruners.PercentilePruner(25.0),
        lambda: hs.pruners.PatientPruner(None, patience=1),
        lambda: hs.pruners.ThresholdPruner(upper=1.0),
        lambda: hs.pruners.WilcoxonPruner(),
    ],
)
def test_single_objective_pruners_refuse_multi_objective(make):
    # (successive halving and Hyperband rank vectors: tests/pruners/test_halving_multi_objective.py)
    study = hs.create_study(directions=["minimize", "minimize"], pruner=make())
    trial = study.ask()
    trial.report((1.0, 2.0), 0)
    with pytest.raises(NotImplementedError, match="ParetoPruner"):
        trial.should_prune()
