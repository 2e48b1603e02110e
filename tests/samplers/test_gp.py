"""GPSampler: behaviour on small, fixed-seed studies (fast)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import hypersearch
from hypersearch.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hypersearch.samplers import GPSampler, RandomSampler
from hypersearch.samplers._gp._acqf import ei, log_ei, log_h
from hypersearch.samplers._gp._space import SearchSpaceEncoding
from hypersearch.trial import TrialState


def _mixed(trial: hypersearch.Trial) -> float:
    x = trial.suggest_float("x", -2.0, 2.0)
    lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
    n = trial.suggest_int("n", 1, 64, log=True)
    k = trial.suggest_int("k", 0, 100, step=5)
    h = trial.suggest_float("h", 0.0, 1.0, step=0.25)
    c = trial.suggest_categorical("c", ["a", "b", "c"])
    return x**2 + (math.log10(lr) + 2) ** 2 + abs(n - 8) / 8 + k / 100 + h + (c != "b")


def _quadratic(trial: hypersearch.Trial) -> float:
    x = trial.suggest_float("x", -5.0, 5.0)
    y = trial.suggest_float("y", -5.0, 5.0)
    return (x - 1.3) ** 2 + (y + 0.7) ** 2


@pytest.mark.parametrize("effort", ["full", "light"])
def test_same_seed_same_trials(effort: str) -> None:
    runs = []
    for _ in range(2):
        sampler = GPSampler(seed=3, n_startup_trials=4, effort=effort)
        study = hypersearch.create_study(sampler=sampler)
        study.optimize(_mixed, n_trials=8)
        runs.append([t.params for t in study.trials])
    assert runs[0] == runs[1]


@pytest.mark.parametrize("effort", ["full", "light"])
def test_mixed_space_values_inside_distributions(effort: str) -> None:
    study = hypersearch.create_study(sampler=GPSampler(seed=0, n_startup_trials=4, effort=effort))
    study.optimize(_mixed, n_trials=12)
    assert len(study.trials) == 12
    for trial in study.trials:
        for name, value in trial.params.items():
            dist = trial.distributions[name]
            assert dist.contains(dist.to_internal(value)), (name, value, dist)


@pytest.mark.parametrize("acquisition", ["logEI", "EI", "UCB", "PI", "KG"])
def test_each_acquisition_runs(acquisition: str) -> None:
    sampler = GPSampler(seed=1, n_startup_trials=4, acquisition=acquisition)
    study = hypersearch.create_study(sampler=sampler)
    study.optimize(_quadratic, n_trials=8)
    assert study.best_value < 10.0
    values = [t.value for t in study.trials]
    assert all(np.isfinite(values))


def test_log_ei_finite_where_ei_underflows() -> None:
    mean = np.array([0.0, 50.0, 1e3, 1e9])
    var = np.ones(4)
    val, dmean, dvar = log_ei(mean, var, best=-1.0)
    plain = ei(mean, var, best=-1.0)[0]
    assert plain[2] == 0.0 and plain[3] == 0.0  # EI underflowed
    assert np.all(np.isfinite(val)) and np.all(np.isfinite(dmean)) and np.all(np.isfinite(dvar))
    assert np.all(np.diff(val) < 0)  # still ranks the points
    assert np.all(dmean < 0)  # and still points the way back
    # Agrees with log(EI) where EI is representable.
    z = np.linspace(-20, 5, 101)
    direct = np.log(np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi) + z * 0.5 * _erfc(-z))
    np.testing.assert_allclose(log_h(z), direct, rtol=1e-9, atol=1e-12)
    # Asymptotic branch: log h(z) ~ -z^2/2 - log sqrt(2 pi) - 2 log|z|.
    big = log_h(np.array([-1e9]))[0]
    assert big == pytest.approx(-0.5e18 - 0.5 * math.log(2 * math.pi) - 2 * math.log(1e9))


def _erfc(x: np.ndarray) -> np.ndarray:
    from scipy.special import erfc

    return erfc(x / math.sqrt(2))


def test_light_effort_skips_the_polish_and_still_homes_in(monkeypatch) -> None:
    from hypersearch.samplers._gp import _optimize

    def no_polish(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the light effort must not polish")

    monkeypatch.setattr(_optimize, "_polish", no_polish)
    monkeypatch.setattr(_optimize, "_coordinate_search", no_polish)
    study = hypersearch.create_study(sampler=GPSampler(seed=0, effort="light"))
    study.optimize(_quadratic, n_trials=25)
    assert study.best_value < 0.1  # random search's median at 25 trials is ~1


def test_beats_random_on_quadratic() -> None:
    gp, rnd = [], []
    for seed in range(3):
        for sampler, out in ((GPSampler(seed=seed), gp), (RandomSampler(seed=seed), rnd)):
            study = hypersearch.create_study(sampler=sampler)
            study.optimize(_quadratic, n_trials=25)
            out.append(study.best_value)
    assert max(gp) < 1e-2
    assert np.median(gp) < 0.05 * np.median(rnd)


def _two_pending_asks(sampler: GPSampler) -> float:
    study = hypersearch.create_study(sampler=sampler)
    study.optimize(_quadratic, n_trials=12)
    points = []
    for _ in range(2):
        trial = study.ask()  # stays RUNNING: a parallel worker's pending trial
        points.append((trial.suggest_float("x", -5.0, 5.0), trial.suggest_float("y", -5.0, 5.0)))
    return math.dist(*points)


def test_pending_trials_are_fantasised() -> None:
    with_fantasies = _two_pending_asks(GPSampler(seed=0, n_startup_trials=5))
    blind = GPSampler(seed=0, n_startup_trials=5)
    blind._pending = lambda history, params, number: np.empty((0, params.shape[1]))  # type: ignore[method-assign]
    without = _two_pending_asks(blind)
    assert without < 5e-3  # the same model asks (almost) the same point twice...
    assert with_fantasies > 1e-2  # ...unless the first pending point is fantasised
    assert with_fantasies > 100 * without


def test_infinite_and_failed_values() -> None:
    calls = {"n": 0}

    def objective(trial: hypersearch.Trial) -> float:
        x = trial.suggest_float("x", -5.0, 5.0)
        y = trial.suggest_float("y", -5.0, 5.0)
        calls["n"] += 1
        if calls["n"] % 7 == 0:
            raise RuntimeError("boom")
        if x < -2.5:  # a region where the objective blows up
            return math.inf
        if x > 4.0:
            return -math.inf if calls["n"] == 3 else math.inf
        return (x - 1.3) ** 2 + (y + 0.7) ** 2

    study = hypersearch.create_study(sampler=GPSampler(seed=0, n_startup_trials=5))
    study.optimize(objective, n_trials=20, catch=RuntimeError)
    states = [t.state for t in study.trials]
    assert TrialState.FAIL in states
    values = [t.value for t in study.trials if t.state == TrialState.COMPLETE]
    assert any(math.isinf(v) for v in values)
    finite = [v for v in values if math.isfinite(v)]
    assert min(finite) < 0.5


def _crashes_left_of_minus_3(trial: hypersearch.Trial) -> float:
    x = trial.suggest_float("x", -5.0, 5.0)
    if x < -3.0:
        raise ValueError("boom")
    return (x - 1.0) ** 2


@pytest.mark.parametrize(("avoid", "most", "least"), [(True, 8, 1), (False, 40, 20)])
def test_configurations_that_crashed_are_avoided(avoid: bool, most: int, least: int) -> None:
    sampler = GPSampler(seed=0, n_startup_trials=5, avoid_failures=avoid)
    study = hypersearch.create_study(sampler=sampler)
    study.optimize(_crashes_left_of_minus_3, n_trials=40, catch=ValueError)
    failures = sum(t.state == TrialState.FAIL for t in study.trials)
    assert least <= failures <= most  # ignored, the GP keeps asking where it has no data
    if avoid:
        assert study.best_value < 1e-4


def test_avoid_failures_is_a_flag_and_ucb_runs_without_the_weight() -> None:
    with pytest.raises(TypeError, match="avoid_failures"):
        GPSampler(avoid_failures="yes")  # type: ignore[arg-type]
    study = hypersearch.create_study(
        sampler=GPSampler(seed=0, n_startup_trials=5, acquisition="UCB")
    )
    study.optimize(_crashes_left_of_minus_3, n_trials=12, catch=ValueError)  # runs, unweighted
    assert len(study.trials) == 12


def test_small_history_and_changing_space() -> None:
    sampler = GPSampler(seed=0, n_startup_trials=0)
    study = hypersearch.create_study(sampler=sampler)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        study.optimize(_quadratic, n_trials=4)  # 0 and 1 trials: quietly random

    def grown(trial: hypersearch.Trial) -> float:
        value = _quadratic(trial)
        z = trial.suggest_int("z", 0, 3)
        return value + z

    study.optimize(grown, n_trials=4)
    zs = [t.params["z"] for t in study.trials[4:]]
    assert all(z in (0, 1, 2, 3) for z in zs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"acquisition": "EHVI"},
        {"output_transform": "log"},
        {"n_startup_trials": -1},
        {"beta": -1.0},
        {"max_points": 2},
        {"refit_every": 0},
        {"n_candidates": 0},
        {"effort": "high"},
    ],
)
def test_bad_arguments(kwargs: dict) -> None:
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        GPSampler(**kwargs)


def test_encoding_round_trip() -> None:
    space = {
        "f": FloatDistribution(-1.0, 3.0),
        "l": FloatDistribution(1e-3, 10.0, log=True),
        "i": IntDistribution(2, 9),
        "il": IntDistribution(1, 1000, log=True),
        "s": FloatDistribution(0.0, 1.0, step=0.1),
        "c": CategoricalDistribution([None, True, "x"]),
    }
    enc = SearchSpaceEncoding(space)
    rng = np.random.default_rng(0)
    for _ in range(50):
        u = rng.random(enc.dim)
        u[-1] = rng.integers(3)
        params = enc.decode(u)
        internal = np.array([[d.to_internal(params[n]) for n, d in space.items()]])
        again = enc.decode(enc.encode(internal)[0])
        assert again == params
        for name, dist in space.items():
            assert dist.contains(dist.to_internal(params[name]))


def test_large_int_range_and_categorical_only() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings from the encoding
        study = hypersearch.create_study(sampler=GPSampler(seed=0, n_startup_trials=3))
        study.optimize(lambda t: (t.suggest_int("i", 0, 1000) - 377) ** 2, n_trials=15)
        assert study.best_value < 100
        cats = hypersearch.create_study(sampler=GPSampler(seed=0, n_startup_trials=3))
        cats.optimize(
            lambda t: (
                {"a": 1, "b": 0, "c": 2}[t.suggest_categorical("c", ["a", "b", "c"])]
                + t.suggest_categorical("d", [1, 2])
            ),
            n_trials=8,
        )
        assert cats.best_value == 1


@pytest.mark.parametrize("kind", ["standardize", "power"])
def test_output_transform_clips_infinities_and_keeps_order(kind: str) -> None:
    from hypersearch.samplers._gp._sampler import transform_outputs

    y = np.array([3.0, math.inf, -1.0, -math.inf, 10.0, 0.5])
    z = transform_outputs(y, kind)
    assert np.all(np.isfinite(z))
    assert z[1] == z[4] == z.max() and z[3] == z[2] == z.min()  # +-inf clipped to the range
    finite = np.isfinite(y)
    assert np.all(np.diff(z[finite][np.argsort(y[finite])]) > 0)  # monotone
    assert np.all(transform_outputs(np.full(4, 2.0), kind) == 0.0)
