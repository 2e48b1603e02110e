"""Trivial define-by-run objectives for the overhead suite (cost ~ a few microseconds)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Objective = Callable[[Any], float]


def floats5(trial: Any) -> float:
    return sum(trial.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(5))


def mixed(trial: Any) -> float:
    x = sum(trial.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(3))
    n = trial.suggest_int("n", 1, 64, log=True)
    c = trial.suggest_categorical("c", ["a", "b", "c", "d"])
    return x + 0.01 * n + (0.5 if c == "a" else 1.0)


def conditional(trial: Any) -> float:
    kind = trial.suggest_categorical("kind", ["linear", "tree", "knn"])
    if kind == "linear":
        return trial.suggest_float("alpha", 1e-5, 1.0, log=True) + trial.suggest_float("l1", 0, 1)
    if kind == "tree":
        return trial.suggest_int("depth", 1, 12) * trial.suggest_float("lr", 1e-3, 1.0, log=True)
    return float(trial.suggest_int("k", 1, 50))


SPACES: dict[str, Objective] = {"floats5": floats5, "mixed": mixed, "conditional": conditional}

GRIDS: dict[str, dict[str, list[object]]] = {
    "floats5": {f"x{i}": [float(v) for v in np.linspace(-5.0, 5.0, 7)] for i in range(5)},
    "mixed": {
        **{f"x{i}": [float(v) for v in np.linspace(-5.0, 5.0, 10)] for i in range(3)},
        "n": [1, 2, 4, 8, 16, 32, 64],
        "c": ["a", "b", "c", "d"],
    },
    "conditional": {
        "kind": ["linear", "tree", "knn"],
        "alpha": [float(f"{v:.6g}") for v in np.geomspace(1e-5, 1.0, 6)],
        "l1": [0.0, 0.5, 1.0],
        "depth": [1, 3, 5, 7, 9, 12],
        "lr": [float(f"{v:.6g}") for v in np.geomspace(1e-3, 1.0, 6)],
        "k": [1, 2, 5, 10, 15, 20, 25, 30, 40, 50],
    },
}
"""Grids for GridSampler over the same spaces (16,807, 28,000 and 19,440 points)."""
