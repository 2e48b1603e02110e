from __future__ import annotations

import math

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.multi_objective import crowding_distance, hypervolume
from hypersearch.samplers import (
    BLXAlphaCrossover,
    NSGAIIISampler,
    NSGAIISampler,
    RandomSampler,
    SBXCrossover,
    UniformCrossover,
)
from hypersearch.samplers._nsga._operators import polynomial_mutation
from hypersearch.samplers._nsga._sampler import GENERATION_KEY
from hypersearch.samplers._nsga._selection import das_dennis, select_elites


def zdt1(trial: hs.Trial) -> tuple[float, float]:
    x = np.array([trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(6)])
    g = 1.0 + 9.0 * float(np.mean(x[1:]))
    return float(x[0]), g * (1.0 - math.sqrt(x[0] / g))


def mixed(trial: hs.Trial) -> tuple[float, float]:
    a = trial.suggest_float("a", -1.0, 1.0)
    b = trial.suggest_float("b", 1e-4, 1.0, log=True)
    c = trial.suggest_int("c", 0, 10, step=2)
    d = trial.suggest_int("d", 1, 1000, log=True)
    e = trial.suggest_float("e", 0.0, 1.0, step=0.25)
    f = trial.suggest_categorical("f", ["x", "y", None, 3])
    penalty = 0.0 if f == "y" else 0.5
    return a**2 + b + penalty, (a - 1) ** 2 + c / 10 + math.log(d) + e


def test_same_seed_same_trials() -> None:
    def run() -> list[dict]:
        study = hs.create_study(
            directions=["minimize"] * 2, sampler=NSGAIISampler(population_size=8, seed=3)
        )
        study.optimize(mixed, n_trials=40)
        return [t.params for t in study.trials]

    assert run() == run()


@pytest.mark.parametrize("crossover", ["sbx", "uniform", "blxalpha", BLXAlphaCrossover(0.3)])
def test_mixed_space_values_stay_in_their_distributions(crossover) -> None:
    study = hs.create_study(
        directions=["minimize"] * 2,
        sampler=NSGAIISampler(population_size=10, seed=1, crossover=crossover, mutation_prob=0.5),
    )
    study.optimize(mixed, n_trials=60)
    for trial in study.trials:
        assert trial.state == hs.TrialState.COMPLETE
        for name, dist in trial.distributions.items():
            assert dist.contains(dist.to_internal(trial.params[name])), (name, trial.params[name])
    gens = [t.system_attrs[GENERATION_KEY] for t in study.trials]
    assert gens[:10] == [0] * 10 and max(gens) >= 4
    assert gens == sorted(gens)


def test_workers_sharing_a_storage_agree_on_generations() -> None:
    storage = hs.storages.InMemoryStorage()
    hs.create_study(study_name="s", storage=storage, directions=["minimize"] * 2)
    workers = [
        hs.load_study(
            study_name="s", storage=storage, sampler=NSGAIISampler(population_size=5, seed=i)
        )
        for i in range(2)
    ]
    for k in range(30):
        workers[k % 2].optimize(zdt1, n_trials=1)
    gens = [t.system_attrs[GENERATION_KEY] for t in workers[0].trials]
    assert gens == [k // 5 for k in range(30)]


def test_nsga2_beats_random_on_zdt1() -> None:
    ref = [1.1, 6.0]
    for seed in range(3):
        scores = []
        for sampler in (NSGAIISampler(population_size=20, seed=seed), RandomSampler(seed=seed)):
            study = hs.create_study(directions=["minimize"] * 2, sampler=sampler)
            study.optimize(zdt1, n_trials=300)
            scores.append(hypervolume(study.history.values, ref))
        assert scores[0] > scores[1] + 0.3, (seed, scores)


def test_constraints_are_recorded_and_best_trials_are_feasible() -> None:
    def constraints(trial: hs.FrozenTrial) -> list[float]:
        assert trial.values is not None
        return [trial.params["x0"] - 0.5, -1.0]

    study = hs.create_study(
        directions=["minimize"] * 2,
        sampler=NSGAIISampler(population_size=10, seed=0, constraints_func=constraints),
    )
    study.optimize(zdt1, n_trials=60)
    recorded = [t.system_attrs["constraints"] for t in study.trials]
    assert all(len(c) == 2 for c in recorded)
    assert any(c[0] > 0 for c in recorded)
    front = study.best_trials
    assert front and all(t.params["x0"] <= 0.5 for t in front)
    # Unconstrained, the front would reach beyond x0 = 0.5 (small f2 needs large f1).
    values = study.history.values
    unconstrained = values[[t.number for t in study.trials if t.params["x0"] > 0.5]]
    assert len(unconstrained)


def test_constraints_steer_the_search_to_the_feasible_region() -> None:
    def constraints(trial: hs.FrozenTrial) -> list[float]:
        return [trial.params["x0"] - 0.3]

    study = hs.create_study(
        directions=["minimize"] * 2,
        sampler=NSGAIISampler(population_size=10, seed=0, constraints_func=constraints),
    )
    study.optimize(zdt1, n_trials=100)
    late = [t.params["x0"] <= 0.3 for t in study.trials[50:]]
    early = [t.params["x0"] <= 0.3 for t in study.trials[:10]]
    assert np.mean(late) > np.mean(early) + 0.3


def test_single_objective_best_trial_is_feasible_first() -> None:
    def constraints(trial: hs.FrozenTrial) -> list[float]:
        return [trial.params["x"] - 0.0]  # feasible iff x <= 0

    study = hs.create_study(
        sampler=NSGAIISampler(population_size=4, seed=0, constraints_func=constraints)
    )
    study.optimize(lambda t: (t.suggest_float("x", -1.0, 1.0) - 1.0) ** 2, n_trials=20)
    assert study.best_trial.params["x"] <= 0
    assert any(t.params["x"] > 0 for t in study.trials)


@pytest.mark.parametrize("bad", [[float("nan")], ["high"], 3.0, [True]])
def test_a_non_numeric_constraint_fails_the_trial_clearly(bad) -> None:
    study = hs.create_study(
        directions=["minimize"] * 2, sampler=NSGAIISampler(constraints_func=lambda t: bad)
    )
    with pytest.raises(ValueError, match="constraints_func"):
        study.optimize(zdt1, n_trials=1)
    trial = study.trials[0]
    assert trial.state == hs.TrialState.FAIL
    assert "constraints_func" in trial.system_attrs["fail_reason"]


def test_seed_example_runs_as_written() -> None:
    def objective(trial: hs.Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 0, 5)
        y = trial.suggest_float("y", 0, 3)
        return 4 * x**2 + 4 * y**2, (x - 5) ** 2 + (y - 5) ** 2

    study = hs.create_study(directions=["maximize", "minimize"], sampler=NSGAIISampler())
    study.optimize(objective, n_trials=60)
    lines = []
    for trial in study.best_trials:
        lines.append(f"{trial.values} {trial.params}")
    assert lines
    with pytest.raises(RuntimeError, match="best_trials"):
        _ = study.best_trial


def test_nsga3_runs_on_three_objectives() -> None:
    def dtlz2(trial: hs.Trial) -> tuple[float, float, float]:
        x = np.array([trial.suggest_float(f"x{i}", 0, 1) for i in range(5)])
        g = float(np.sum((x[2:] - 0.5) ** 2))
        a, b = x[0] * np.pi / 2, x[1] * np.pi / 2
        return (1 + g) * np.cos(a) * np.cos(b), (1 + g) * np.cos(a) * np.sin(b), (1 + g) * np.sin(a)

    study = hs.create_study(
        directions=["minimize"] * 3, sampler=NSGAIIISampler(population_size=15, seed=0)
    )
    study.optimize(dtlz2, n_trials=90)
    assert len(study.best_trials) >= 5
    with pytest.raises(ValueError, match="dividing_parameter"):
        NSGAIIISampler(dividing_parameter=0)


def test_invalid_options_raise() -> None:
    with pytest.raises(ValueError, match="population_size"):
        NSGAIISampler(population_size=1)
    with pytest.raises(ValueError, match="crossover"):
        NSGAIISampler(crossover="one-point")
    with pytest.raises(ValueError, match="mutation_prob"):
        NSGAIISampler(mutation_prob=2.0)
    with pytest.raises(ValueError, match="crossover_prob"):
        NSGAIISampler(crossover_prob=-0.1)
    with pytest.raises(TypeError, match="constraints_func"):
        NSGAIISampler(constraints_func=3)  # type: ignore[arg-type]


def test_operators_stay_in_the_unit_box() -> None:
    rng = np.random.default_rng(0)
    for op in (SBXCrossover(), UniformCrossover(), BLXAlphaCrossover()):
        for _ in range(200):
            p1, p2 = rng.random(5), rng.random(5)
            p1[0] = 0.0
            p2[1] = 1.0
            child = op(p1, p2, rng)
            assert np.all((child >= 0) & (child <= 1))
    genes = rng.random((1000,))
    mutated = polynomial_mutation(genes, np.ones(1000, dtype=bool), 20.0, rng)
    assert np.all((mutated >= 0) & (mutated <= 1)) and not np.array_equal(mutated, genes)
    assert np.median(np.abs(mutated - genes)) < 0.1  # local moves


def test_selection_helpers() -> None:
    assert das_dennis(3, 4).shape == (15, 3)
    assert np.allclose(das_dennis(3, 4).sum(axis=1), 1.0)
    dist = crowding_distance(np.array([[0.0, 1.0], [0.5, 0.5], [0.9, 0.1], [1.0, 0.0]]))
    assert np.isinf(dist[[0, 3]]).all() and dist[1] > dist[2]
    values = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [2.0, 2.0], [0.1, 0.1]])
    violation = np.array([0.0, 0.0, 0.0, 0.0, 3.0])
    idx, ranks, _ = select_elites(values, violation, 4)
    assert sorted(idx.tolist()) == [0, 1, 2, 3]  # the infeasible point goes despite dominating


def test_threads_share_one_sampler() -> None:
    study = hs.create_study(
        directions=["minimize"] * 2, sampler=NSGAIISampler(population_size=6, seed=0)
    )
    study.optimize(zdt1, n_trials=40, n_jobs=2)
    assert study.history.count(hs.TrialState.COMPLETE) == 40
    assert max(t.system_attrs[GENERATION_KEY] for t in study.trials) >= 4


def test_hypervolume_history_skips_infeasible_trials() -> None:
    from hypersearch.multi_objective import hypervolume_history

    def constraints(trial: hs.FrozenTrial) -> list[float]:
        return [trial.params["x0"] - 0.5]

    study = hs.create_study(
        directions=["minimize"] * 2,
        sampler=NSGAIISampler(population_size=8, seed=0, constraints_func=constraints),
    )
    study.optimize(zdt1, n_trials=30)
    feasible = np.array([t.params["x0"] <= 0.5 for t in study.trials])
    got = hypervolume_history(study, [1.1, 11.0])
    assert got[-1] == pytest.approx(hypervolume(study.history.values[feasible], [1.1, 11.0]))
