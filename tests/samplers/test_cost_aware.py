import datetime
import math
import warnings

import numpy as np
import pytest

import hypersearch as hs
from hypersearch import _keys
from hypersearch.samplers._cost._aware import per_unit_cost
from hypersearch.samplers._cost._cooling import cooling_alpha
from hypersearch.samplers._cost._model import CostModel
from hypersearch.samplers._gp._fitter import GPFitter
from hypersearch.samplers._gp._space import SearchSpaceEncoding
from hypersearch.testing.travel import check_round_trip

hs.logging.set_verbosity(hs.logging.WARNING)


def _finished(cost=None, seconds=1.0, state=hs.TrialState.COMPLETE):
    attrs = {} if cost is None else {_keys.COST: cost}
    t = hs.create_trial(
        state=state, value=0.0 if state == hs.TrialState.COMPLETE else None, user_attrs=attrs
    )
    start = datetime.datetime(2026, 1, 1)
    return t.replace(
        datetime_start=start, datetime_complete=start + datetime.timedelta(seconds=seconds)
    )


# -- cooling -------------------------------------------------------------------------------
def test_cooling_falls_from_one_after_the_start_to_zero_at_the_budget():
    attrs = {_keys.BUDGET_COST: 100.0}
    start = [_finished(cost=5.0) for _ in range(4)]  # the initial design spent 20
    assert cooling_alpha(start, attrs, n_init=4) == 1.0
    half = start + [_finished(cost=40.0)]  # 60 spent, 40 of the 80 after the start left
    assert cooling_alpha(half, attrs, n_init=4) == pytest.approx(0.5)
    over = half + [_finished(cost=50.0)]
    assert cooling_alpha(over, attrs, n_init=4) == 0.0


def test_cooling_budget_order_sampler_then_cost_then_seconds_then_trials():
    trials = [_finished(cost=10.0, seconds=1.0) for _ in range(2)]
    attrs = {_keys.BUDGET_COST: 40.0, _keys.BUDGET_SECONDS: 4.0, _keys.BUDGET_TRIALS: 3}
    assert cooling_alpha(trials, attrs, n_init=0, cost_budget=80.0) == pytest.approx(0.75)
    assert cooling_alpha(trials, attrs, n_init=0) == pytest.approx(0.5)
    # seconds only count when the costs are durations (no trial sets a cost)
    timed = [_finished(seconds=1.0) for _ in range(2)]
    seconds_only = {_keys.BUDGET_SECONDS: 4.0, _keys.BUDGET_TRIALS: 10}
    assert cooling_alpha(timed, seconds_only, n_init=0) == pytest.approx(0.5)
    assert cooling_alpha(trials, seconds_only, n_init=0) == pytest.approx(0.8)  # trials
    assert cooling_alpha(trials, {}, n_init=0) == 1.0  # no budget: no cooling


def test_cooling_with_a_budget_the_start_already_spent_is_zero():
    trials = [_finished(cost=10.0) for _ in range(3)]
    assert cooling_alpha(trials, {_keys.BUDGET_COST: 20.0}, n_init=3) == 0.0


# -- the cost model and the weighted acquisition -----------------------------------------
def _encoding():
    return SearchSpaceEncoding(
        {
            "x": hs.distributions.FloatDistribution(0.0, 1.0),
            "y": hs.distributions.FloatDistribution(0.0, 1.0),
        }
    )


def test_cost_model_learns_where_trials_are_cheap():
    rng = np.random.default_rng(0)
    x = rng.random((20, 2))
    costs = np.exp(4.0 * x[:, 0])
    costs[3] = np.nan  # unknown: left out
    model = CostModel.fit(GPFitter(rng, deterministic=False, refit_every=5), _encoding(), x, costs)
    assert model is not None
    probe = np.array([[0.05, 0.5], [0.5, 0.5], [0.95, 0.5]])
    predicted = model.log_cost(probe)
    assert predicted[0] < predicted[1] < predicted[2]
    assert predicted[2] - predicted[0] == pytest.approx(4.0 * 0.9, abs=0.6)


def test_cost_model_needs_varied_costs():
    rng = np.random.default_rng(0)
    fitter = GPFitter(rng, deterministic=False, refit_every=5)
    x = rng.random((10, 2))
    assert CostModel.fit(fitter, _encoding(), x, np.full(10, 3.0)) is None
    assert CostModel.fit(fitter, _encoding(), x[:2], np.array([1.0, 9.0])) is None
    zero = np.r_[0.0, np.linspace(1.0, 5.0, 9)]  # a zero cost is floored, not -inf
    model = CostModel.fit(fitter, _encoding(), x, zero)
    assert model is not None and np.isfinite(model.log_cost(x)).all()


@pytest.mark.parametrize("log_space", [True, False])
def test_per_unit_cost_gradient_matches_finite_differences(log_space):
    rng = np.random.default_rng(1)
    x = rng.random((12, 2))
    model = CostModel.fit(
        GPFitter(rng, deterministic=False, refit_every=5), _encoding(), x, np.exp(3.0 * x[:, 1])
    )
    assert model is not None

    def value(u):
        return -((u - 0.3) ** 2).sum(axis=1) + (0.0 if log_space else 2.0)

    def value_grad(u, active):
        return value(u), -2.0 * (u[:, active] - 0.3)

    val, grad = per_unit_cost(value, value_grad, model, 0.7, log_space=log_space)
    u = rng.random((3, 2))
    active = np.array([True, True])
    v, g = grad(u, active)
    assert np.allclose(v, val(u))
    h = 1e-6
    for j in range(2):
        step = np.zeros(2)
        step[j] = h
        numeric = (val(u + step) - val(u - step)) / (2 * h)
        assert np.allclose(g[:, j], numeric, rtol=1e-4, atol=1e-6)


# -- the samplers ------------------------------------------------------------------------
def _flat_in_x(trial):
    """The value ignores x; the cost grows 100x along x: a cost-aware sampler stays cheap."""
    x = trial.suggest_float("x", 0.0, 1.0)
    y = trial.suggest_float("y", 0.0, 1.0)
    trial.set_user_attr(_keys.COST, 100.0**x)
    return (y - 0.5) ** 2


def _mean_x_after(study, n_start):
    return float(np.mean([t.params["x"] for t in study.trials[n_start:]]))


def _ask_tell(study, objective, n):
    """Trials without optimize(): no declared budget, so no cooling (alpha stays 1)."""
    for _ in range(n):
        trial = study.ask()
        study.tell(trial, objective(trial))


@pytest.mark.parametrize(
    "make",
    [
        lambda aware, seed: hs.samplers.GPSampler(seed=seed, n_startup_trials=5, cost_aware=aware),
        lambda aware, seed: hs.samplers.TPESampler(seed=seed, n_startup_trials=5, cost_aware=aware),
    ],
)
def test_cost_aware_samplers_spend_less_where_the_value_does_not_care(make):
    means = {}
    for aware in (False, True):
        per_seed = []
        for seed in range(3):
            study = hs.create_study(sampler=make(aware, seed))
            _ask_tell(study, _flat_in_x, 20)
            per_seed.append(_mean_x_after(study, 5))
        means[aware] = float(np.mean(per_seed))
    assert means[True] < 0.2 and means[True] < 0.5 * means[False]


def test_gp_alpha_cools_over_the_declared_budget():
    sampler = hs.samplers.GPSampler(seed=0, n_startup_trials=4, cost_aware=True)
    assert sampler.cost_aware
    seen = []
    study = hs.create_study(sampler=sampler)
    study.optimize(
        _flat_in_x,
        budget_cost=250.0,  # room past the random start, whatever it costs
        callbacks=[lambda s, t: seen.append(sampler._cost.last_alpha)],
    )
    alphas = [a for a in seen if a is not None]
    assert alphas[0] == 1.0 or alphas[0] > alphas[-1]
    assert all(b <= a for a, b in zip(alphas, alphas[1:]))
    assert alphas[-1] < 0.75  # the last trial starts with some of the budget left


def test_constant_cost_leaves_the_gp_unchanged():
    def const(trial):
        trial.set_user_attr(_keys.COST, 2.0)
        return (trial.suggest_float("x", 0.0, 1.0) - 0.2) ** 2

    params = {}
    for aware in (False, True):
        study = hs.create_study(
            sampler=hs.samplers.GPSampler(seed=3, n_startup_trials=4, cost_aware=aware)
        )
        study.optimize(const, n_trials=10)
        params[aware] = [t.params["x"] for t in study.trials]
    assert params[True] == params[False]


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="cost_aware"):
        hs.samplers.GPSampler(cost_aware=True, acquisition="UCB")
    with pytest.raises(ValueError, match="cost_aware"):
        hs.samplers.TPESampler(cost_aware=True, multivariate=False)
    with pytest.raises(ValueError, match="cost_budget"):
        hs.samplers.GPSampler(cost_aware=True, cost_budget=-1.0)
    with pytest.raises(TypeError, match="cost_budget"):
        hs.samplers.TPESampler(cost_aware=True, cost_budget="10")
    with pytest.raises((TypeError, ValueError), match="cost_aware"):
        hs.samplers.GPSampler(cost_aware=1)


def test_gp_with_several_objectives_warns_once_and_samples_without_cost():
    def two(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        trial.set_user_attr(_keys.COST, 1.0 + 10 * x)
        return x, 1.0 - x

    study = hs.create_study(
        directions=["minimize", "minimize"],
        sampler=hs.samplers.GPSampler(seed=0, n_startup_trials=3, cost_aware=True),
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        study.optimize(two, n_trials=6)
    assert sum("several objectives" in str(w.message) for w in caught) == 1
    assert len(study.trials) == 6


def test_durations_are_the_cost_without_a_cost_attribute():
    def timed(trial):
        return trial.suggest_float("x", 0.0, 1.0)

    sampler = hs.samplers.TPESampler(seed=0, n_startup_trials=3, cost_aware=True)
    study = hs.create_study(sampler=sampler)
    _ask_tell(study, timed, 5)
    assert sampler._cost.last_alpha == 1.0  # no budget declared: no cooling
    study.optimize(timed, n_trials=3)  # cools over the trials: 8 in all, 3 of them random
    assert study.system_attrs[_keys.BUDGET_TRIALS] == 8
    from hypersearch.samplers._cost._pitfall import cost_weight

    # the cooling by trial count, times the cost's weight (timed durations: noisy evidence)
    weight = cost_weight(sampler._cost.last_evidence)
    assert sampler._cost.last_alpha == pytest.approx((8 - 7) / (8 - 3) * weight)


@pytest.mark.parametrize(
    "make",
    [
        lambda: hs.samplers.GPSampler(
            seed=0, n_startup_trials=3, cost_aware=True, cost_budget=50.0
        ),
        lambda: hs.samplers.TPESampler(seed=0, n_startup_trials=3, cost_aware=True),
    ],
)
@pytest.mark.filterwarnings("ignore:cost_aware. the cooling budget")
def test_cost_aware_samplers_pickle_and_continue(make):
    sampler = make()
    study = hs.create_study(sampler=sampler)
    study.optimize(_flat_in_x, n_trials=6)
    clone = check_round_trip(sampler)
    assert clone.cost_aware and clone._cost.rng is clone._rng
    assert not math.isnan(clone._cost.last_alpha)
