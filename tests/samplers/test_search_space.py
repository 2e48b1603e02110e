"""The incremental intersection search space agrees with the full one at every step."""

from __future__ import annotations

import pickle

import numpy as np

import hypersearch as hs
from hypersearch.samplers._search_space import IntersectionSearchSpace, intersection_search_space


def _random_trial(study: hs.Study, rng: np.random.Generator) -> None:
    trial = study.ask()
    trial.suggest_float("always", 0, 1)
    if rng.random() < 0.9:
        trial.suggest_float("mostly", 0, 1)
    if rng.random() < 0.5:
        trial.suggest_int("half", 0, 3)
    if rng.random() < 0.05:  # another distribution for the same name: a conflict
        trial.suggest_float("always_b", 0, 2 if rng.random() < 0.5 else 1)
    else:
        trial.suggest_float("always_b", 0, 1)
    outcome = rng.random()
    if outcome < 0.6:
        study.tell(trial, float(rng.random()))
    elif outcome < 0.75:
        study.tell(trial, state=hs.TrialState.PRUNED)
    elif outcome < 0.85:
        study.tell(trial, state=hs.TrialState.FAIL)
    # else: left RUNNING


def test_incremental_matches_full_search_space_step_by_step():
    for include_pruned in (False, True):
        rng = np.random.default_rng(3)
        study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
        space = IntersectionSearchSpace(include_pruned=include_pruned)
        seen = set()
        for _ in range(120):
            _random_trial(study, rng)
            history = study.history
            expected = intersection_search_space(history, include_pruned=include_pruned)
            assert space.calculate(history) == expected
            seen.add(tuple(expected))
        assert len(seen) > 2  # the space did change along the way


def test_another_study_and_a_pickled_copy_start_over():
    space = IntersectionSearchSpace()
    a = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    a.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), n_trials=3)
    assert list(space.calculate(a.history)) == ["x", "y"]
    b = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    b.optimize(lambda t: t.suggest_float("z", 0, 1), n_trials=3)
    assert list(space.calculate(b.history)) == ["z"]
    copy = pickle.loads(pickle.dumps(space))
    assert list(copy.calculate(a.history)) == ["x", "y"]
