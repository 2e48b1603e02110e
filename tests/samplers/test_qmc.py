"""QMCSampler: determinism, distinct points, low discrepancy, mapping of every distribution."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import qmc

import hypersearch as hs
from hypersearch.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hypersearch.samplers import QMCSampler, RandomSampler
from hypersearch.samplers._base import unit_to_external
from hypersearch.samplers._qmc import SEED_KEY


def objective(trial: hs.Trial) -> float:
    return trial.suggest_float("x", 0, 1) + trial.suggest_float("y", 0, 1)


def _unit_points(study: hs.Study) -> np.ndarray:
    return np.array([[t.params["x"], t.params["y"]] for t in study.trials[1:]])


@pytest.mark.parametrize("qmc_type", ["sobol", "halton"])
def test_seed_determinism(qmc_type: str) -> None:
    params = []
    for seed in (5, 5, 6):
        study = hs.create_study(sampler=QMCSampler(qmc_type=qmc_type, seed=seed))
        study.optimize(objective, n_trials=10)
        params.append([t.params for t in study.trials])
    assert params[0] == params[1]
    assert params[0] != params[2]


@pytest.mark.parametrize("qmc_type", ["sobol", "halton"])
def test_points_distinct_and_follow_the_sequence(qmc_type: str) -> None:
    study = hs.create_study(sampler=QMCSampler(qmc_type=qmc_type, seed=1))
    study.optimize(objective, n_trials=33)
    pts = _unit_points(study)
    assert len(np.unique(pts, axis=0)) == len(pts)
    cls = qmc.Sobol if qmc_type == "sobol" else qmc.Halton
    ref = cls(2, scramble=True, rng=np.random.default_rng(1)).random(64)[1:33]
    np.testing.assert_allclose(pts, ref)  # trial t took point t


def test_lower_discrepancy_than_random() -> None:
    wins = 0
    for seed in range(5):
        q = hs.create_study(sampler=QMCSampler(seed=seed))
        q.optimize(objective, n_trials=65)
        r = hs.create_study(sampler=RandomSampler(seed=seed))
        r.optimize(objective, n_trials=65)
        wins += qmc.discrepancy(_unit_points(q)) < qmc.discrepancy(_unit_points(r))
    assert wins == 5


def test_workers_sharing_storage_get_distinct_points() -> None:
    storage = hs.storages.InMemoryStorage()
    a = hs.create_study(storage=storage, study_name="q", sampler=QMCSampler())
    b = hs.load_study(storage=storage, study_name="q", sampler=QMCSampler())
    for _ in range(8):
        a.optimize(objective, n_trials=1)
        b.optimize(objective, n_trials=1)
    pts = _unit_points(a)
    assert len(np.unique(pts, axis=0)) == len(pts)
    assert isinstance(a.system_attrs[SEED_KEY], int)  # one scrambling for every worker


def test_threads_get_distinct_points() -> None:
    study = hs.create_study(sampler=QMCSampler(seed=0))
    study.optimize(objective, n_trials=1)
    study.optimize(objective, n_trials=40, n_jobs=4)
    pts = _unit_points(study)
    assert len(np.unique(pts, axis=0)) == 40


def test_engine_fast_forwards_and_rewinds() -> None:
    sampler = QMCSampler(seed=2)
    study = hs.create_study(sampler=sampler)
    ref = qmc.Sobol(3, rng=np.random.default_rng(2)).random(16)
    for index in (5, 9, 2, 2, 15, 0):
        np.testing.assert_allclose(sampler._point(study, index, 3), ref[index])


def test_first_trial_independent_then_space_fixed(caplog: pytest.LogCaptureFixture) -> None:
    study = hs.create_study(sampler=QMCSampler(seed=0))
    study.optimize(objective, n_trials=1)

    def more(trial: hs.Trial) -> float:
        return objective(trial) + trial.suggest_float("new", 0, 1)

    with caplog.at_level("WARNING", logger="hypersearch"):
        study.optimize(more, n_trials=1)
    assert any("'new'" in r.getMessage() for r in caplog.records)
    reference = hs.create_study(sampler=RandomSampler(seed=0))  # the default independent sampler
    reference.optimize(objective, n_trials=1)
    assert study.trials[0].params == reference.trials[0].params
    ref = qmc.Sobol(2, rng=np.random.default_rng(0)).random(2)[1]
    second = study.trials[1].params
    np.testing.assert_allclose([second["x"], second["y"]], ref)


def test_no_warning_when_disabled(caplog: pytest.LogCaptureFixture) -> None:
    study = hs.create_study(sampler=QMCSampler(seed=0, warn_independent_sampling=False))
    study.optimize(objective, n_trials=1)
    with caplog.at_level("WARNING", logger="hypersearch"):
        study.optimize(lambda t: t.suggest_float("z", 0, 1), n_trials=2)
    assert not caplog.records


@pytest.mark.parametrize(
    "dist",
    [
        FloatDistribution(-2.0, 3.0),
        FloatDistribution(1e-4, 10.0, log=True),
        FloatDistribution(0.0, 1.0, step=0.25),
        IntDistribution(-3, 7),
        IntDistribution(0, 12, step=3),
        IntDistribution(1, 100, log=True),
        CategoricalDistribution(["a", None, 3, 2.5, True]),
    ],
)
def test_unit_mapping_inside_and_covers_every_value(dist: object) -> None:
    us = np.linspace(0, 1, 20001)
    values = [unit_to_external(u, dist) for u in us]  # type: ignore[arg-type]
    assert all(dist.contains(dist.to_internal(v)) for v in values)  # type: ignore[attr-defined]
    if isinstance(dist, CategoricalDistribution):
        assert {dist.to_internal(v) for v in values} == set(range(len(dist.choices)))
    elif isinstance(dist, IntDistribution):
        assert set(values) == set(range(dist.low, dist.high + 1, dist.step))
    elif dist.step is not None:  # type: ignore[attr-defined]
        assert sorted(set(values)) == [0.0, 0.25, 0.5, 0.75, 1.0]
    else:
        assert min(values) == pytest.approx(dist.low) and max(values) <= dist.high  # type: ignore[attr-defined]


def test_stepped_buckets_have_equal_mass() -> None:
    dist = IntDistribution(0, 4)
    counts = np.bincount([unit_to_external(u, dist) for u in (np.arange(1000) + 0.5) / 1000])
    assert counts.tolist() == [200] * 5


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="qmc_type"):
        QMCSampler(qmc_type="lhs")
    with pytest.raises(TypeError, match="independent_sampler"):
        QMCSampler(independent_sampler="random")  # type: ignore[arg-type]
