"""Bounded quasi-Newton minimisation for the GP's small problems (projected L-BFGS).

The MAP fit and the acquisition polish minimise smooth functions of 2-50 variables in a box,
in 10-30 evaluations a trial. scipy's L-BFGS-B spends ~0.5 ms a call and ~0.1 ms an
evaluation in its Python wrapper: more than the functions themselves at n ~ 30 points
(bench/results/gp-cpu.md). This is the simpler projected variant (Bertsekas's two-metric
projection with L-BFGS curvature pairs, as in Schmidt et al.'s PQN/minConf notes):

* variables on a bound whose gradient pushes outward are held; the others get the two-loop
  L-BFGS direction of the gradient restricted to them;
* the step is projected onto the box and backtracked until it decreases ``f`` enough
  (Armijo), halving or by quadratic interpolation;
* it stops as scipy does: on the projected gradient (``gtol``), on the relative decrease of
  one iteration (``ftol``), or after ``maxiter`` iterations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

FunGrad = Callable[[np.ndarray], "tuple[float, np.ndarray]"]

_ARMIJO = 1e-4
_MAX_BACKTRACKS = 20
_CURVATURE_EPS = 1e-10


@dataclass(frozen=True)
class BoxResult:
    x: np.ndarray
    fun: float
    n_evals: int
    n_steps: int


def _direction(grad: np.ndarray, pairs: list[tuple[np.ndarray, np.ndarray, float]]) -> np.ndarray:
    """``-H grad`` by the two-loop recursion over ``(s, y, 1 / s.y)`` pairs, oldest first."""
    q = grad.copy()
    alphas = []
    for s, y, rho in reversed(pairs):
        a = rho * float(s @ q)
        q -= a * y
        alphas.append(a)
    s, y, _ = pairs[-1]
    q *= float(s @ y) / float(y @ y)
    for (s, y, rho), a in zip(pairs, reversed(alphas)):
        q += (a - rho * float(y @ q)) * s
    return -q


def _step_length(f: float, f_new: float, slope: float, t: float) -> float:
    """The next, shorter trial step: the minimiser of the interpolating quadratic, kept within
    [0.1 t, 0.5 t]."""
    if not np.isfinite(f_new):
        return 0.5 * t
    curvature = f_new - f - slope * t
    if curvature <= 0.0:
        return 0.5 * t
    return float(np.clip(-slope * t * t / (2.0 * curvature), 0.1 * t, 0.5 * t))


def minimize_box(
    fun: FunGrad,
    x0: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    *,
    maxiter: int,
    ftol: float = 2.2e-9,
    gtol: float = 1e-5,
    memory: int = 10,
) -> BoxResult:
    """Minimise ``fun`` (value and gradient) over ``lo <= x <= hi`` from ``x0``."""
    x = np.clip(np.asarray(x0, dtype=float), lo, hi)
    f, g = fun(x)
    n_evals, n_steps = 1, 0
    pairs: list[tuple[np.ndarray, np.ndarray, float]] = []
    if not np.isfinite(f):
        return BoxResult(x, float(f), n_evals, 0)
    for _ in range(maxiter):
        held = ((x <= lo) & (g > 0)) | ((x >= hi) & (g < 0))
        pg = np.where(held, 0.0, g)
        if float(np.abs(pg).max(initial=0.0)) <= gtol:
            break
        d = _direction(pg, pairs) if pairs else -pg
        d[held] = 0.0
        gd = float(g @ d)
        if gd >= 0.0:  # not a descent direction: restart from steepest descent
            pairs.clear()
            d = -pg
            gd = -float(pg @ pg)
        t = 1.0 if pairs else min(1.0, 1.0 / float(np.linalg.norm(pg)))
        for _ in range(_MAX_BACKTRACKS):
            x_new = np.clip(x + t * d, lo, hi)
            f_new, g_new = fun(x_new)
            n_evals += 1
            slope = float(g @ (x_new - x))
            if slope < 0.0 and f_new <= f + _ARMIJO * slope:
                break
            t = _step_length(f, f_new, gd, t)
        else:
            break  # no acceptable step: x is as good as this method gets
        s, y = x_new - x, g_new - g
        sy = float(s @ y)
        if sy > _CURVATURE_EPS * float(np.linalg.norm(s) * np.linalg.norm(y)):
            pairs.append((s, y, 1.0 / sy))
            del pairs[:-memory]
        decrease = (f - f_new) / max(abs(f), abs(f_new), 1.0)
        x, f, g = x_new, float(f_new), g_new
        n_steps += 1
        if decrease <= ftol:
            break
    return BoxResult(x, float(f), n_evals, n_steps)
