import concurrent.futures
import time
import warnings

import pytest

import hypersearch as hs
from hypersearch import _keys
from hypersearch.samplers._cost._budget import BudgetWarning, declared_budget


def _costly(trial):
    x = trial.suggest_float("x", 0.0, 1.0)
    trial.set_user_attr(_keys.COST, 1.0 + 9.0 * x)
    return x


def _study():
    return hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))


def test_budget_cost_stops_once_the_summed_cost_is_spent():
    study = _study()
    study.optimize(_costly, n_trials=1000, budget_cost=40.0)
    costs = [t.user_attrs[_keys.COST] for t in study.trials]
    assert sum(costs) >= 40.0
    assert sum(costs[:-1]) < 40.0  # stopped right after the trial that spent it
    assert declared_budget(study.system_attrs).cost == 40.0
    assert declared_budget(study.system_attrs).trials == 1000


def test_budget_counts_earlier_calls_and_warns_when_already_spent():
    study = _study()
    study.optimize(_costly, budget_cost=20.0)
    n = len(study.trials)
    with pytest.warns(BudgetWarning, match="already spent"):
        study.optimize(_costly, n_trials=5, budget_cost=20.0)
    assert len(study.trials) == n
    study.optimize(_costly, n_trials=2)  # still usable; no budget, no warning
    assert len(study.trials) == n + 2


def test_budget_smaller_than_one_trial_runs_one_and_warns():
    study = _study()
    with pytest.warns(BudgetWarning, match="smaller than one trial"):
        study.optimize(_costly, budget_cost=0.5)
    assert len(study.trials) == 1


def test_budget_seconds_sums_trial_durations():
    study = _study()

    def sleepy(trial):
        time.sleep(0.01)
        return trial.suggest_float("x", 0.0, 1.0)

    study.optimize(sleepy, n_trials=100, budget_seconds=0.035)
    assert 1 <= len(study.trials) <= 4
    assert declared_budget(study.system_attrs).seconds == 0.035


@pytest.mark.parametrize(
    "bad, error",
    [
        (0, ValueError),
        (-1.0, ValueError),
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        ("10", TypeError),
        (True, TypeError),
    ],
)
def test_bad_budgets_are_refused_and_the_study_stays_usable(bad, error):
    study = _study()
    with pytest.raises(error, match="budget_cost"):
        study.optimize(_costly, n_trials=3, budget_cost=bad)
    with pytest.raises(error, match="budget_seconds"):
        study.optimize(_costly, n_trials=3, budget_seconds=bad)
    assert study.trials == [] and _keys.BUDGET_COST not in study.system_attrs
    study.optimize(_costly, n_trials=2)
    assert len(study.trials) == 2


def test_threads_and_executors_stop_on_the_budget():
    study = _study()
    study.optimize(_costly, n_trials=500, n_jobs=2, budget_cost=30.0)
    costs = [t.user_attrs[_keys.COST] for t in study.trials]
    assert 30.0 <= sum(costs) < 30.0 + 2 * 10.0  # at most one running trial per thread more
    other = _study()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        other.optimize(_costly, n_trials=500, n_jobs=2, executor=pool, budget_cost=30.0)
    costs = [t.user_attrs[_keys.COST] for t in other.trials]
    assert 30.0 <= sum(costs) < 30.0 + 2 * 10.0
    assert declared_budget(other.system_attrs).trials == 500


def test_no_budget_writes_nothing():
    study = _study()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        study.optimize(_costly, n_trials=3)
    written = {k for k in study.system_attrs if not k.startswith("study:session:")}
    assert written == set()  # a session record (the budget's wall time) is all
