"""The cost-effective random start of cost-aware samplers (``_cost/_design.py``)."""

import numpy as np
import pytest

import hypersearch as hs
from hypersearch import _keys
from hypersearch.distributions import CategoricalDistribution, FloatDistribution
from hypersearch.samplers._cost._design import MIN_RANDOM, cheap_start_point, nearest_distance
from hypersearch.samplers._gp._space import SearchSpaceEncoding

hs.logging.set_verbosity(hs.logging.WARNING)


class _CostAlongFirstColumn:
    """A stand-in cost model: ``log c = log(30) * u0``."""

    def log_cost(self, u: np.ndarray) -> np.ndarray:
        return np.log(30.0) * u[:, 0]


def _enc():
    return SearchSpaceEncoding({"x": FloatDistribution(0.0, 1.0), "y": FloatDistribution(0.0, 1.0)})


def test_nearest_distance_counts_a_categorical_mismatch_as_one():
    enc = SearchSpaceEncoding(
        {"x": FloatDistribution(0.0, 1.0), "c": CategoricalDistribution(["a", "b", "c"])}
    )
    done = np.array([[0.5, 0.0], [0.9, 2.0]])
    u = np.array([[0.5, 0.0], [0.5, 1.0], [0.8, 2.0]])
    assert np.allclose(nearest_distance(enc, u, done), [0.0, 1.0, 0.1])
    assert np.allclose(nearest_distance(enc, u, done[:0]), np.sqrt(2.0))


def test_the_start_leans_to_cheap_points_and_not_without_a_weight():
    enc, rng = _enc(), np.random.default_rng(0)
    done = np.array([[0.5, 0.2], [0.5, 0.8]])  # symmetric in x
    leaned = [cheap_start_point(enc, done, _CostAlongFirstColumn(), rng)[0] for _ in range(200)]
    plain = [
        cheap_start_point(enc, done, _CostAlongFirstColumn(), rng, weight=0.0)[0]
        for _ in range(200)
    ]
    assert np.mean(leaned) < 0.35 < np.mean(plain)


def test_the_start_still_keeps_away_from_tried_points():
    enc, rng = _enc(), np.random.default_rng(1)
    done = np.array([[0.0, y] for y in np.linspace(0.0, 1.0, 11)])  # the cheap edge is tried
    picks = np.array(
        [cheap_start_point(enc, done, _CostAlongFirstColumn(), rng) for _ in range(50)]
    )
    assert nearest_distance(enc, picks, done).min() > 0.05


def _costly_x(trial):
    """The value ignores x; the cost grows 30x along x."""
    x = trial.suggest_float("x", 0.0, 1.0)
    y = trial.suggest_float("y", 0.0, 1.0)
    trial.set_user_attr(_keys.COST, 30.0**x)
    return (y - 0.5) ** 2


def _start(aware, objective, seed=0, n_startup=10):
    study = hs.create_study(
        sampler=hs.samplers.GPSampler(seed=seed, n_startup_trials=n_startup, cost_aware=aware)
    )
    study.optimize(objective, n_trials=n_startup)
    return [t.params["x"] for t in study.trials]


def test_a_cost_aware_gp_starts_cheaper_after_a_few_random_trials_and_is_seeded():
    aware = [_start(True, _costly_x, seed=s) for s in range(4)]
    plain = [_start(False, _costly_x, seed=s) for s in range(4)]
    assert [a[:MIN_RANDOM] for a in aware] == [p[:MIN_RANDOM] for p in plain]
    assert np.mean([a[MIN_RANDOM:] for a in aware]) < 0.8 * np.mean([p[MIN_RANDOM:] for p in plain])
    assert _start(True, _costly_x, seed=2) == aware[2]


def _costly_is_good(trial):
    x = trial.suggest_float("x", 0.0, 1.0)
    trial.suggest_float("y", 0.0, 1.0)
    trial.set_user_attr(_keys.COST, 30.0**x)
    return -x


@pytest.mark.parametrize(("objective", "leans"), [(_costly_x, True), (_costly_is_good, False)])
def test_the_start_leans_unless_the_costly_trials_are_the_good_ones(objective, leans):
    sampler = hs.samplers.GPSampler(seed=0, n_startup_trials=30, cost_aware=True)
    study = hs.create_study(sampler=sampler)
    study.optimize(objective, n_trials=12)
    space = study.trials[0].distributions
    params = sampler._cost.start_params(study, 12, space, np.arange(12))
    assert (set(params) == set(space)) if leans else params == {}


def test_a_multi_objective_start_stays_random():
    sampler = hs.samplers.GPSampler(seed=0, n_startup_trials=30, cost_aware=True)
    study = hs.create_study(sampler=sampler, directions=["minimize", "minimize"])
    study.optimize(lambda t: (_costly_x(t), t.params["x"]), n_trials=6)
    assert sampler._cost.start_params(study, 6, study.trials[0].distributions, np.arange(6)) == {}
