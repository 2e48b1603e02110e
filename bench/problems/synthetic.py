"""Classic closed-form test functions: Branin and Hartmann (3-D and 6-D)."""

from __future__ import annotations

import math

import numpy as np

from bench.problems.base import Problem
from bench.space import Float, Params, Space, floats

HARTMANN_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
HARTMANN3_A = np.array([[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]])
HARTMANN3_P = 1e-4 * np.array(
    [[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]]
)
HARTMANN6_A = np.array(
    [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ]
)
HARTMANN6_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)
HARTMANN3_MIN = -3.86278214782076
HARTMANN6_MIN = -3.32236801141551
BRANIN_MIN = 0.397887357729739


def hartmann(x: np.ndarray, alpha: np.ndarray, a: np.ndarray, p: np.ndarray) -> float:
    """Generic Hartmann function -sum_i alpha_i exp(-sum_j A_ij (x_j - P_ij)^2)."""
    inner = np.sum(a * (x[None, :] - p) ** 2, axis=1)
    return float(-np.dot(alpha, np.exp(-inner)))


def branin(x1: float, x2: float) -> float:
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


def make_branin(seed: int = 0) -> Problem:
    space = Space((Float("x1", -5.0, 10.0), Float("x2", 0.0, 15.0)))
    return Problem(
        "branin",
        space,
        lambda p: branin(p["x1"], p["x2"]),
        BRANIN_MIN,
        group="synthetic",
        n_reference=2048,
    )


def make_hartmann6(seed: int = 0) -> Problem:
    names = [f"x{i}" for i in range(6)]

    def fn(p: Params) -> float:
        x = np.array([p[n] for n in names], dtype=float)
        return hartmann(x, HARTMANN_ALPHA, HARTMANN6_A, HARTMANN6_P)

    return Problem(
        "hartmann6",
        floats(names, 0.0, 1.0),
        fn,
        HARTMANN6_MIN,
        group="synthetic",
        n_reference=2048,
    )
