import datetime
import math
import warnings

import pytest

import hypersearch as hs
from hypersearch.samplers import _cost
from hypersearch.samplers._cost import _measure
from hypersearch.samplers._cost._measure import percentile


@pytest.fixture(autouse=True)
def _fresh_warnings():
    _measure.reset_warnings()
    yield
    _measure.reset_warnings()


def _trial(seconds=None, state=hs.TrialState.COMPLETE, **user_attrs):
    t = hs.create_trial(
        state=state, value=1.0 if state == hs.TrialState.COMPLETE else None, user_attrs=user_attrs
    )
    if seconds is not None:
        start = datetime.datetime(2026, 1, 1)
        t = t.replace(
            datetime_start=start, datetime_complete=start + datetime.timedelta(seconds=seconds)
        )
    return t


def test_public_names_are_pinned():
    assert sorted(_cost.__all__) == sorted(
        [
            "BudgetWarning",
            "CostWarning",
            "DeclaredBudget",
            "declared_budget",
            "cost_spread",
            "observed_costs",
            "spent_cost",
            "spent_seconds",
            "trial_cost",
        ]
    )


def test_cost_attr_wins_over_duration_and_duration_is_the_fallback():
    assert _cost.trial_cost(_trial(seconds=3.0, cost=7)) == 7.0
    assert _cost.trial_cost(_trial(seconds=3.0)) == 3.0
    assert _cost.trial_cost(_trial(seconds=3.0, cost=0.0)) == 0.0


def test_a_paused_trials_wait_is_not_its_cost():
    # Paused once after 2 s of work, resumed 60 s later, finished 1 s after that.
    start = datetime.datetime(2026, 1, 1)
    resumed = start + datetime.timedelta(seconds=62)
    t = _trial(seconds=63.0).replace(
        system_attrs={"active_time": {"seconds": 2.0, "since": resumed.isoformat()}}
    )
    assert t.datetime_start == start and _cost.trial_cost(t) == pytest.approx(3.0)
    assert _cost.spent_seconds([t]) == pytest.approx(3.0)


def test_running_trial_has_no_cost():
    running = _trial(seconds=2.0).replace(state=hs.TrialState.RUNNING)
    assert _cost.trial_cost(running) is None


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf"), "cheap", True, None])
def test_bad_cost_attr_falls_back_to_duration_and_warns_once(bad):
    with pytest.warns(_cost.CostWarning, match="duration"):
        assert _cost.trial_cost(_trial(seconds=4.0, cost=bad)) == 4.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _cost.trial_cost(_trial(seconds=5.0, cost=bad)) == 5.0


def test_cost_missing_on_some_trials_counts_their_duration_with_one_warning():
    trials = [_trial(seconds=1.0, cost=10.0), _trial(seconds=2.0), _trial(seconds=3.0)]
    with pytest.warns(_cost.CostWarning, match="2 of 3"):
        assert _cost.observed_costs(trials) == [10.0, 2.0, 3.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _cost.spent_cost(trials) == 15.0


def test_observed_costs_keep_finished_states_only():
    trials = [
        _trial(seconds=1.0),
        _trial(seconds=2.0, state=hs.TrialState.PRUNED),
        _trial(seconds=4.0, state=hs.TrialState.FAIL),
        _trial(seconds=8.0).replace(state=hs.TrialState.RUNNING),
    ]
    assert _cost.observed_costs(trials) == [1.0, 2.0, 4.0]
    assert _cost.observed_costs(trials, states=[hs.TrialState.COMPLETE]) == [1.0]
    assert _cost.spent_seconds(trials) == 7.0


def test_percentile_matches_numpy_linear():
    np = pytest.importorskip("numpy")
    values = [5.0, 1.0, 9.0, 2.5, 7.0, 3.0]
    for q in (0, 10, 37.5, 90, 100):
        assert percentile(values, q) == pytest.approx(np.percentile(values, q))


def test_cost_spread_is_p90_over_p10():
    costs = [1.0] * 2 + [10.0] * 6 + [100.0] * 2
    assert _cost.cost_spread(costs) == pytest.approx(100.0 / 1.0)
    assert _cost.cost_spread([2.0, 2.0, 2.0]) == 1.0
    assert _cost.cost_spread([1.0, 2.0]) is None
    assert _cost.cost_spread([0.0, 0.0, 0.0]) == 1.0
    assert _cost.cost_spread([0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0]) == math.inf
    assert _cost.cost_spread([1.0, float("nan"), -3.0, 1.0, 1.0]) == 1.0


def test_spread_of_a_study():
    study = hs.create_study()
    for c in (1.0, 3.0, 30.0, 100.0):
        study.add_trial(_trial(cost=c))
    spread = _cost.cost_spread(_cost.observed_costs(study.get_trials()))
    assert spread == pytest.approx(
        percentile([1, 3, 30, 100], 90) / percentile([1, 3, 30, 100], 10)
    )
