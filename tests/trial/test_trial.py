import math
import warnings

import pytest

import hypersearch as hs
from hypersearch.distributions import FloatDistribution


def _study(**kwargs):
    return hs.create_study(sampler=hs.samplers.RandomSampler(seed=0), **kwargs)


def test_suggest_types_and_ranges():
    study = _study()
    trial = study.ask()
    x = trial.suggest_float("x", -1, 1)
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    s = trial.suggest_float("s", 0, 1, step=0.25)
    n = trial.suggest_int("n", 1, 9, step=2)
    m = trial.suggest_int("m", 1, 1000, log=True)
    c = trial.suggest_categorical("c", [None, True, 2, "a"])
    assert -1 <= x <= 1 and 1e-5 <= lr <= 1e-1 and s in (0, 0.25, 0.5, 0.75, 1.0)
    assert isinstance(n, int) and n in (1, 3, 5, 7, 9) and isinstance(m, int) and 1 <= m <= 1000
    assert c in (None, True, 2, "a")
    assert list(trial.params) == ["x", "lr", "s", "n", "m", "c"]


def test_same_name_returns_same_value_and_other_distribution_raises():
    trial = _study().ask()
    first = trial.suggest_float("x", 0, 1)
    assert trial.suggest_float("x", 0, 1) == first
    with pytest.raises(ValueError, match="'x'"):
        trial.suggest_float("x", 0, 2)
    with pytest.raises(ValueError, match="'x'"):
        trial.suggest_int("x", 0, 1)


def test_invalid_suggest_names_parameter():
    trial = _study().ask()
    with pytest.raises(ValueError, match="'lr'.*log=True needs low > 0"):
        trial.suggest_float("lr", 0, 1, log=True)
    with pytest.raises(TypeError, match="'b'"):
        trial.suggest_int("b", True, 3)
    # a failed suggest leaves the trial usable
    assert 0 <= trial.suggest_float("ok", 0, 1) <= 1


def test_single_value_distribution_needs_no_sampler():
    trial = _study().ask()
    assert trial.suggest_int("k", 4, 4) == 4
    assert trial.suggest_categorical("only", ["z"]) == "z"


def test_report_validation_and_repeated_step():
    study = _study()
    trial = study.ask()
    with pytest.raises(TypeError, match="step must be an integer"):
        trial.report(1.0, 1.5)
    with pytest.raises(ValueError, match="step must be >= 0"):
        trial.report(1.0, -1)
    with pytest.raises(TypeError, match="value must be a number"):
        trial.report("bad", 1)
    trial.report(0.5, 3)
    trial.report(0.7, 1)  # out of order is fine
    with pytest.warns(UserWarning, match="already reported step 3"):
        trial.report(9.9, 3)
    frozen = study.tell(trial, 0.1)
    assert frozen.intermediate_values == {3: 0.5, 1: 0.7}
    with pytest.raises(hs.exceptions.UpdateFinishedTrialError):
        trial.report(0.1, 4)


def test_fixed_trial_replays_params():
    def objective(trial):
        return trial.suggest_float("x", 0, 10) + trial.suggest_int("k", 0, 3)

    assert objective(hs.FixedTrial({"x": 2.5, "k": 1})) == 3.5
    with pytest.raises(ValueError, match="no value for parameter 'k'"):
        objective(hs.FixedTrial({"x": 2.5}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        objective(hs.FixedTrial({"x": 20.0, "k": 1}))
    assert any("outside" in str(w.message) for w in caught)


def test_create_trial_validates():
    with pytest.raises(ValueError, match="outside"):
        hs.create_trial(value=1.0, params={"x": 5.0}, distributions={"x": FloatDistribution(0, 1)})
    with pytest.raises(ValueError, match="same parameters"):
        hs.create_trial(value=1.0, params={"x": 0.5}, distributions={})
    with pytest.raises(ValueError, match="not NaN"):
        hs.create_trial(value=math.nan)
    t = hs.create_trial(value=2.0, params={"x": 0.5}, distributions={"x": FloatDistribution(0, 1)})
    assert t.value == 2.0 and t.state == hs.TrialState.COMPLETE


def test_sample_relative_is_called_for_every_trial_even_with_an_empty_space():
    class CountingSampler(hs.samplers.RandomSampler):
        def __init__(self) -> None:
            super().__init__(seed=0)
            self.spaces: list[dict] = []

        def sample_relative(self, study, trial, search_space):
            self.spaces.append(dict(search_space))
            return {}

    sampler = CountingSampler()
    study = hs.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4)
    assert len(sampler.spaces) == 4 and all(space == {} for space in sampler.spaces)
