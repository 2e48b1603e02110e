"""Optuna's NSGA-II operators (``hypersearch.samplers.nsgaii``) inside NSGAIISampler."""

from __future__ import annotations

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.samplers import NSGAIISampler
from hypersearch.samplers.nsgaii import (
    BaseCrossover,
    BaseMutation,
    BLXAlphaCrossover,
    PolynomialMutation,
    SBXCrossover,
    SPXCrossover,
    UNDXCrossover,
    UniformCrossover,
    VSBXCrossover,
)

OPERATORS = [
    UniformCrossover(),
    BLXAlphaCrossover(),
    SBXCrossover(eta=10, uniform_crossover_prob=0.3, use_child_gene_prob=0.7),
    VSBXCrossover(),
    SPXCrossover(),
    UNDXCrossover(),
]


def _zdt1(trial):
    xs = [trial.suggest_float(f"x{i}", 0, 1) for i in range(3)]
    g = 1 + 9 * sum(xs[1:]) / 2
    return xs[0], g * (1 - (xs[0] / g) ** 0.5)


@pytest.mark.parametrize("crossover", OPERATORS, ids=lambda c: type(c).__name__)
def test_each_crossover_drives_the_sampler_inside_the_bounds(crossover):
    sampler = NSGAIISampler(population_size=8, crossover=crossover, seed=3)
    study = hs.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(_zdt1, n_trials=32)
    assert len(study.trials) == 32 and all(t.state.name == "COMPLETE" for t in study.trials)
    assert all(0 <= v <= 1 for t in study.trials for v in t.params.values())


@pytest.mark.parametrize("crossover", [SPXCrossover(), UNDXCrossover()], ids=str)
def test_three_parent_crossovers_stay_near_the_parents(crossover):
    rng = np.random.default_rng(0)
    parents = np.array([[0.4, 0.5, 0.5], [0.5, 0.4, 0.5], [0.5, 0.5, 0.4]])
    bounds = np.tile([0.0, 1.0], (3, 1))
    children = np.array([crossover.crossover(parents, rng, None, bounds) for _ in range(500)])
    assert crossover.n_parents == 3
    assert np.all((children >= 0) & (children <= 1))
    assert np.allclose(children.mean(axis=0), parents.mean(axis=0), atol=0.05)
    assert 0.005 < children.std(axis=0).min() < 0.3


class _Midpoint(BaseCrossover):
    """A user's crossover written for Optuna's interface."""

    calls = 0

    @property
    def n_parents(self) -> int:
        return 2

    def crossover(self, parents_params, rng, study, search_space_bounds):
        assert isinstance(rng, np.random.RandomState) and study is not None
        assert search_space_bounds.shape == (parents_params.shape[1], 2)
        type(self).calls += 1
        return parents_params.mean(axis=0) + rng.uniform(-0.01, 0.01)


class _Flip(BaseMutation):
    def mutation(self, param, rng, study, search_space_bounds):
        return 1.0 - param


def test_user_operators_with_optunas_interface():
    sampler = NSGAIISampler(
        population_size=6, crossover=_Midpoint(), mutation=_Flip(), mutation_prob=0.5, seed=1
    )
    study = hs.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(_zdt1, n_trials=24)
    assert _Midpoint.calls > 0 and len(study.trials) == 24
    assert PolynomialMutation(eta=5).mutation(0.5, np.random.default_rng(0), None, None) != 0.5


def test_bad_operator_arguments():
    with pytest.raises(ValueError, match="use_child_gene_prob"):
        SBXCrossover(use_child_gene_prob=1.5)
    with pytest.raises(TypeError, match="mutation must be a BaseMutation"):
        NSGAIISampler(mutation="polynomial")  # type: ignore[arg-type]
    with pytest.raises(NotImplementedError, match="crossover"):

        class _Nothing(BaseCrossover):
            pass

        _Nothing().crossover(np.zeros((2, 1)), None, None, np.zeros((1, 2)))
