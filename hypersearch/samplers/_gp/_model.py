"""The Gaussian-process surrogate: Matern-5/2 ARD kernel, MAP hyperparameters.

Kernel (inputs in the unit cube, categoricals as indices)::

    r^2(x, x') = sum_{j continuous} (x_j - x'_j)^2 / l_j^2 + sum_{j categorical} [x_j != x'_j] / l_j^2
    k(x, x')   = s * (1 + sqrt5 r + 5/3 r^2) * exp(-sqrt5 r)

plus noise variance ``sigma2`` on the diagonal. Hyperparameters
``theta = (log l_1..l_d, log s, log sigma2)`` maximise the log posterior

    log p(y | theta) + log p(theta)

with a dimension-scaled lengthscale prior after Hvarfner et al. (ICML 2024):
their mode ``exp(sqrt2 - 3) sqrt(d) ~ 0.2 sqrt(d)`` but ``sigma = 1`` instead of
``sqrt3`` (``l_j ~ LogNormal(sqrt2 - 2 + 0.5 ln d, 1)``). Measured with MAP
fits (50 trials, median of 5 seeds, with a script since folded into
``python -m bench quality``: bench/results/quality-gp-bbob.md): the wide
``sqrt3`` let lengthscales run long and trapped Hartmann-6 in its local minima
(regret 0.19 -> 0.003 with ``sigma = 1``; 5-D ellipsoid 4.6e3 -> 21), at a
small cost on sphere/Branin, which both still beat Optuna's GPSampler.
``s ~ LogNormal(0, 1)`` and ``sigma2 ~ LogNormal(-4, 2)`` (outputs are
standardised), by bounded L-BFGS (``_boxmin``) on analytic gradients. The noise prior
was ``LogNormal(-4, 1)``, whose mode (``exp(-5)``, a noise sd of 8% of the outputs') the
fit could hardly leave: a deterministic Hartmann-3 was modelled as noisy and the GP
stopped short of its optimum. With ``sigma = 2`` (``bench/results/gp-noise-prior.md``, 40
seeds, 30 trials) its median regret fell from 4.7e-4 to 4.1e-5 (37/0/3), noisy versions
tie, and the strategy suite (cheap and moderate, 9 problems with 2 noisy ones, 20 seeds)
has hs-gp and hs-auto 4 wins and 0 losses each of 18 cells against ``sigma = 1``. The priors are densities of
the values (not of their logs), so each mode is ``exp(mu - sigma^2)``. ``deterministic`` pins ``sigma2`` to a small constant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.linalg

from hypersearch.samplers._gp._boxmin import minimize_box

SQRT5 = math.sqrt(5.0)
MIN_NOISE = 1e-6
DETERMINISTIC_NOISE = 1e-6
_LOG_L_BOUNDS = (math.log(1e-3), math.log(1e2))
_LOG_S_BOUNDS = (math.log(1e-2), math.log(1e2))
_LOG_NOISE_BOUNDS = (math.log(MIN_NOISE), 0.0)
_LOG_2PI = math.log(2.0 * math.pi)
# LAPACK directly: np.linalg / scipy.linalg wrappers cost more than the work at n ~ 30.
_potrf = scipy.linalg.lapack.dpotrf
_potrs = scipy.linalg.lapack.dpotrs


def sq_dist_parts(a: np.ndarray, b: np.ndarray, is_cat: np.ndarray) -> np.ndarray:
    """Per-dimension squared distances ``(na, nb, d)``; categoricals give 0/1."""
    diff = a[:, None, :] - b[None, :, :]
    out = diff * diff
    if is_cat.any():
        out[:, :, is_cat] = (diff[:, :, is_cat] != 0).astype(float)
    return out


def sq_dist(a: np.ndarray, b: np.ndarray, inv_l2: np.ndarray, is_cat: np.ndarray) -> np.ndarray:
    """Scaled squared distances ``r^2`` ``(na, nb)`` without a 3-D temporary (BLAS for numbers)."""
    num = ~is_cat
    r2 = np.zeros((len(a), len(b)))
    if num.any():
        w = np.sqrt(inv_l2[num])
        sa, sb = a[:, num] * w, b[:, num] * w
        r2 = (sa * sa).sum(1)[:, None] + (sb * sb).sum(1)[None, :] - 2.0 * (sa @ sb.T)
        np.maximum(r2, 0.0, out=r2)
    for j in np.flatnonzero(is_cat):
        r2 += inv_l2[j] * (a[:, j, None] != b[None, :, j])
    return r2


def matern52(r2: np.ndarray) -> np.ndarray:
    """Matern-5/2 of a squared distance (unit scale)."""
    r = np.sqrt(np.maximum(r2, 0.0))
    return (1.0 + SQRT5 * r + (5.0 / 3.0) * r2) * np.exp(-SQRT5 * r)


def matern52_and_dr2(r2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`matern52` and :func:`matern52_dr2` sharing one square root and exponential."""
    sr = SQRT5 * np.sqrt(np.maximum(r2, 0.0))
    e = np.exp(-sr)
    lin = 1.0 + sr
    return (lin + (5.0 / 3.0) * r2) * e, -(5.0 / 6.0) * lin * e


def matern52_dr2(r2: np.ndarray) -> np.ndarray:
    """Derivative of :func:`matern52` with respect to ``r^2``."""
    r = np.sqrt(np.maximum(r2, 0.0))
    return -(5.0 / 6.0) * (1.0 + SQRT5 * r) * np.exp(-SQRT5 * r)


@dataclass
class Prior:
    """Log-normal priors on the kernel hyperparameters (see the module docstring)."""

    dim: int

    @property
    def ls_mu(self) -> float:
        # Keep Hvarfner et al.'s mode, exp(sqrt2 - 3) sqrt(d) ~ 0.2 sqrt(d), with a narrower sigma.
        return math.sqrt(2.0) - 3.0 + 0.5 * math.log(max(self.dim, 1)) + self.ls_sigma**2

    ls_sigma: float = 1.0
    scale_mu: float = 0.0
    scale_sigma: float = 1.0
    noise_mu: float = -4.0
    noise_sigma: float = 2.0  # mode exp(-8): let the data, not the prior, say how noisy

    def arrays(self, fit_noise: bool) -> tuple[np.ndarray, np.ndarray]:
        """Per-hyperparameter ``(mu, sigma)`` of the log-normals, in ``theta``'s order."""
        d = self.dim
        mus = np.r_[np.full(d, self.ls_mu), self.scale_mu]
        sig = np.r_[np.full(d, self.ls_sigma), self.scale_sigma]
        if fit_noise:
            mus = np.r_[mus, self.noise_mu]
            sig = np.r_[sig, self.noise_sigma]
        return mus, sig

    def neg_log(self, theta: np.ndarray, fit_noise: bool) -> tuple[float, np.ndarray]:
        mus, sig = self.arrays(fit_noise)
        return _neg_log_prior(theta, mus, sig)


def narrow_noise_prior(dim: int) -> Prior:
    """The priors with the earlier noise prior, ``LogNormal(-4, 1)``, for the models that
    were measured with it: the stopping rules (``hypersearch.terminator``), which weigh the
    fitted noise, and the cost model of cost-aware search (measured durations are noisy;
    fitted exactly, cost-aware TPE reached Branin's target at 0.73x plain TPE's cost
    instead of 0.60x)."""
    return Prior(dim, noise_sigma=1.0)


def _neg_log_prior(theta: np.ndarray, mus: np.ndarray, sig: np.ndarray) -> tuple[float, np.ndarray]:
    # Densities of the values themselves (as GPyTorch/BoTorch apply them), so
    # the MAP mode of a LogNormal(mu, sigma) is exp(mu - sigma^2), not exp(mu):
    # -log p(v) = log v + (log v - mu)^2 / (2 sigma^2) + const, with log v = theta.
    z = (theta - mus) / sig
    return 0.5 * float(z @ z) + float(theta.sum()), z / sig + 1.0


class GPModel:
    """A fitted GP: posterior mean and variance (with gradients) at new points."""

    def __init__(
        self,
        x: np.ndarray,
        y: np.ndarray,
        is_cat: np.ndarray,
        theta: np.ndarray,
        *,
        deterministic: bool,
    ) -> None:
        self.x = x
        self.y = y
        self.is_cat = is_cat
        self.theta = theta
        d = x.shape[1]
        self.inv_l2 = np.exp(-2.0 * theta[:d])
        self.scale = float(np.exp(theta[d]))
        self.noise = DETERMINISTIC_NOISE if deterministic else float(np.exp(theta[d + 1]))
        self.deterministic = deterministic
        self._factor()

    def _factor(self) -> None:
        kmat = self.scale * matern52(sq_dist(self.x, self.x, self.inv_l2, self.is_cat))
        kmat[np.diag_indices_from(kmat)] += self.noise
        chol = _cholesky(kmat)
        self.chol = chol
        self.alpha = _potrs(chol, self.y, lower=1)[0]
        self.k_inv = _potrs(chol, np.eye(len(chol)), lower=1)[0]

    def with_fantasies(self, x_new: np.ndarray) -> GPModel:
        """The model after observing its own posterior mean at ``x_new`` (kriging believer)."""
        if len(x_new) == 0:
            return self
        mean, _ = self.predict(x_new)
        return GPModel(
            np.vstack([self.x, x_new]),
            np.r_[self.y, mean],
            self.is_cat,
            self.theta,
            deterministic=self.deterministic,
        )

    def kernel(self, xq: np.ndarray, other: np.ndarray | None = None) -> np.ndarray:
        """``k(xq, X)`` (or ``k(xq, other)``)."""
        ref = self.x if other is None else other
        return self.scale * matern52(sq_dist(xq, ref, self.inv_l2, self.is_cat))

    def predict(self, xq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and variance of the latent function at ``xq`` ``(m, d)``."""
        kq = self.kernel(xq)
        mean = kq @ self.alpha
        var = self.scale - np.einsum("ij,ij->i", kq @ self.k_inv, kq)
        return mean, np.maximum(var, 1e-12)

    def predict_grad(
        self, xq: np.ndarray, active: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Mean, variance and their gradients ``(m, n_active)`` in the ``active`` columns."""
        m = len(xq)
        parts = sq_dist_parts(xq, self.x, self.is_cat)
        unit, unit_dr2 = matern52_and_dr2(parts @ self.inv_l2)
        kq = self.scale * unit
        v = kq @ self.k_inv
        mean = kq @ self.alpha
        var = self.scale - np.einsum("ij,ij->i", v, kq)
        # d k(xq, X_i) / d xq_j = dk/dr2 * 2 (xq_j - X_ij) / l_j^2: with c = dk/dr2 * w (w = alpha
        # for the mean, -2 v for the variance), sum_i c_i (xq_j - X_ij) = xq_j sum(c) - c @ X_j.
        dk_dr2 = self.scale * unit_dr2
        c = np.vstack([dk_dr2 * self.alpha, -2.0 * dk_dr2 * v])  # (2m, n)
        xa = xq[:, active]
        grads = (c.sum(axis=1)[:, None] * np.vstack([xa, xa]) - c @ self.x[:, active]) * (
            2.0 * self.inv_l2[active]
        )
        dmean, dvar = grads[:m], grads[m:]
        small = var < 1e-12
        var = np.maximum(var, 1e-12)
        dvar[small] = 0.0
        return mean, var, dmean, dvar


def _cholesky(kmat: np.ndarray) -> np.ndarray:
    jitter = 0.0
    for _ in range(6):
        chol, info = _potrf(kmat + jitter * np.eye(len(kmat)) if jitter else kmat, lower=1, clean=1)
        if info == 0:
            return chol
        jitter = 1e-8 if jitter == 0.0 else jitter * 10.0
    raise np.linalg.LinAlgError("Kernel matrix is not positive definite.")


def _neg_log_posterior(
    theta: np.ndarray,
    parts: np.ndarray,
    y: np.ndarray,
    prior: tuple[np.ndarray, np.ndarray],
    fit_noise: bool,
) -> tuple[float, np.ndarray]:
    """Negative log posterior and its gradient; ``parts`` is ``(n * n, d)``.

    About 25 numpy calls an evaluation: at n ~ 30 their overhead, not the arithmetic, is the
    cost, so ``K^-1`` comes from one ``potrs`` against the identity and the scale's gradient
    from ``tr(W K) - noise tr(W)`` instead of a copy of the noise-free kernel.
    """
    n, d = len(y), parts.shape[1]
    inv_l2 = np.exp(-2.0 * theta[:d])
    scale = math.exp(theta[d])
    noise = math.exp(theta[d + 1]) if fit_noise else DETERMINISTIC_NOISE
    unit, unit_dr2 = matern52_and_dr2((parts @ inv_l2).reshape(n, n))
    kmat = scale * unit
    kmat.flat[:: n + 1] += noise
    chol, info = _potrf(kmat, lower=1, clean=1)
    if info != 0:
        return 1e10, np.zeros_like(theta)
    w = _potrs(chol, np.eye(n), lower=1)[0]  # K^-1, then W = K^-1 - alpha alpha^T
    alpha = w @ y
    nll = 0.5 * float(y @ alpha) + float(np.log(chol.diagonal()).sum()) + 0.5 * n * _LOG_2PI
    trace_kinv = float(w.trace())
    w -= np.outer(alpha, alpha)
    trace_w = trace_kinv - float(alpha @ alpha)
    grad = np.empty_like(theta)
    # dK/dlog l_j = -2 dk/dr2 parts_j / l_j^2, dk/dr2 = scale * unit_dr2; grad = tr(W dK) / 2
    grad[:d] = (-scale) * ((unit_dr2 * w).ravel() @ parts) * inv_l2
    grad[d] = 0.5 * (float(np.vdot(w, kmat)) - noise * trace_w)
    if fit_noise:
        grad[d + 1] = 0.5 * noise * trace_w
    prior_val, prior_grad = _neg_log_prior(theta, *prior)
    return nll + prior_val, grad + prior_grad


def default_theta(dim: int, deterministic: bool) -> np.ndarray:
    """A starting point: lengthscales at the prior's mode, unit scale, small noise."""
    prior = Prior(dim)
    log_l = prior.ls_mu - prior.ls_sigma**2  # mode of the log-normal
    theta = np.r_[np.full(dim, log_l), 0.0]
    if not deterministic:
        theta = np.r_[theta, math.log(1e-2)]
    return theta


def fit_gp(
    x: np.ndarray,
    y: np.ndarray,
    is_cat: np.ndarray,
    *,
    deterministic: bool,
    starts: list[np.ndarray],
    maxiter: int = 200,
    prior: Prior | None = None,
) -> GPModel:
    """MAP-fit the hyperparameters from each start; keep the best; return the model.
    ``prior``: the hyperparameters' priors (default ``Prior(dim)``)."""
    d = x.shape[1]
    parts = sq_dist_parts(x, x, is_cat).reshape(-1, d)
    fit_noise = not deterministic
    arrays = (prior or Prior(d)).arrays(fit_noise)
    bounds = [_LOG_L_BOUNDS] * d + [_LOG_S_BOUNDS] + ([_LOG_NOISE_BOUNDS] if fit_noise else [])
    lo = np.array([b[0] for b in bounds])
    hi = np.array([b[1] for b in bounds])
    best_theta, best_val = None, np.inf
    for start in starts:
        res = minimize_box(
            lambda t: _neg_log_posterior(t, parts, y, arrays, fit_noise),
            start[: len(lo)],
            lo,
            hi,
            maxiter=maxiter,
            gtol=1e-3,
        )
        if res.fun < best_val:
            best_theta, best_val = res.x, float(res.fun)
    if best_theta is None:  # every start failed: fall back to the prior's mode
        best_theta = default_theta(d, deterministic)
    return GPModel(x, y, is_cat, np.asarray(best_theta), deterministic=deterministic)
