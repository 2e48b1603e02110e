"""Multi-objective test problems (pymoo's definitions) with hypervolume normalisation data.

ZDT1-3 use 10 variables (pymoo's default is 30; tuning-sized budgets of a few hundred
trials would leave every method far from the front), DTLZ2 12 variables / 3 objectives,
WFG4 6 variables (k = 4 position, l = 2 distance) / 2 objectives.  Objectives are
normalised with the Pareto front's ideal and nadir points.  The hypervolume reference
point is 1.1 x max(1, median objective of uniform random points) per normalised objective,
so early, random-quality sets already score above zero; hypervolume is reported as a
fraction of the true front's under the same reference point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from bench.space import Params, floats

REF_MARGIN = 1.1
N_RANDOM = 1024
RANDOM_SEED = 20240611


@dataclass
class MOProblem:
    name: str
    pymoo: Any
    ideal: np.ndarray
    nadir: np.ndarray
    space: Any = field(init=False)
    ref: np.ndarray = field(init=False)
    front_hv: float = field(init=False)

    def __post_init__(self) -> None:
        self._names = [f"x{i}" for i in range(self.pymoo.n_var)]
        self.space = floats(self._names, 0.0, 1.0)  # scaled to the problem's box in evaluate()
        self.ref = _reference_point(self.name)
        self.front_hv = _front_hv(self.name, tuple(self.ref))

    @property
    def n_obj(self) -> int:
        return int(self.pymoo.n_obj)

    def evaluate(self, params: Params) -> tuple[float, ...]:
        u = np.array([params[n] for n in self._names], dtype=float)
        return tuple(float(v) for v in self._evaluate_unit(u[None, :])[0])

    def _evaluate_unit(self, u: np.ndarray) -> np.ndarray:
        x = self.pymoo.xl + u * (self.pymoo.xu - self.pymoo.xl)
        return np.atleast_2d(self.pymoo.evaluate(x))

    def normalise(self, points: np.ndarray) -> np.ndarray:
        return (np.asarray(points, dtype=float) - self.ideal) / (self.nadir - self.ideal)

    def hv_ratio(self, points: np.ndarray) -> float:
        """Hypervolume of ``points`` / hypervolume of the true front (same reference point)."""
        if len(points) == 0:
            return 0.0
        return hypervolume(self.normalise(points), self.ref) / self.front_hv


def hypervolume(points: np.ndarray, ref: np.ndarray) -> float:
    """Hypervolume (minimisation) of ``points`` w.r.t. ``ref`` via pymoo's exact indicator."""
    from pymoo.indicators.hv import HV

    f = np.asarray(points, dtype=float)
    f = f[np.all(f < ref, axis=1)]
    if len(f) == 0:
        return 0.0
    return float(HV(ref_point=np.asarray(ref, dtype=float))(f))


@cache
def _reference_point(name: str) -> np.ndarray:
    """1.1 x max(1, median of uniform random points) per normalised objective."""
    problem = make_mo_raw(name)
    u = np.random.default_rng(RANDOM_SEED).random((N_RANDOM, problem.n_var))
    x = problem.xl + u * (problem.xu - problem.xl)
    ideal, nadir = (np.array(b) for b in BOUNDS[name])
    med = np.median((np.atleast_2d(problem.evaluate(x)) - ideal) / (nadir - ideal), axis=0)
    return REF_MARGIN * np.maximum(1.0, med)


def _zdt_front(name: str, n: int = 20001) -> np.ndarray:
    """Dense sample of a ZDT Pareto front (ZDT3: non-dominated part of its curve)."""
    f1 = np.linspace(0.0, 1.0, n)
    if name == "zdt1":
        return np.column_stack([f1, 1 - np.sqrt(f1)])
    if name == "zdt2":
        return np.column_stack([f1, 1 - f1**2])
    f2 = 1 - np.sqrt(f1) - f1 * np.sin(10 * np.pi * f1)
    keep = f2 <= np.minimum.accumulate(f2)  # sorted by f1: keep points not beaten on f2
    return np.column_stack([f1[keep], f2[keep]])


@cache
def _front_hv(name: str, ref: tuple[float, ...]) -> float:
    """Hypervolume of the true front in normalised objectives (every ref component >= 1)."""
    r = np.array(ref)
    if name == "dtlz2":  # front: unit sphere in the positive orthant
        return float(np.prod(r) - math.pi / 6)
    if name == "wfg4":  # front: (f1/2)^2 + (f2/4)^2 = 1, a quarter circle once normalised
        return float(np.prod(r) - math.pi / 4)
    ideal, nadir = BOUNDS[name]
    return hypervolume(
        (_zdt_front(name) - np.array(ideal)) / (np.array(nadir) - np.array(ideal)), r
    )


def make_mo_raw(name: str) -> Any:
    from pymoo.problems import get_problem

    if name.startswith("zdt"):
        return get_problem(name, n_var=10)
    if name == "dtlz2":
        return get_problem("dtlz2", n_var=12, n_obj=3)
    return get_problem("wfg4", n_var=6, n_obj=2, k=4)


BOUNDS: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "zdt1": ((0.0, 0.0), (1.0, 1.0)),
    "zdt2": ((0.0, 0.0), (1.0, 1.0)),
    "zdt3": ((0.0, -0.7733690), (0.8518329, 1.0)),
    "dtlz2": ((0.0, 0.0, 0.0), (1.0, 1.0, 1.0)),
    "wfg4": ((0.0, 0.0), (2.0, 4.0)),
}


def make_mo(name: str, seed: int = 0) -> MOProblem:
    ideal, nadir = BOUNDS[name]
    return MOProblem(name, make_mo_raw(name), np.array(ideal), np.array(nadir))
