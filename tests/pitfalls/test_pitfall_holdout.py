"""Held-out evaluation (#16): scored once, kept apart from the trials, peeking warned."""

from __future__ import annotations

import datetime
import pickle
import warnings

import pytest

import hypersearch as hs
from hypersearch import _keys
from hypersearch.exceptions import HoldoutError, PeekingWarning


def objective(trial):
    return (trial.suggest_float("x", -1, 1) - 0.25) ** 2


class Holdout:
    """A test-set score that counts its calls and remembers what it was given."""

    def __init__(self):
        self.calls = []

    def __call__(self, trial):
        self.calls.append((trial.suggest_float("x", -1, 1), trial.seed, trial.number))
        return 1.0 - trial.params["x"]


def _study(n=5):
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=2))
    study.optimize(objective, n_trials=n)
    return study


def test_the_chosen_configuration_is_scored_once_and_stored_apart():
    study = _study()
    holdout = Holdout()
    study.set_holdout(holdout)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a first look, then the same look again: no warning
        result = study.evaluate_holdout()
        assert study.evaluate_holdout() == result
    best = study.best_trial
    assert holdout.calls == [(best.params["x"], best.number, best.number)]  # seed: the number
    assert result.value == 1.0 - best.params["x"] and result.trial_number == best.number
    assert result.n_trials == 5 and result.validation_value == best.value
    assert len(study.trials) == 5  # not a trial: the sampler never sees it
    (record,) = study.system_attrs[_keys.HOLDOUT]
    assert {"value", "trial_number", "params", "n_trials", "datetime"} <= set(record)
    assert record["params"] == best.params and isinstance(record["value"], float)
    datetime.datetime.fromisoformat(record["datetime"])
    assert study.holdout_results() == [result]
    assert f"Held-out score: {result.value:.6g} for trial #{best.number}" in study.summary()


def test_looking_again_after_the_search_went_on_warns_and_records_both():
    study = _study()
    holdout = Holdout()
    study.set_holdout(holdout)
    study.evaluate_holdout()
    study.optimize(objective, n_trials=2)
    with pytest.warns(PeekingWarning, match="after 5 trials and the search went on to 7"):
        second = study.evaluate_holdout()
    assert len(holdout.calls) == 2 and second.n_trials == 7
    assert [r.n_trials for r in study.holdout_results()] == [5, 7]
    assert "looked at 2 times" in study.summary()


def test_scoring_another_configuration_is_peeking_too():
    study = _study()
    study.set_holdout(Holdout())
    study.evaluate_holdout()
    other = study.trials[0] if study.best_trial.number != 0 else study.trials[1]
    with pytest.warns(PeekingWarning, match="another configuration"):
        result = study.evaluate_holdout(other.params)
    assert result.trial_number == other.number and result.validation_value == other.value
    with pytest.warns(PeekingWarning):
        unseen = study.evaluate_holdout({"x": 0.123})
    assert unseen.trial_number == -1 and unseen.validation_value is None


def test_a_failing_holdout_function_records_nothing():
    study = _study()
    before = study.system_attrs

    def broken(trial):
        raise RuntimeError("test set missing")

    study.set_holdout(broken)
    with pytest.raises(HoldoutError, match="RuntimeError: test set missing. Nothing was recorded"):
        study.evaluate_holdout()
    study.set_holdout(lambda trial: "high")
    with pytest.raises(HoldoutError, match="must return a number, got 'high'"):
        study.evaluate_holdout()
    study.set_holdout(lambda trial: float("nan"))
    with pytest.raises(HoldoutError, match="must return a number"):
        study.evaluate_holdout()
    assert study.system_attrs == before and len(study.trials) == 5
    study.set_holdout(Holdout())
    assert study.evaluate_holdout().n_trials == 5  # usable again


def test_bad_calls_say_what_is_wrong():
    study = _study()
    with pytest.raises(RuntimeError, match="call study.set_holdout"):
        study.evaluate_holdout()
    with pytest.raises(TypeError, match="must be callable"):
        study.set_holdout(0.5)
    study.set_holdout(Holdout())
    with pytest.raises(TypeError, match="params must be a mapping"):
        study.evaluate_holdout([0.5])
    empty = hs.create_study()
    empty.set_holdout(Holdout())
    with pytest.raises(ValueError, match="no COMPLETE trial"):
        empty.evaluate_holdout()
    multi = hs.create_study(directions=["minimize", "minimize"])
    multi.set_holdout(Holdout())
    with pytest.raises(ValueError, match="2 objectives and no single best"):
        multi.evaluate_holdout({"x": 0.0})
    assert empty.system_attrs == {} and multi.system_attrs == {}


def test_a_study_with_a_holdout_function_still_pickles():
    study = _study()
    study.set_holdout(lambda trial: 0.0)  # a lambda: not picklable, and not stored
    study.evaluate_holdout()
    copy = pickle.loads(pickle.dumps(study))
    assert copy.holdout_results() == study.holdout_results()
    with pytest.raises(RuntimeError, match="set_holdout"):
        copy.evaluate_holdout({"x": 0.0})


def test_the_holdout_uses_the_mean_selected_configuration():
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    for x in (0.0, 0.5):
        study.enqueue_trial({"x": x})

    def lucky(trial):
        x = trial.suggest_float("x", -1, 1)
        if x == 0.0:
            return 0.0 if trial.number == 0 else 5.0  # one lucky run, then 5: mean 2.5
        return x + 1.0  # steady 1.5

    study.optimize(lucky, n_trials=2)
    study.reevaluate(lucky, top_k=2, n_seeds=2)
    study.set_best_trial_selection("mean")
    holdout = Holdout()
    study.set_holdout(holdout)
    result = study.evaluate_holdout()
    assert result.params == {"x": 0.5} and result.validation_value == 1.5
