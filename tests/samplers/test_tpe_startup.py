"""TPE's Latin-hypercube startup: each parameter's startup draws cover its range evenly."""

from __future__ import annotations

import math
import pickle

import pytest

import hypersearch as hs
from hypersearch.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hypersearch.samplers._base import unit_to_external


def _startup_params(n: int, seed: int) -> list[dict[str, object]]:
    sampler = hs.samplers.TPESampler(seed=seed, n_startup_trials=n, startup="latin")
    study = hs.create_study(sampler=sampler)

    def objective(trial: hs.Trial) -> float:
        x = trial.suggest_float("x", 1e-3, 1e3, log=True)
        trial.suggest_int("k", 0, 7)
        trial.suggest_categorical("c", ["a", "b", "c", "d"])
        return x

    study.optimize(objective, n_trials=n)
    return [t.params for t in study.trials]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_each_parameter_hits_every_stratum_once(seed: int) -> None:
    params = _startup_params(8, seed)
    strata = sorted(int((math.log10(p["x"]) + 3) / 6 * 8) for p in params)  # type: ignore[arg-type]
    assert strata == list(range(8))
    assert sorted(p["k"] for p in params) == list(range(8))  # type: ignore[type-var]
    choices = [p["c"] for p in params]
    assert sorted(choices.count(c) for c in "abcd") == [2, 2, 2, 2]


def test_the_same_seed_gives_the_same_startup() -> None:
    assert _startup_params(6, 3) == _startup_params(6, 3)


def test_unit_to_external_stays_inside_every_distribution() -> None:
    dists = [
        FloatDistribution(0.5, 2.0),
        FloatDistribution(1e-4, 1.0, log=True),
        FloatDistribution(0.0, 1.0, step=0.25),
        IntDistribution(1, 1000, log=True),
        IntDistribution(-3, 9, step=3),
        CategoricalDistribution(["x", None, 3]),
    ]
    for dist in dists:
        for u in (0.0, 0.3, 0.999999, 1.0 - 1e-16):
            assert dist.contains(dist.to_internal_repr(unit_to_external(u, dist))), (dist, u)
    assert unit_to_external(0.99, IntDistribution(-3, 9, step=3)) == 9
    assert unit_to_external(0.0, FloatDistribution(0.0, 1.0, step=0.25)) == 0.0


def test_an_unknown_startup_is_refused() -> None:
    with pytest.raises(ValueError, match="startup"):
        hs.samplers.TPESampler(startup="sobol")


def test_the_sampler_travels_mid_startup() -> None:
    sampler = hs.samplers.TPESampler(seed=0, n_startup_trials=4, startup="latin")
    study = hs.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    copy = pickle.loads(pickle.dumps(sampler))
    study2 = hs.create_study(sampler=copy)
    study2.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    first = sorted(int(t.params["x"] * 4) for t in study.trials)
    second = sorted(int(t.params["x"] * 4) for t in study2.trials)
    assert sorted(first + second) == [0, 1, 2, 3]  # the copy continues the same strata


def test_a_random_startup_draws_the_trials_of_random_search_with_its_seed() -> None:
    def objective(trial: hs.Trial) -> float:
        return trial.suggest_float("x", 0, 1) + trial.suggest_int("k", 0, 7)

    runs = []
    for sampler in (hs.samplers.RandomSampler(seed=6), hs.samplers.TPESampler(seed=6)):
        study = hs.create_study(sampler=sampler)
        study.optimize(objective, n_trials=12)
        runs.append([t.params for t in study.trials])
    assert runs[0][:10] == runs[1][:10]  # TPE's 10 startup trials
    assert runs[0][10:] != runs[1][10:]
