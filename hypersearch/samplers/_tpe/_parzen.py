"""Parzen estimators: weighted mixtures of truncated-normal / categorical kernels.

A mixture over ``K`` kernels (one per observation plus one *prior* kernel) and
``d`` parameters::

    p(x) = sum_k w_k prod_j k_kj(x_j)

Numeric parameters use a normal kernel truncated to the unit interval (a
stepped or integer parameter takes the kernel's mass over the bin of its grid
point); categorical parameters use ``(1 - b) * onehot(observed) + b / C``.
The prior kernel sits at the centre of the unit interval with bandwidth 1
(uniform over categories).

Everything is vectorised: the continuous part of ``log p`` for ``m`` points is
two matrix products (the squared distances expanded as
``x^2/s^2 - 2 x mu/s^2 + mu^2/s^2``) and one log-sum-exp over kernels.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtr, ndtri

from hypersearch.samplers._tpe._space import CATEGORICAL, CONTINUOUS, DISCRETE, Dim, UnitMap, clip

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
_TINY = 1e-300
_EXP_FLOOR = -700.0  # e^-700 ~ 1e-304: still a normal double


def _logsumexp_rows(a: np.ndarray) -> np.ndarray:
    """Row-wise log-sum-exp; overwrites ``a``."""
    top = a.max(axis=1)
    finite = np.isfinite(top)
    shift = np.where(finite, top, 0.0)
    a -= shift[:, None]
    # terms below e^-700 cannot change a sum >= 1, and clipping them keeps np.exp off its
    # (~20-100x slower) underflow / subnormal path: narrow kernels make most terms tiny
    np.maximum(a, _EXP_FLOOR, out=a)
    np.exp(a, out=a)
    out = np.log(a.sum(axis=1)) + shift
    if not finite.all():  # a row without any finite term: its max (-inf, or +inf / NaN)
        out[~finite] = top[~finite]
    return out


class ParzenEstimator:
    """A fitted mixture over the parameters ``dims``.

    Args:
        dims: The parameters' unit-space maps.
        obs: ``(n, d)`` internal values of the observations (no NaN).
        weights: ``(n,)`` non-negative observation weights.
        prior_weight: Weight of the prior kernel (observations' weights as given).
        multivariate: Whether the kernels span several parameters (then
            ``bandwidth="scott"`` is allowed).
        bandwidth: ``"neighbour"``: per kernel, the larger gap to the neighbouring
            means (hyperopt's rule, per parameter); ``"scott"`` (multivariate only):
            one shared bandwidth per parameter, ``bandwidth_factor * n^(-1/(d+4))``.
        endpoints: Whether the interval's ends count as neighbours.
        clip_n: The ``n`` of the magic clip for continuous parameters (default: this
            estimator's observations; discrete ones always use their own).
        magic_clip: Floor the bandwidths at ``1 / min(100, n + 2)`` (of the range).
        min_bandwidth: A floor on every bandwidth, as a fraction of the range.
        bandwidth_factor: Scale of the multivariate bandwidth.
        categorical_smoothing: ``b`` of the categorical kernel; negative: adaptive,
            ``b = C * prior_weight / (K + C * prior_weight)`` (smoother with few kernels).
    """

    def __init__(
        self,
        dims: list[Dim],
        obs: np.ndarray,
        weights: np.ndarray,
        *,
        prior_weight: float,
        multivariate: bool,
        magic_clip: bool,
        min_bandwidth: float,
        bandwidth_factor: float,
        categorical_smoothing: float,
        bandwidth: str = "neighbour",
        endpoints: bool = False,
        clip_n: int | None = None,
    ) -> None:
        self.dims = dims
        n = len(obs)
        kinds = np.array([d.kind for d in dims], dtype=np.int64)
        self._num = np.flatnonzero(kinds != CATEGORICAL)
        self._cont = np.flatnonzero(kinds == CONTINUOUS)
        self._disc = np.flatnonzero(kinds == DISCRETE)
        self._cat = np.flatnonzero(kinds == CATEGORICAL)
        w = np.append(np.asarray(weights, dtype=float), prior_weight if prior_weight > 0 else 0.0)
        if n == 0 or w.sum() <= 0:
            w = np.zeros(n + 1)
            w[-1] = 1.0
        w = w / w.sum()
        self._w = w
        cdf = np.cumsum(w)
        self._cdf = cdf / cdf[-1]
        K = n + 1
        with np.errstate(divide="ignore"):
            log_w = np.log(w)

        # numeric kernels, in unit space; stored (parameter, kernel): contiguous per parameter
        dn = len(self._num)
        mu = np.empty((dn, K))
        self._num_map = UnitMap.of(tuple(dims[j] for j in self._num))
        if dn:
            mu[:, :n] = self._num_map.to_unit(obs[:, self._num]).T
        mu[:, n] = 0.5
        clip(mu, 0.0, 1.0, out=mu)
        floor = min_bandwidth
        floor_disc = floor
        if magic_clip:
            n_clip = n if clip_n is None else clip_n
            floor_disc = max(floor, 1.0 / min(100.0, n + 2.0))
            floor = max(floor, 1.0 / min(100.0, n_clip + 2.0))
        if multivariate and bandwidth == "scott":
            s = bandwidth_factor * max(n, 1) ** (-1.0 / (dn + 4))
            sigma = np.full((dn, K), min(max(s, floor), 1.0))
        else:
            sigma = np.empty((dn, K))
            sigma[:, :n] = _neighbour_bandwidth(mu[:, :n], endpoints)
            floors = np.where(kinds[self._num] == DISCRETE, floor_disc, floor)[:, None]
            clip(sigma, floors, 1.0, out=sigma)
        sigma[:, n] = 1.0
        self._mu, self._sigma = mu, sigma
        const = log_w - _log_truncation_mass(mu, sigma)
        cont_cols = np.searchsorted(self._num, self._cont)
        disc_cols = np.searchsorted(self._num, self._disc)
        self._cont_cols, self._disc_cols = cont_cols, disc_cols
        if len(cont_cols) == dn:
            sc, mc = sigma, mu
        else:
            sc, mc = sigma[cont_cols], mu[cont_cols]
        inv2 = 1.0 / (sc * sc)
        b = mc * inv2
        const -= np.log(sc).sum(axis=0) + len(cont_cols) * _LOG_SQRT_2PI
        const -= 0.5 * (mc * b).sum(axis=0)
        self._const = const
        # log N terms for points u: [u*u, u, 1] @ [-inv2/2; mu*inv2; const], one product
        self._M = np.vstack([-0.5 * inv2, b, const[None, :]])

        # categorical kernels: log probabilities (K, C) per parameter
        self._cat_logp: list[np.ndarray] = []
        self._cat_p: list[np.ndarray] = []
        for j in self._cat:
            C = dims[j].n_choices
            b = categorical_smoothing
            if b < 0:  # the prior's weight spread over the kernels: b = C pw / (K + C pw)
                b = C * prior_weight / (K + C * prior_weight) if n else 1.0
            p = np.full((K, C), b / C)
            idx = obs[:, j].astype(np.int64)
            p[np.arange(n), idx] += 1.0 - b
            p[n] = 1.0 / C
            self._cat_p.append(p)
            self._cat_logp.append(np.log(p))

    # -- sampling -----------------------------------------------------------------
    def sample(self, rng: np.random.Generator, m: int) -> np.ndarray:
        """``m`` draws, as internal values ``(m, d)``."""
        # rng.choice(K, size=m, p=w) without its O(K) checks of p: the same draws
        k = np.searchsorted(self._cdf, rng.random(m), side="right")
        out = np.empty((m, len(self.dims)))
        if len(self._num):
            mu, s = self._mu[:, k].T, self._sigma[:, k].T
            pa, pb = ndtr(-mu / s), ndtr((1.0 - mu) / s)
            u = pa + rng.random(mu.shape) * (pb - pa)
            z = ndtri(clip(u, 1e-300, 1.0 - 1e-16))
            unit = clip(mu + s * z, 0.0, 1.0)
            out[:, self._num] = self._num_map.from_unit(unit)
        for p, j in zip(self._cat_p, self._cat):
            cdf = np.cumsum(p[k], axis=1)
            r = rng.random(m)[:, None] * cdf[:, -1:]
            out[:, j] = np.minimum((r >= cdf).sum(axis=1), p.shape[1] - 1)
        return out

    # -- density --------------------------------------------------------------------
    def log_pdf(self, x: np.ndarray) -> np.ndarray:
        """Log density (up to a constant shared by all estimators over ``dims``) at ``x`` (m, d)."""
        x = np.asarray(x, dtype=float)
        m = len(x)
        if len(self._cont):
            u = UnitMap.of(tuple(self.dims[j] for j in self._cont)).to_unit(x[:, self._cont])
            lp = np.hstack([u * u, u, np.ones((m, 1))]) @ self._M
        else:
            lp = np.broadcast_to(self._const, (m, len(self._const))).copy()
        for col, j in zip(self._disc_cols, self._disc):
            a, b = self.dims[j].bin_edges(x[:, j])
            mu, s = self._mu[col], self._sigma[col]
            za = (a[:, None] - mu) / s
            zb = (b[:, None] - mu) / s
            sign = np.where(za > 0, -1.0, 1.0)  # stay in the lower tail: no cancellation
            mass = np.abs(ndtr(sign * zb) - ndtr(sign * za))
            lp += np.log(np.maximum(mass, _TINY))
        for logp, j in zip(self._cat_logp, self._cat):
            lp += logp[:, x[:, j].astype(np.int64)].T
        return _logsumexp_rows(lp)


def _log_truncation_mass(mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """Per kernel (column): sum over parameters of log(mass of N(mu, sigma) inside [0, 1]).

    Only kernels within 8.3 sigma of an end lose any mass (Phi(-8.3) < 1e-16), so
    the normal CDF is evaluated for those alone.
    """
    out = np.zeros(mu.shape[1])
    if mu.size == 0:
        return out
    reach = 8.3 * sigma
    near = (mu < reach) | (mu > 1.0 - reach)
    flat = np.flatnonzero(near)  # row-major, as np.nonzero: the same sums in the same order
    if len(flat):
        m, s = mu.ravel()[flat], sigma.ravel()[flat]
        mass = np.maximum(ndtr((1.0 - m) / s) - ndtr(-m / s), _TINY)
        out += np.bincount(flat % mu.shape[1], weights=np.log(mass), minlength=len(out))
    return out


def _neighbour_bandwidth(mu: np.ndarray, endpoints: bool) -> np.ndarray:
    """Per parameter (row) and kernel: the larger gap to the neighbouring means.

    The ends of the unit interval count as neighbours of the outermost means when
    ``endpoints``; otherwise those take the gap to their one inner neighbour.
    """
    dn, K = mu.shape
    if K == 0:
        return np.empty((dn, 0))
    mu = np.ascontiguousarray(mu)
    # sort each row; flat indices make the gather and the scatter back one-dimensional
    flat = np.argsort(mu, axis=1)
    flat += (np.arange(dn) * K)[:, None]
    padded = np.empty((dn, K + 2))
    padded[:, 0] = 0.0
    padded[:, -1] = 1.0
    padded[:, 1:-1] = mu.ravel()[flat]
    step = np.diff(padded, axis=1)
    gaps = np.maximum(step[:, :-1], step[:, 1:])
    if not endpoints and K >= 2:
        gaps[:, 0] = step[:, 1]
        gaps[:, -1] = step[:, -2]
    sigma = np.empty(dn * K)
    sigma[flat.ravel()] = gaps.ravel()
    return sigma.reshape(dn, K)


__all__ = ["CONTINUOUS", "DISCRETE", "ParzenEstimator"]
