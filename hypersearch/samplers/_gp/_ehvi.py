"""Log expected hypervolume improvement over a box decomposition (independent GPs).

The region the current front does not dominate is tiled by disjoint boxes
``[l_b, u_b]`` (:func:`hypersearch.multi_objective._boxes.non_dominated_boxes`);
a new outcome ``f`` improves the hypervolume by
``HVI(f) = sum_b prod_j (u_bj - max(l_bj, f_j))^+``. With independent
posteriors ``f_j ~ N(mu_j, s_j^2)`` the expectation factorises per box:

    EHVI(x) = E[HVI(f(x))] = sum_b prod_j E[(u_bj - max(l_bj, f_j))^+]
    E[(u - max(l, f))^+] = E[(u - f)^+] - E[(l - f)^+] = s (h(z_u) - h(z_l))

with ``z_a = (a - mu) / s`` and ``h(z) = phi(z) + z Phi(z)`` (so ``s h(z_a)``
is the expected improvement below ``a``; ``h(z_l) = 0`` when ``l = -inf``).
In logs, stable where EHVI underflows:

    log EHVI = logsumexp_b sum_j [log s_j + log h(z_u) + log(1 - exp(log h(z_l) - log h(z_u)))]

Gradients use ``d/dmu [s h(z_a)] = -Phi(z_a)`` and ``d/ds [s h(z_a)] = phi(z_a)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy.special import log_ndtr

from hypersearch.samplers._gp._acqf import _log1mexp, log_h

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


def _log_diff_exp(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``log(exp(a) - exp(b))`` for ``a >= b`` (``-inf`` where equal; ``a`` where ``b = -inf``)."""
    with np.errstate(invalid="ignore"):
        gap = b - a
    return a + np.where(gap < 0, _log1mexp(np.minimum(gap, -1e-300)), -np.inf)


class _Corners:
    """The distinct values of one side of the boxes (all objectives), and where each box reads them."""

    def __init__(self, corners: np.ndarray) -> None:
        n_boxes, m = corners.shape
        values, objective, index = [], [], np.empty((n_boxes, m), dtype=np.int64)
        offset = 0
        for j in range(m):
            uniq, inv = np.unique(corners[:, j], return_inverse=True)
            values.append(uniq)
            objective.append(np.full(len(uniq), j))
            index[:, j] = inv.reshape(-1) + offset
            offset += len(uniq)
        self.values = np.concatenate(values)
        self.objective = np.concatenate(objective)
        self.index = index
        self.finite = np.isfinite(self.values)

    def z(self, mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
        """``(a - mu_j) / s_j`` at every distinct corner value ``a`` (``-inf`` stays)."""
        out = np.full((len(mean), len(self.values)), -np.inf)
        f = self.finite
        obj = self.objective[f]
        out[:, f] = (self.values[f][None, :] - mean[:, obj]) / sd[:, obj]
        return out

    def apply(
        self, fn: Callable[[np.ndarray], np.ndarray], z: np.ndarray, at_minus_inf: float
    ) -> np.ndarray:
        """``fn`` at the finite corners, ``at_minus_inf`` at the others, gathered per box."""
        out = np.full(z.shape, at_minus_inf)
        f = self.finite
        if f.any():
            out[:, f] = fn(z[:, f].ravel()).reshape(len(z), -1)
        return out[:, self.index]  # (n, n_boxes, m)


class LogEHVI:
    """``log EHVI`` for one box decomposition; ``value(means, vars)`` over many points.

    Args:
        lower: ``(n_boxes, m)`` lower box corners (may be ``-inf``).
        upper: ``(n_boxes, m)`` upper box corners (finite).
    """

    def __init__(self, lower: np.ndarray, upper: np.ndarray) -> None:
        if lower.shape != upper.shape or lower.ndim != 2 or len(lower) == 0:
            raise ValueError(
                f"need matching non-empty (n_boxes, m) corners, got {lower.shape}, {upper.shape}."
            )
        self.m = lower.shape[1]
        # Boxes share corner values: special functions run once per distinct value.
        self._upper = _Corners(upper)
        self._lower = _Corners(lower)

    def _log_terms(self, mean: np.ndarray, sd: np.ndarray) -> tuple[np.ndarray, ...]:
        zu = self._upper.z(mean, sd)
        zl = self._lower.z(mean, sd)
        lhu = self._upper.apply(log_h, zu, -np.inf)
        lhl = self._lower.apply(log_h, zl, -np.inf)
        log_d = _log_diff_exp(lhu, lhl)  # log(h(zu) - h(zl)), (n, boxes, m)
        return zu, zl, log_d

    def value(self, means: list[np.ndarray], variances: list[np.ndarray]) -> np.ndarray:
        """``log EHVI`` at each point; ``means[j]``, ``variances[j]`` are objective j's."""
        mean, sd = np.column_stack(means), np.sqrt(np.column_stack(variances))
        _, _, log_d = self._log_terms(mean, sd)
        total = (log_d + np.log(sd)[:, None, :]).sum(axis=2)
        return _logsumexp(total)[0]

    def value_grad(
        self, means: list[np.ndarray], variances: list[np.ndarray]
    ) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
        """``log EHVI`` and its derivatives with respect to each objective's mean and variance."""
        mean, sd = np.column_stack(means), np.sqrt(np.column_stack(variances))
        zu, zl, log_d = self._log_terms(mean, sd)
        total = (log_d + np.log(sd)[:, None, :]).sum(axis=2)
        val, weights = _logsumexp(total)
        # d log E / d mu = -(Phi(zu) - Phi(zl)) / (s D);  d log E / d s = (phi(zu) - phi(zl)) / (s D)
        upper_tail = (zl > 0)[:, self._lower.index]  # both z in the upper tail: use 1 - Phi
        cdf_u = np.where(
            upper_tail,
            self._lower.apply(lambda z: log_ndtr(-z), zl, 0.0),
            self._upper.apply(log_ndtr, zu, -np.inf),
        )
        cdf_l = np.where(
            upper_tail,
            self._upper.apply(lambda z: log_ndtr(-z), zu, 0.0),
            self._lower.apply(log_ndtr, zl, -np.inf),
        )
        log_pdf = lambda z: -0.5 * z * z - _LOG_SQRT_2PI  # noqa: E731
        with np.errstate(invalid="ignore", over="ignore"):
            d_mu = -np.exp(_log_diff_exp(cdf_u, cdf_l) - log_d)
            d_s = np.exp(self._upper.apply(log_pdf, zu, -np.inf) - log_d) - np.exp(
                self._lower.apply(log_pdf, zl, -np.inf) - log_d
            )
        d_mu = np.where(np.isfinite(d_mu), d_mu, 0.0)
        d_s = np.where(np.isfinite(d_s), d_s, 0.0)
        w = weights[:, :, None]
        g_mu = (w * d_mu).sum(axis=1) / sd  # (n, m)
        g_var = (w * d_s).sum(axis=1) / sd / (2.0 * sd)
        return val, [g_mu[:, j] for j in range(self.m)], [g_var[:, j] for j in range(self.m)]


def _logsumexp(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise log-sum-exp and the softmax weights (zero rows of ``-inf`` stay ``-inf``)."""
    top = a.max(axis=1)
    safe = np.where(np.isfinite(top), top, 0.0)
    e = np.exp(a - safe[:, None])
    s = e.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = safe + np.log(s)
        weights = e / np.where(s > 0, s, 1.0)[:, None]
    return np.where(np.isfinite(top), out, top), weights


def log_pof(
    mean: np.ndarray, var: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``log P(c(x) <= t) = log Phi((t - mu) / s)`` and its derivatives (mean, var)."""
    s = np.sqrt(var)
    z = (threshold - mean) / s
    lp = log_ndtr(z)
    ratio = np.exp(-0.5 * z * z - _LOG_SQRT_2PI - lp)  # phi / Phi
    return lp, -ratio / s, ratio * (-z / (2.0 * var))
