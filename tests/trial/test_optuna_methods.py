"""Optuna's older suggest spellings, set_constraint, and FrozenTrial answering suggest_*."""

from __future__ import annotations

import warnings

import pytest

import hypersearch as hs
from hypersearch.trial import FixedTrial, TrialState


def objective(trial):
    x = trial.suggest_float("x", -2, 2)
    k = trial.suggest_int("k", 1, 9, step=2)
    kind = trial.suggest_categorical("kind", ["a", "b"])
    trial.report(x, 0)
    if trial.should_prune():
        raise hs.TrialPruned()
    trial.set_user_attr("seen", True)
    return x * x + k + (kind == "b")


def test_best_trial_reruns_the_objective_with_its_values():
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=3))
    study.optimize(objective, n_trials=10)
    best = study.best_trial
    assert objective(best) == study.best_value
    assert best.user_attrs["seen"] is True and best.constraints == {}
    assert best.report(1.0, 1) is None and best.should_prune() is False
    with pytest.raises(ValueError, match="'other' is not found"):
        best.suggest_float("other", 0, 1)
    with pytest.raises(ValueError, match="out of"):
        best.suggest_float("x", 5, 6)
    with pytest.raises(ValueError, match="out of"):
        best.suggest_categorical("kind", ["c"])


def test_older_spellings_warn_as_optuna_does():
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    trial = study.ask()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a = trial.suggest_uniform("a", 0, 1)
        b = trial.suggest_loguniform("b", 1, 10)
        c = trial.suggest_discrete_uniform("c", 0, 1, 0.25)
    assert [w.category for w in caught] == [FutureWarning] * 3
    assert all(w.filename == __file__ for w in caught)  # points at the caller
    assert str(caught[0].message).startswith("suggest_uniform has been deprecated in v3.0.0.")
    assert "Use suggest_float(..., log=True) instead." in str(caught[1].message)
    assert 0 <= a <= 1 and 1 <= b <= 10 and c in (0, 0.25, 0.5, 0.75, 1.0)
    dists = study._storage.get_trial(trial._trial_id).distributions
    assert dists["b"].log and dists["c"].step == 0.25
    with pytest.warns(FutureWarning):
        assert FixedTrial({"u": 0.5}).suggest_uniform("u", 0, 1) == 0.5


def test_set_constraint_feeds_the_samplers_and_reads_back():
    study = hs.create_study(
        sampler=hs.samplers.NSGAIISampler(seed=0), directions=["minimize", "minimize"]
    )

    def constrained(trial):
        x = trial.suggest_float("x", 0, 1)
        trial.set_constraint("upper", x - 0.5)
        trial.set_constraint("lower", 0.1 - x)
        return x, 1 - x

    study.optimize(constrained, n_trials=12)
    for trial in study.trials:
        x = trial.params["x"]
        assert trial.constraints == {"upper": x - 0.5, "lower": 0.1 - x}
        assert trial.system_attrs["constraints"] == [0.1 - x, x - 0.5]  # key order
    assert any(not 0.1 <= t.params["x"] <= 0.5 for t in study.trials)
    assert all(0.1 <= t.params["x"] <= 0.5 for t in study.best_trials)  # feasible only
    trial = study.ask()
    trial.set_constraint("c", 1)
    with pytest.warns(UserWarning, match="set already"):
        trial.set_constraint("c", 2)
    with pytest.raises(ValueError, match="NaN"):
        trial.set_constraint("d", float("nan"))
    with pytest.raises(TypeError, match="not a float"):
        trial.set_constraint("d", "high")
    study.tell(trial, state=TrialState.FAIL)


def test_constraints_property_on_live_fixed_and_frozen_trials():
    study = hs.create_study()
    seen = {}

    def objective(trial):
        trial.set_constraint("b", 2.0)
        trial.set_constraint("a", -1.0)
        seen["live"] = trial.constraints
        return 0.0

    study.optimize(objective, n_trials=1)
    assert seen["live"] == {"a": -1.0, "b": 2.0}
    assert study.trials[0].constraints == {"a": -1.0, "b": 2.0}
    fixed = FixedTrial({})
    fixed.set_constraint("c", 0.5)
    assert fixed.constraints == {"c": 0.5}
