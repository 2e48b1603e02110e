"""Cost-aware samplers when the costly trials are the good ones, and with bad cost input."""

import numpy as np
import pytest

import hypersearch as hs
from hypersearch import _keys
from hypersearch.samplers._cost import CostWarning, _measure
from hypersearch.samplers._cost._pitfall import cost_weight, costly_is_better_evidence

hs.logging.set_verbosity(hs.logging.WARNING)


@pytest.fixture(autouse=True)
def _fresh_warnings():
    _measure.reset_warnings()
    yield
    _measure.reset_warnings()


# -- the evidence and the weight ----------------------------------------------------------
def test_evidence_is_the_rank_correlation_in_standard_errors():
    costs = np.arange(10.0)
    assert costly_is_better_evidence(-costs, costs) == pytest.approx(-3.0)  # costly = better
    assert costly_is_better_evidence(costs**2, costs) == pytest.approx(3.0)  # ranks only
    with_nan = np.r_[-costs, np.nan]
    assert costly_is_better_evidence(with_nan, np.r_[costs, 1.0]) == pytest.approx(-3.0)


def test_no_evidence_from_few_or_constant_trials():
    assert costly_is_better_evidence(np.arange(4.0), -np.arange(4.0)) == 0.0
    assert costly_is_better_evidence(np.ones(10), np.arange(10.0)) == 0.0
    assert costly_is_better_evidence(np.arange(10.0), np.full(10, 2.0)) == 0.0


def test_weight_is_full_down_to_one_standard_error_and_none_past_two():
    assert cost_weight(3.0) == cost_weight(-1.0) == 1.0
    assert cost_weight(-1.5) == pytest.approx(0.5)
    assert cost_weight(-2.0) == cost_weight(-9.0) == 0.0


# -- in a study ---------------------------------------------------------------------------
def _costly_is_better(trial):
    """Cost grows 30x along x and so does the quality: the optimum is the costly end."""
    x = trial.suggest_float("x", 0.0, 1.0)
    y = trial.suggest_float("y", 0.0, 1.0)
    trial.set_user_attr(_keys.COST, 30.0**x)
    return (x - 0.95) ** 2 + 0.1 * (y - 0.5) ** 2


def _tpe(aware, **kw):
    return hs.samplers.TPESampler(seed=1, n_startup_trials=8, cost_aware=aware, **kw)


def _params(sampler, objective, n, **optimize_kw):
    study = hs.create_study(sampler=sampler)
    study.optimize(objective, n_trials=n, diagnose=False, **optimize_kw)
    return [t.params for t in study.trials]


def test_tpe_drops_the_cost_when_the_costly_trials_are_the_good_ones():
    aware = _tpe(True, cost_budget=1e6)
    assert _params(aware, _costly_is_better, 20) == _params(_tpe(False), _costly_is_better, 20)
    assert aware._cost.last_alpha == 0.0 and aware._cost.last_evidence <= -2.0


def test_tpe_keeps_the_cost_when_value_and_cost_are_unrelated():
    def unrelated(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        y = trial.suggest_float("y", 0.0, 1.0)
        trial.set_user_attr(_keys.COST, 30.0**x)
        return (y - 0.5) ** 2

    aware = _tpe(True, cost_budget=1e6)
    _params(aware, unrelated, 20)
    assert aware._cost.last_alpha > 0.9


def test_a_cooling_budget_the_start_spent_warns_once_and_samples_as_plain():
    with pytest.warns(CostWarning, match=r"cooling budget \(cost_budget=5\) is spent") as caught:
        got = _params(_tpe(True, cost_budget=5.0), _costly_is_better, 14)
    assert sum("cooling budget" in str(w.message) for w in caught) == 1
    assert got == _params(_tpe(False), _costly_is_better, 14)


# -- bad cost attributes -------------------------------------------------------------------
@pytest.mark.parametrize("bad", [-1.0, float("nan"), "cheap", "missing"])
@pytest.mark.parametrize(
    "make",
    [
        lambda: hs.samplers.GPSampler(seed=0, n_startup_trials=4, cost_aware=True),
        lambda: hs.samplers.TPESampler(seed=0, n_startup_trials=4, cost_aware=True),
    ],
)
def test_bad_cost_on_some_trials_warns_and_uses_their_duration(make, bad):
    def objective(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        if trial.number % 3 == 2:
            if bad != "missing":
                trial.set_user_attr(_keys.COST, bad)
        else:
            trial.set_user_attr(_keys.COST, 1.0 + 9.0 * x)
        return (x - 0.3) ** 2

    sampler = make()
    study = hs.create_study(sampler=sampler)
    with pytest.warns(CostWarning, match="duration"):
        study.optimize(objective, n_trials=9, budget_cost=1e6, diagnose=False)
    assert [t.state for t in study.trials] == [hs.TrialState.COMPLETE] * 9
    assert sampler._cost.last_alpha is not None and 0.0 < sampler._cost.last_alpha <= 1.0


def test_budget_cost_counts_the_duration_of_a_trial_with_a_bad_cost():
    def objective(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        trial.set_user_attr(_keys.COST, float("nan") if trial.number == 0 else 10.0)
        return x

    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    with pytest.warns(CostWarning, match="not a finite number"):
        study.optimize(objective, n_trials=50, budget_cost=25.0, diagnose=False)
    assert len(study.trials) == 4  # ~0 s for the NaN trial, then 10 + 10 + 10 >= 25
