"""BaseGASampler: a user's genetic sampler written on Optuna's base class."""

from __future__ import annotations

import random

import pytest

import hypersearch as hs
from hypersearch.samplers import BaseGASampler


class _Breeder(BaseGASampler):
    """Keeps the best half of the last generation; children average two parents."""

    def __init__(self, population_size: int, seed: int) -> None:
        super().__init__(population_size)
        self._rng = random.Random(seed)
        self.selections = 0

    def select_parent(self, study, generation):
        self.selections += 1
        last = self.get_population(study, generation - 1)
        return sorted(last, key=lambda t: t.value)[: max(2, len(last) // 2)]

    def infer_relative_search_space(self, study, trial):
        return {}

    def sample_relative(self, study, trial, search_space):
        return {}

    def sample_independent(self, study, trial, name, distribution):
        generation = self.get_trial_generation(study, trial)
        parents = self.get_parent_population(study, generation)
        if not parents:
            return self._rng.uniform(distribution.low, distribution.high)
        a, b = self._rng.sample(parents, 2)
        return (a.params[name] + b.params[name]) / 2


def test_generations_parents_and_their_cache():
    sampler = _Breeder(population_size=4, seed=0)
    study = hs.create_study(sampler=sampler)
    study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2, n_trials=12)
    generations = [t.system_attrs["_Breeder:generation"] for t in study.trials]
    assert generations == [0] * 4 + [1] * 4 + [2] * 4
    assert [len(sampler.get_population(study, g)) for g in range(3)] == [4, 4, 4]
    assert sampler.selections == 2  # once per generation, then read from the study
    parents = sampler.get_parent_population(study, 1)
    assert {t.number for t in parents} <= {0, 1, 2, 3} and len(parents) == 2
    assert sampler.selections == 2
    assert study.system_attrs["_Breeder:parent:1"] == [t.trial_id for t in parents]
    assert sampler.get_parent_population(study, 0) == []


def test_population_size_is_checked():
    with pytest.raises(ValueError, match="population_size"):
        _Breeder(population_size=0, seed=0)
    with pytest.raises(TypeError, match="population_size"):
        _Breeder(population_size="4", seed=0)  # type: ignore[arg-type]
