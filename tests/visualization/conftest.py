"""Small studies of every kind, in memory and in SQLite, shared by the plot tests."""

from __future__ import annotations

import math

import pytest

import hypersearch as hs

hs.logging.set_verbosity(hs.logging.WARNING)
N = 24


def _storage(kind: str, tmp_path) -> str | None:
    return None if kind == "memory" else f"sqlite:///{tmp_path / 'plots.db'}"


def single(storage: str | None) -> hs.Study:
    study = hs.create_study(
        storage=storage, study_name="single", sampler=hs.samplers.RandomSampler(seed=0)
    )

    def objective(trial):
        x = trial.suggest_float("x", -2.0, 2.0)
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        act = trial.suggest_categorical("act", ["relu", "gelu"])
        return x * x + 0.01 * math.log10(lr) ** 2 + (act == "gelu")

    study.optimize(objective, n_trials=N)
    return study


def pruned(storage: str | None) -> hs.Study:
    study = hs.create_study(
        storage=storage,
        study_name="pruned",
        sampler=hs.samplers.RandomSampler(seed=1),
        pruner=hs.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2),
    )

    def objective(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        for step in range(1, 9):
            trial.report(x + 1.0 / step, step)
            if trial.should_prune():
                raise hs.TrialPruned()
        return x

    study.optimize(objective, n_trials=N)
    return study


def conditional(storage: str | None) -> hs.Study:
    study = hs.create_study(
        storage=storage, study_name="conditional", sampler=hs.samplers.RandomSampler(seed=2)
    )

    def objective(trial):
        kind = trial.suggest_categorical("kind", ["a", "b"])
        if kind == "a":
            return trial.suggest_float("a_x", 0.0, 1.0)
        return 1.0 + trial.suggest_int("b_k", 1, 5)

    study.optimize(objective, n_trials=N)
    return study


def constrained_mo(storage: str | None) -> hs.Study:
    sampler = hs.samplers.NSGAIISampler(
        seed=3, population_size=8, constraints_func=lambda t: [t.params["x"] - 0.7]
    )
    study = hs.create_study(
        storage=storage,
        study_name="mo",
        directions=["minimize", "maximize"],
        sampler=sampler,
    )
    study.optimize(
        lambda t: (t.suggest_float("x", 0.0, 1.0), t.suggest_float("y", 0.0, 1.0)), n_trials=N
    )
    return study


MAKERS = {"single": single, "pruned": pruned, "conditional": conditional, "mo": constrained_mo}


@pytest.fixture(scope="module", params=["memory", "sqlite"])
def studies(request, tmp_path_factory) -> dict[str, hs.Study]:
    """Built once per module and storage; the tests only read them."""
    storage = _storage(request.param, tmp_path_factory.mktemp(request.module.__name__))
    return {name: make(storage) for name, make in MAKERS.items()}
