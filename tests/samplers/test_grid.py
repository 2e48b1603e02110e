"""GridSampler: coverage, seeded order, exhaustion with several workers, validation."""

from __future__ import annotations

import itertools

import pytest

import hypersearch as hs
from hypersearch.samplers import GridSampler
from hypersearch.samplers._grid import GRID_ID_KEY
from hypersearch.trial import TrialState

SPACE = {"x": [-1, 0, 1], "y": ["a", "b"], "z": [0.5, 1.5]}


def objective(trial: hs.Trial) -> float:
    x = trial.suggest_int("x", -1, 1)
    y = trial.suggest_categorical("y", ["a", "b"])
    z = trial.suggest_float("z", 0.0, 2.0)
    return x + z + (y == "a")


def _points(study: hs.Study) -> list[tuple]:
    return [(t.params["x"], t.params["y"], t.params["z"]) for t in study.trials]


def test_every_combination_once_then_stops() -> None:
    study = hs.create_study(sampler=GridSampler(SPACE, seed=0))
    study.optimize(objective)  # no n_trials: the grid must stop the study
    assert sorted(_points(study)) == sorted(itertools.product(*SPACE.values()))


def test_grid_id_recorded_and_matches_params() -> None:
    sampler = GridSampler(SPACE, seed=0)
    study = hs.create_study(sampler=sampler)
    study.optimize(objective)
    ids = [t.system_attrs[GRID_ID_KEY] for t in study.trials]
    assert sorted(ids) == list(range(sampler.n_grid))
    for t in study.trials:
        assert sampler.grid_point(t.system_attrs[GRID_ID_KEY]) == t.params


def test_seed_determinism_and_order_depends_on_seed() -> None:
    runs = []
    for seed in (1, 1, 2):
        study = hs.create_study(sampler=GridSampler(SPACE, seed=seed))
        study.optimize(objective)
        runs.append(_points(study))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


@pytest.mark.parametrize("n_jobs", [2, 4])
def test_exhaustion_with_threads(n_jobs: int) -> None:
    space = {"x": list(range(30))}
    study = hs.create_study(sampler=GridSampler(space, seed=3))
    study.optimize(lambda t: t.suggest_int("x", 0, 29), n_jobs=n_jobs)
    xs = [t.params["x"] for t in study.trials]
    assert set(xs) == set(range(30))
    assert len(xs) <= 30 + n_jobs  # at most a rerun per worker racing at the end


def test_failed_points_count_as_covered() -> None:
    study = hs.create_study(sampler=GridSampler({"x": [0, 1, 2]}, seed=0))

    def obj(trial: hs.Trial) -> float:
        x = trial.suggest_int("x", 0, 2)
        if x == 1:
            raise RuntimeError("boom")
        return x

    study.optimize(obj, catch=RuntimeError)
    assert len(study.trials) == 3
    assert sum(t.state == TrialState.FAIL for t in study.trials) == 1


def test_second_optimize_after_exhaustion_reruns_once_and_stops() -> None:
    study = hs.create_study(sampler=GridSampler({"x": [0, 1]}, seed=0))
    study.optimize(lambda t: t.suggest_int("x", 0, 1))
    study.optimize(lambda t: t.suggest_int("x", 0, 1))
    assert len(study.trials) == 3


def test_shared_storage_two_samplers_cover_the_grid() -> None:
    storage = hs.storages.InMemoryStorage()
    a = hs.create_study(storage=storage, study_name="g", sampler=GridSampler(SPACE, seed=0))
    b = hs.load_study(storage=storage, study_name="g", sampler=GridSampler(SPACE, seed=9))
    for _ in range(6):
        a.optimize(objective, n_trials=1)
        b.optimize(objective, n_trials=1)
    assert sorted(_points(a)) == sorted(itertools.product(*SPACE.values()))


def test_enqueued_grid_point_is_recognised() -> None:
    sampler = GridSampler({"x": [0, 1, 2]}, seed=0)
    study = hs.create_study(sampler=sampler)
    study.enqueue_trial({"x": 2})
    study.optimize(lambda t: t.suggest_int("x", 0, 2))
    assert sorted(t.params["x"] for t in study.trials) == [0, 1, 2]
    assert study.trials[0].params["x"] == 2


def test_unknown_parameter_raises_naming_it() -> None:
    study = hs.create_study(sampler=GridSampler({"x": [0, 1]}))
    trial = study.ask()
    with pytest.raises(ValueError, match="'w'"):
        trial.suggest_float("w", 0, 1)


def test_value_outside_distribution_raises() -> None:
    study = hs.create_study(sampler=GridSampler({"x": [0, 5]}, seed=0))
    with pytest.raises(ValueError, match="'x'"):
        for _ in range(2):
            trial = study.ask()
            trial.suggest_int("x", 0, 3)
            study.tell(trial, 0.0)


@pytest.mark.parametrize(
    ("space", "error"),
    [
        ({}, ValueError),
        ({"x": []}, ValueError),
        ({"x": [float("nan")]}, ValueError),
        ({"x": [[1, 2]]}, TypeError),
        ({"x": "abc"}, TypeError),
        ([("x", [1])], TypeError),
    ],
)
def test_bad_search_space(space: object, error: type) -> None:
    with pytest.raises(error):
        GridSampler(space)  # type: ignore[arg-type]


def test_is_exhausted_once_every_point_is_taken():
    sampler = GridSampler({"x": [0, 1, 2]})
    study = hs.create_study(sampler=sampler)
    seen = []
    while not sampler.is_exhausted(study):
        trial = study.ask()
        seen.append(trial.suggest_int("x", 0, 2))
        study.tell(trial, 0.0)
    assert sorted(seen) == [0, 1, 2]
