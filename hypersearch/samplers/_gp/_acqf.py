"""Acquisition functions (for minimisation of standardised outputs).

With posterior mean ``mu(x)``, standard deviation ``sigma(x)``, incumbent
``f*`` (best observed value) and ``z = (f* - mu) / sigma``:

* ``EI(x)  = E[max(0, f* - f(x))] = sigma * (phi(z) + z Phi(z))``
* ``logEI(x) = log sigma + log h(z)``, ``h(z) = phi(z) + z Phi(z)``, computed
  without underflow (Ament et al., 2023): directly for ``z > -1``; otherwise
  ``log h(z) = -z^2/2 - log sqrt(2 pi) + log1mexp(log(|z| erfcx(|z|/sqrt2)) + log sqrt(pi/2))``,
  and ``-z^2/2 - log sqrt(2 pi) - 2 log|z|`` past ``|z| > 1/sqrt(eps)``.
  EI is flat (exactly 0 in floating point) far from the incumbent; logEI keeps
  a useful gradient there, which is why it is the default.
* ``PI(x)  = Phi(z)`` (optimised as ``log Phi`` via ``log_ndtr``)
* ``UCB(x) = -mu(x) + sqrt(beta) * sigma(x)`` (a lower confidence bound on ``f``,
  negated so that larger is better); ``beta`` is the exploration knob.
* ``KG``: the expected drop of the minimum posterior mean over a discrete
  set ``A`` if ``x`` were observed next, by Gauss-Hermite quadrature over the
  outcome:  ``KG(x) = min_A mu - E_Z[min_{a in A+x} mu(a) + s_a(x) Z]`` with
  ``s_a(x) = Cov(a, x) / sqrt(Var(x) + noise)``.

Every function returns values (and gradients w.r.t. ``mu`` and ``var`` where
analytic) as numpy arrays; larger is better.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erfcx, log_ndtr, ndtr

from hypersearch.samplers._gp._model import GPModel
from hypersearch.samplers._gp._optimize import GradFn, ValueFn

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_LOG_SQRT_PI_2 = 0.5 * math.log(math.pi / 2.0)
_INV_SQRT_EPS = 1.0 / math.sqrt(np.finfo(float).eps)


def _log1mexp(x: np.ndarray) -> np.ndarray:
    """``log(1 - exp(x))`` for ``x < 0``, accurate on both sides of ``-ln 2``."""
    x = np.minimum(x, -1e-300)
    return np.where(
        x > -math.log(2.0),
        np.log(-np.expm1(np.maximum(x, -math.log(2.0)))),
        np.log1p(-np.exp(np.minimum(x, -math.log(2.0)))),
    )


def log_h(z: np.ndarray) -> np.ndarray:
    """``log(phi(z) + z Phi(z))`` without underflow or cancellation."""
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    mid = z > -1.0
    zm = z[mid]
    out[mid] = np.log(np.exp(-0.5 * zm * zm - _LOG_SQRT_2PI) + zm * ndtr(zm))
    neg = ~mid
    zn = z[neg]
    far = zn < -_INV_SQRT_EPS
    near = ~far
    res = np.empty_like(zn)
    a = -zn[near]
    res[near] = (
        -0.5 * a * a
        - _LOG_SQRT_2PI
        + _log1mexp(np.log(a * erfcx(a / math.sqrt(2.0))) + _LOG_SQRT_PI_2)
    )
    b = -zn[far]
    res[far] = -0.5 * b * b - _LOG_SQRT_2PI - 2.0 * np.log(b)
    out[neg] = res
    return out


def log_ei(
    mean: np.ndarray, var: np.ndarray, best: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """logEI and its derivatives with respect to ``mean`` and ``var``."""
    sigma = np.sqrt(var)
    z = (best - mean) / sigma
    lh = log_h(z)
    val = np.log(sigma) + lh
    # d log h / dz = Phi(z) / h(z);  d/dmu = -(1/sigma) Phi/h;  d/dsigma = (1/sigma) phi/h
    ratio_cdf = np.exp(log_ndtr(z) - lh)
    ratio_pdf = np.exp(-0.5 * z * z - _LOG_SQRT_2PI - lh)
    dmean = -ratio_cdf / sigma
    dvar = (ratio_pdf / sigma) / (2.0 * sigma)
    return val, dmean, dvar


def ei(mean: np.ndarray, var: np.ndarray, best: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Plain expected improvement and its derivatives (underflows to 0 far away)."""
    sigma = np.sqrt(var)
    z = (best - mean) / sigma
    pdf = np.exp(-0.5 * z * z - _LOG_SQRT_2PI)
    cdf = ndtr(z)
    val = sigma * (pdf + z * cdf)
    return val, -cdf, pdf / (2.0 * sigma)


def log_pi(
    mean: np.ndarray, var: np.ndarray, best: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``log Phi(z)``: log probability of improvement, and its derivatives."""
    sigma = np.sqrt(var)
    z = (best - mean) / sigma
    lp = log_ndtr(z)
    # d log Phi / dz = phi(z) / Phi(z)
    ratio = np.exp(-0.5 * z * z - _LOG_SQRT_2PI - lp)
    dmean = -ratio / sigma
    # dz/dvar = -(best - mean) / (2 sigma^3) = -z / (2 var)
    dvar = ratio * (-z / (2.0 * var))
    return lp, dmean, dvar


def ucb(
    mean: np.ndarray, var: np.ndarray, beta: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``-mu + sqrt(beta) sigma`` and its derivatives."""
    sigma = np.sqrt(var)
    rb = math.sqrt(beta)
    return -mean + rb * sigma, -np.ones_like(mean), rb / (2.0 * sigma)


# Gauss-Hermite nodes/weights for E[g(Z)], Z ~ N(0, 1).
_GH_X, _GH_W = np.polynomial.hermite_e.hermegauss(16)
_GH_W = _GH_W / _GH_W.sum()


def knowledge_gradient(
    mean_q: np.ndarray,
    cov_qa: np.ndarray,
    var_q: np.ndarray,
    mean_a: np.ndarray,
    noise: float,
) -> np.ndarray:
    """Discretised KG of query points ``q`` against the reference set ``a``.

    Args:
        mean_q: ``(m,)`` posterior means at the queries.
        cov_qa: ``(m, k)`` posterior covariances between queries and the set.
        var_q: ``(m,)`` posterior variances at the queries.
        mean_a: ``(k,)`` posterior means on the set.
        noise: observation-noise variance.
    """
    denom = np.sqrt(var_q + noise)[:, None]
    s_a = cov_qa / denom  # (m, k)
    s_q = var_q[:, None] / denom  # (m, 1) the query's own update
    mu = np.concatenate([np.broadcast_to(mean_a, cov_qa.shape), mean_q[:, None]], axis=1)
    s = np.concatenate([s_a, s_q], axis=1)  # (m, k+1)
    # (m, k+1, nodes) -> min over the set -> expectation
    vals = mu[:, :, None] + s[:, :, None] * _GH_X[None, None, :]
    expected_min = vals.min(axis=1) @ _GH_W
    return float(mean_a.min()) - expected_min


ACQUISITIONS = ("logEI", "EI", "UCB", "PI", "KG")


def build_acquisition(
    model: GPModel, name: str, *, best: float, beta: float, kg_set: np.ndarray | None = None
) -> tuple[ValueFn, GradFn | None]:
    """``value(u)`` and (when analytic) ``value_grad(u, active)`` of one acquisition."""
    if name == "KG":
        ref = kg_set if kg_set is not None else model.x
        k_ref = model.kernel(ref)  # (k, n)
        kinv_k = model.k_inv @ k_ref.T  # (n, k)
        mean_ref = k_ref @ model.alpha

        def kg_value(u: np.ndarray) -> np.ndarray:
            kq = model.kernel(u)
            mean_q = kq @ model.alpha
            var_q = np.maximum(model.scale - np.einsum("ij,ij->i", kq @ model.k_inv, kq), 1e-12)
            cov = model.kernel(u, ref) - kq @ kinv_k
            return knowledge_gradient(mean_q, cov, var_q, mean_ref, model.noise)

        return kg_value, None

    def point(mean: np.ndarray, var: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if name == "logEI":
            return log_ei(mean, var, best)
        if name == "EI":
            return ei(mean, var, best)
        if name == "PI":
            return log_pi(mean, var, best)
        return ucb(mean, var, beta)

    def value(u: np.ndarray) -> np.ndarray:
        mean, var = model.predict(u)
        return point(mean, var)[0]

    def value_grad(u: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mean, var, dmean, dvar = model.predict_grad(u, active)
        val, a_m, a_v = point(mean, var)
        return val, a_m[:, None] * dmean + a_v[:, None] * dvar

    return value, value_grad
