"""Acquisitions over several GPs: logEHVI, log probability of feasibility, and their sums.

Each builder returns ``value(u)`` and ``value_grad(u, active)`` over unit-cube
points, the interface :func:`maximize_acquisition` polishes with bounded L-BFGS.

* ``log EHVI(x)`` over a box decomposition of the non-dominated region
  (:mod:`hypersearch.samplers._gp._ehvi`), one GP per objective.
* ``log PoF(x) = sum_k log Phi((t_k - mu_k(x)) / s_k(x))``, one GP per constraint.
* Constrained acquisitions multiply by ``PoF``: in logs ``log a(x) + log PoF(x)``
  (logEI, PI, logEHVI); plain EI becomes ``EI(x) PoF(x)``.
"""

from __future__ import annotations

import numpy as np

from hypersearch.multi_objective._boxes import non_dominated_boxes
from hypersearch.multi_objective._pareto import crowding_distance, pareto_front_mask
from hypersearch.samplers._gp._ehvi import LogEHVI, log_pof
from hypersearch.samplers._gp._model import GPModel
from hypersearch.samplers._gp._optimize import GradFn, ValueFn

# Past 3 objectives the box count grows fast with the front: keep this many
# front points (the most spread out, by crowding distance) for the boxes.
MAX_FRONT_4D = 32
# The front is built on the transformed objectives rounded to this many decimals (they are
# standardised, so 1e-9 of a standard deviation). On DTLZ2 a position variable on its bound
# gives f1 = f2 = (1 + g) cos(pi/2) ~ 1e-16, which differ from trial to trial only by
# rounding: every such corner point was "non-dominated", so the front (and the points the
# search starts from) filled with copies of one corner at ever worse g. Seed 3 sat on corners
# like (0, 0, 1.8) and ended at 0.072; with ties counted as ties, 0.430 (20 seeds: median
# 0.481 -> 0.509, worst 0.072 -> 0.337; bench/results/multiobjective-gpmo.md).
FRONT_DECIMALS = 9


def front_values(values: np.ndarray) -> np.ndarray:
    """``values`` rounded to :data:`FRONT_DECIMALS`, so that points equal up to float noise tie.

    A tie lets the better point dominate the other (``(1e-16, 3e-16, 1.0)`` then dominates
    ``(3e-16, 1e-16, 1.5)``); without it both stayed on the front.
    """
    return np.round(values, FRONT_DECIMALS)


def reference_point(values: np.ndarray) -> np.ndarray:
    """Worst observed value plus 10% of the observed range, per objective.

    ``values`` are (transformed, minimised) objectives of the observed
    feasible trials; a constant objective gets a range of 1 (outputs are
    standardised, so that is one standard deviation).
    """
    worst, best = values.max(axis=0), values.min(axis=0)
    span = np.where(worst > best, worst - best, 1.0)
    return worst + 0.1 * span


def front_for_boxes(points: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """The Pareto front of ``points`` that the boxes are built from (capped past 3-D)."""
    points = points[np.all(points < ref, axis=1)]
    if len(points) == 0:
        return points
    front = np.unique(points[pareto_front_mask(points)], axis=0)
    if front.shape[1] > 3 and len(front) > MAX_FRONT_4D:
        order = np.argsort(-crowding_distance(front), kind="stable")
        front = front[order[:MAX_FRONT_4D]]
    return front


def log_ehvi_acquisition(
    models: list[GPModel], front: np.ndarray, ref: np.ndarray
) -> tuple[ValueFn, GradFn]:
    """``log EHVI`` of the objective GPs against ``front`` (minimised) and ``ref``."""
    lower, upper = non_dominated_boxes(front, ref)
    ehvi = LogEHVI(lower, upper)

    def value(u: np.ndarray) -> np.ndarray:
        preds = [mdl.predict(u) for mdl in models]
        return ehvi.value([p[0] for p in preds], [p[1] for p in preds])

    def value_grad(u: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        preds = [mdl.predict_grad(u, active) for mdl in models]
        val, d_mean, d_var = ehvi.value_grad([p[0] for p in preds], [p[1] for p in preds])
        grad = sum(
            d_mean[j][:, None] * p[2] + d_var[j][:, None] * p[3] for j, p in enumerate(preds)
        )
        return val, np.asarray(grad)

    return value, value_grad


def log_pof_acquisition(models: list[GPModel], thresholds: list[float]) -> tuple[ValueFn, GradFn]:
    """``log PoF(x)``: the summed log probabilities that each constraint GP is below its threshold."""

    def value(u: np.ndarray) -> np.ndarray:
        out = np.zeros(len(u))
        for mdl, t in zip(models, thresholds):
            mean, var = mdl.predict(u)
            out += log_pof(mean, var, t)[0]
        return out

    def value_grad(u: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        val = np.zeros(len(u))
        grad = np.zeros((len(u), int(active.sum())))
        for mdl, t in zip(models, thresholds):
            mean, var, d_mean, d_var = mdl.predict_grad(u, active)
            lp, a_m, a_v = log_pof(mean, var, t)
            val += lp
            grad += a_m[:, None] * d_mean + a_v[:, None] * d_var
        return val, grad

    return value, value_grad


def with_feasibility(
    base: tuple[ValueFn, GradFn | None],
    pof: tuple[ValueFn, GradFn],
    *,
    log_space: bool,
) -> tuple[ValueFn, GradFn | None]:
    """``a(x) + log PoF(x)`` when ``a`` is a log acquisition, else ``a(x) PoF(x)``."""
    base_value, base_grad = base
    pof_value, pof_grad = pof

    def value(u: np.ndarray) -> np.ndarray:
        if log_space:
            return base_value(u) + pof_value(u)
        return base_value(u) * np.exp(pof_value(u))

    if base_grad is None:
        return value, None

    def value_grad(u: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a, da = base_grad(u, active)
        lp, dlp = pof_grad(u, active)
        if log_space:
            return a + lp, da + dlp
        p = np.exp(lp)
        return a * p, p[:, None] * (da + a[:, None] * dlp)

    return value, value_grad
