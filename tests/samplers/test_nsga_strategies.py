"""Optuna's three NSGA-II hooks: elite selection, child generation and the after-trial step."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

import hypersearch as hs
from hypersearch.distributions import BaseDistribution
from hypersearch.samplers import NSGAIIISampler, NSGAIISampler
from hypersearch.samplers._nsga._sampler import GENERATION_KEY
from hypersearch.trial import FrozenTrial, TrialState

POP = 6


def two_objectives(trial: hs.Trial) -> tuple[float, float]:
    x = trial.suggest_float("x", 0.0, 1.0)
    y = trial.suggest_float("y", 0.0, 1.0)
    return x + y, (1.0 - x) + y


def later_generations(study: hs.Study) -> list[FrozenTrial]:
    return [t for t in study.trials if t.system_attrs[GENERATION_KEY] > 0]


def test_elite_strategy_chooses_the_parents() -> None:
    seen: list[list[FrozenTrial]] = []

    def best_of_first_objective(study: hs.Study, population: list[FrozenTrial]) -> list:
        seen.append(population)
        return [min(population, key=lambda t: t.values[0])]

    sampler = NSGAIISampler(
        population_size=POP,
        mutation_prob=0.0,
        seed=1,
        elite_population_selection_strategy=best_of_first_objective,
    )
    study = hs.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(two_objectives, n_trials=2 * POP)
    assert seen and all(isinstance(t, FrozenTrial) for t in seen[0])
    assert len(seen[0]) == POP  # generation 0, completed
    parent = min(study.trials[:POP], key=lambda t: t.values[0])
    for child in later_generations(study)[:POP]:
        assert child.params == pytest.approx(parent.params)  # one parent, no mutation


def test_child_strategy_breeds_and_the_rest_is_sampled() -> None:
    calls: list[tuple[dict[str, BaseDistribution], int]] = []

    def fixed_x(
        study: hs.Study, space: dict[str, BaseDistribution], parents: list[FrozenTrial]
    ) -> dict[str, Any]:
        calls.append((space, len(parents)))
        return {"x": 0.25}

    sampler = NSGAIIISampler(population_size=POP, seed=2, child_generation_strategy=fixed_x)
    study = hs.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(two_objectives, n_trials=3 * POP)
    children = later_generations(study)
    assert children and all(t.params["x"] == 0.25 for t in children)
    assert calls[0][0].keys() == {"x", "y"} and calls[0][1] == POP
    assert len({t.params["y"] for t in children}) > 1


def test_after_trial_strategy_replaces_the_constraints_step() -> None:
    events: list[tuple[int, TrialState, Sequence[float] | None]] = []

    def after(
        study: hs.Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        events.append((trial.number, state, values))

    sampler = NSGAIISampler(
        population_size=POP,
        seed=3,
        constraints_func=lambda t: [1.0],
        after_trial_strategy=after,
    )
    study = hs.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(two_objectives, n_trials=4)
    assert [e[0] for e in events] == [0, 1, 2, 3]
    assert all(e[1] == TrialState.COMPLETE and len(e[2] or ()) == 2 for e in events)
    assert all("constraints" not in t.system_attrs for t in study.trials)


@pytest.mark.parametrize(
    "hook",
    ["elite_population_selection_strategy", "child_generation_strategy", "after_trial_strategy"],
)
def test_a_hook_must_be_callable(hook: str) -> None:
    with pytest.raises(TypeError, match=hook):
        NSGAIISampler(**{hook: "not callable"})


def run_generation_one(**hooks: Any) -> None:
    study = hs.create_study(
        directions=["minimize", "minimize"],
        sampler=NSGAIISampler(population_size=POP, seed=4, **hooks),
    )
    study.optimize(two_objectives, n_trials=POP)
    study.optimize(two_objectives, n_trials=1)


def test_a_child_outside_the_space_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"x=2\.0"):
        run_generation_one(child_generation_strategy=lambda s, space, p: {"x": 2.0})
    with pytest.raises(ValueError, match="outside the search space: \\['z'\\]"):
        run_generation_one(child_generation_strategy=lambda s, space, p: {"z": 1})
    with pytest.raises(TypeError, match="dict of parameters"):
        run_generation_one(child_generation_strategy=lambda s, space, p: [0.1])


def test_elites_must_come_from_the_population() -> None:
    stranger = hs.create_trial(params={}, distributions={}, values=[0.0, 0.0])
    with pytest.raises(ValueError, match="not in the population"):
        run_generation_one(elite_population_selection_strategy=lambda s, pop: [stranger])
    with pytest.raises(ValueError, match="no trials"):
        run_generation_one(elite_population_selection_strategy=lambda s, pop: [])
    with pytest.raises(TypeError, match="list of FrozenTrial"):
        run_generation_one(elite_population_selection_strategy=lambda s, pop: None)
