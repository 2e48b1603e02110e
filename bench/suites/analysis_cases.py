"""Inputs of the analysis suite: test functions with known importances, and study builders.

Each problem draws ``n`` random configurations (seeded), evaluates them, and
knows its true normalised first-order contributions (Sobol indices scaled to
sum 1). The same configurations are added to a hypersearch and an Optuna study.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Problem:
    name: str
    names: list[str]
    spaces: list[tuple[float, float, bool]]  # (low, high, log)
    func: Callable[[np.ndarray], np.ndarray]  # (n, d) external values -> (n,)
    truth: np.ndarray  # normalised first-order contributions
    important: int  # how many parameters count as "the important ones"


def _ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + 7.0 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


# Ishigami (a=7, b=0.1): S1 = 0.3139, S2 = 0.4424, S3 = 0 (x3 acts only with x1)
_ISHIGAMI_S = np.array([0.3139, 0.4424, 0.0])
_WEIGHTS = np.array([5.0, 3.0] + [0.3] * 8)


def _weighted(x: np.ndarray) -> np.ndarray:
    return x @ _WEIGHTS


def _lr_wd(x: np.ndarray) -> np.ndarray:
    return (np.log10(x[:, 0]) + 3.0) ** 2  # wd (x[:, 1]) does not matter


PROBLEMS = {
    "ishigami": Problem(
        "ishigami", ["x1", "x2", "x3"], [(-math.pi, math.pi, False)] * 3, _ishigami,
        _ISHIGAMI_S / _ISHIGAMI_S.sum(), 2,
    ),
    "weighted-10d": Problem(
        "weighted-10d", [f"x{i}" for i in range(10)], [(0.0, 1.0, False)] * 10, _weighted,
        _WEIGHTS**2 / np.sum(_WEIGHTS**2), 2,
    ),
    "lr-wd": Problem(
        "lr-wd", ["lr", "wd"], [(1e-5, 1e-1, True), (0.0, 0.1, False)], _lr_wd,
        np.array([1.0, 0.0]), 1,
    ),
}  # fmt: skip


def sample(problem: Problem, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    cols = []
    for low, high, log in problem.spaces:
        u = rng.random(n)
        cols.append(
            np.exp(np.log(low) + u * (np.log(high) - np.log(low)))
            if log
            else low + u * (high - low)
        )
    x = np.column_stack(cols)
    return x, problem.func(x)


def add_trials(lib: Any, study: Any, problem: Problem, x: np.ndarray, y: np.ndarray) -> None:
    """Add the configurations to a study of either library (``lib``: the module)."""
    dist_mod = lib.distributions
    dists = {
        n: dist_mod.FloatDistribution(lo, hi, log=log)
        for n, (lo, hi, log) in zip(problem.names, problem.spaces)
    }
    trials = [
        lib.trial.create_trial(
            params={n: float(v) for n, v in zip(problem.names, row)},
            distributions=dists,
            value=float(value),
        )
        for row, value in zip(x, y)
    ]
    study.add_trials(trials)


def score(result: dict[str, float], problem: Problem) -> tuple[bool, float]:
    """(the important parameters rank first, mean absolute error vs the truth)."""
    total = sum(result.values()) or 1.0
    got = np.array([result.get(n, 0.0) / total for n in problem.names])
    top = sorted(result, key=lambda k: -result[k])[: problem.important]
    want = [problem.names[i] for i in np.argsort(-problem.truth)[: problem.important]]
    return set(top) == set(want), float(np.mean(np.abs(got - problem.truth)))


def plot_trials(lib: Any, n: int, seed: int, *, multi: bool = False) -> list[Any]:
    """Trials of the plot-speed study: 4 parameters (log, categorical), 4 reports, 30% pruned."""
    rng = np.random.default_rng(seed)
    dm = lib.distributions
    dists = {
        "x": dm.FloatDistribution(-5.0, 5.0),
        "y": dm.FloatDistribution(-5.0, 5.0),
        "lr": dm.FloatDistribution(1e-5, 1e-1, log=True),
        "opt": dm.CategoricalDistribution(("sgd", "adam", "rmsprop")),
    }
    complete, pruned = lib.trial.TrialState.COMPLETE, lib.trial.TrialState.PRUNED
    out = []
    for i in range(n):
        x, y = rng.uniform(-5, 5, 2)
        lr = float(np.exp(rng.uniform(np.log(1e-5), np.log(1e-1))))
        opt = ("sgd", "adam", "rmsprop")[i % 3]
        f = x * x + y * y + (np.log10(lr) + 3) ** 2
        params = {"x": float(x), "y": float(y), "lr": lr, "opt": opt}
        if multi:
            out.append(lib.trial.create_trial(params=params, distributions=dists,
                                              values=[float(f), float((x - 1) ** 2 + y * y)]))  # fmt: skip
            continue
        is_pruned = rng.random() < 0.3
        steps = 2 if is_pruned else 4
        reports = {s: float(f * (1 + 1 / (s + 1))) for s in range(steps)}
        rungs = {f"rung_{k}": reports[k] for k in range(steps // 2)}
        out.append(
            lib.trial.create_trial(
                state=pruned if is_pruned else complete,
                value=None if is_pruned else float(f),
                params=params, distributions=dists, intermediate_values=reports,
                user_attrs={"cost": 1.0}, system_attrs=rungs,
            )
        )  # fmt: skip
    return out
