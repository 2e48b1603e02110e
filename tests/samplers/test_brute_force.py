"""BruteForceSampler: every leaf of a (conditional) discrete tree exactly once, then stop."""

from __future__ import annotations

import itertools

import pytest

import hypersearch as hs
from hypersearch.samplers import BruteForceSampler
from hypersearch.trial import TrialState


def conditional(trial: hs.Trial) -> float:
    kind = trial.suggest_categorical("kind", ["lin", "tree", None])
    if kind == "lin":
        c = trial.suggest_float("c", 0.0, 1.0, step=0.25)
        return c
    if kind == "tree":
        depth = trial.suggest_int("depth", 1, 3)
        if depth > 1:
            return depth + (trial.suggest_categorical("split", ["gini", "entropy"]) == "gini")
        return depth
    return 0.0


# kind=lin: 5 leaves; tree: depth 1 (1) + depth 2,3 x split (4); None: 1 -> 11
LEAVES = 11


def _paths(study: hs.Study) -> list[tuple]:
    return [tuple(t.params.items()) for t in study.trials]


def test_conditional_space_covers_every_leaf_exactly_once() -> None:
    study = hs.create_study(sampler=BruteForceSampler(seed=0))
    study.optimize(conditional)  # no n_trials: the sampler stops the study
    paths = _paths(study)
    assert len(paths) == LEAVES and len(set(paths)) == LEAVES
    for t in study.trials:  # params come back in suggest order
        assert next(iter(t.params)) == "kind"


def test_full_product_space() -> None:
    def obj(trial: hs.Trial) -> float:
        return (
            trial.suggest_int("a", 0, 4, step=2)
            + trial.suggest_categorical("b", [1, 2])
            + (trial.suggest_int("c", 1, 4, log=True))
        )

    study = hs.create_study(sampler=BruteForceSampler(seed=1))
    study.optimize(obj)
    got = sorted((t.params["a"], t.params["b"], t.params["c"]) for t in study.trials)
    assert got == sorted(itertools.product([0, 2, 4], [1, 2], [1, 2, 3, 4]))


def test_seed_determinism() -> None:
    runs = []
    for seed in (3, 3, 4):
        study = hs.create_study(sampler=BruteForceSampler(seed=seed))
        study.optimize(conditional)
        runs.append(_paths(study))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


@pytest.mark.parametrize("n_jobs", [2, 3])
def test_threads_flat_space_cover_every_leaf_and_stop(n_jobs: int) -> None:
    def obj(trial: hs.Trial) -> float:
        return trial.suggest_int("a", 0, 4) + trial.suggest_categorical("b", [0, 1, 2])

    study = hs.create_study(sampler=BruteForceSampler(seed=0))
    study.optimize(obj, n_jobs=n_jobs)
    paths = _paths(study)
    assert len(set(paths)) == 15
    assert len(paths) < 2 * 15  # racing workers may rerun a few leaves, never loop


@pytest.mark.parametrize("n_jobs", [2, 3])
def test_threads_conditional_strict_covers_every_leaf_and_stops(n_jobs: int) -> None:
    study = hs.create_study(sampler=BruteForceSampler(seed=0, avoid_premature_stop=True))
    study.optimize(conditional, n_jobs=n_jobs)
    assert len(set(_paths(study))) == LEAVES  # terminates, and nothing is missed


@pytest.mark.parametrize("n_jobs", [2, 3])
def test_threads_conditional_default_stops_without_repeats(n_jobs: int) -> None:
    study = hs.create_study(sampler=BruteForceSampler(seed=0))
    study.optimize(conditional, n_jobs=n_jobs)
    paths = _paths(study)
    assert len(paths) < 2 * LEAVES  # racing workers may rerun a few leaves, never loop
    assert len(set(paths)) >= LEAVES - n_jobs  # may miss leaves revealed by a racing trial


def test_failed_trial_counts_as_tried() -> None:
    def obj(trial: hs.Trial) -> float:
        x = trial.suggest_int("x", 0, 3)
        if x == 2:
            raise RuntimeError("boom")
        return x

    study = hs.create_study(sampler=BruteForceSampler(seed=0))
    study.optimize(obj, catch=RuntimeError)
    assert sorted(t.params["x"] for t in study.trials) == [0, 1, 2, 3]
    assert sum(t.state == TrialState.FAIL for t in study.trials) == 1


def test_history_from_other_worker_is_respected() -> None:
    storage = hs.storages.InMemoryStorage()
    a = hs.create_study(storage=storage, study_name="b", sampler=BruteForceSampler(seed=0))
    b = hs.load_study(storage=storage, study_name="b", sampler=BruteForceSampler(seed=0))
    for _ in range(5):
        a.optimize(conditional, n_trials=1)
        b.optimize(conditional, n_trials=1)
    b.optimize(conditional, n_trials=1)
    assert len(set(_paths(a))) == LEAVES


def test_continuous_float_raises_naming_it() -> None:
    study = hs.create_study(sampler=BruteForceSampler())
    trial = study.ask()
    with pytest.raises(ValueError, match="'lr'"):
        trial.suggest_float("lr", 1e-4, 1e-1, log=True)


def test_nondeterministic_objective_is_reported() -> None:
    study = hs.create_study(sampler=BruteForceSampler(seed=0))
    flip = iter([True, False, False])

    def obj(trial: hs.Trial) -> float:
        trial.suggest_int("a", 0, 1)
        if next(flip):
            return trial.suggest_int("b", 0, 1)
        return trial.suggest_int("c", 0, 1)

    study.optimize(obj, n_trials=1)
    study.enqueue_trial({"a": study.trials[0].params["a"]})
    with pytest.raises(ValueError, match="deterministic"):
        study.optimize(obj, n_trials=1)
