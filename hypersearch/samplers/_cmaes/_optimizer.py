"""CMA-ES in numpy, with a JSON-able state (Hansen, "The CMA Evolution Strategy: A Tutorial").

One generation: sample ``lambda`` points ``x_k = m + sigma * A * B D z_k`` with
``z_k ~ N(0, I)`` (``C = B D^2 B^T``, ``A`` a diagonal margin scaling, 1 unless
the margin is on), rank them by the objective and update, with
``y_k = (x_k - m) / (sigma A)`` and the ``mu`` best weighted by ``w_i``
(``w_i ~ ln((lambda+1)/2) - ln i``, summing to 1, ``mu_eff = 1 / sum w_i^2``):

* mean:  ``m <- m + c_m sigma A y_w`` with ``y_w = sum w_i y_i``
* step-size path (cumulative step-size adaptation):
  ``p_s <- (1-c_s) p_s + sqrt(c_s (2-c_s) mu_eff) C^{-1/2} y_w``,
  ``sigma <- sigma exp(c_s/d_s (|p_s| / E|N(0,I)| - 1))``
* covariance path: ``p_c <- (1-c_c) p_c + h_s sqrt(c_c (2-c_c) mu_eff) y_w``
* covariance (rank-one + rank-mu, active):
  ``C <- (1 - c_1 - c_mu sum w_j) C + c_1 p_c p_c^T + c_mu sum w°_i y_i y_i^T``
  where the worse half of the population carries negative weights
  (``w°_i = w_i n / |C^{-1/2} y_i|^2`` for those) that shrink C along bad directions.

Learning rates are the tutorial's defaults. The coordinates are the unit cube;
the caller repairs samples into it (resampling, then mirroring).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.special import ndtri

_EPS = 1e-30


def default_popsize(n: int) -> int:
    return 4 + int(3 * math.log(n))


class CMA:
    """One CMA-ES run: mean, step size, covariance and evolution paths."""

    def __init__(
        self,
        mean: np.ndarray,
        sigma: float,
        cov: np.ndarray | None = None,
        popsize: int | None = None,
        *,
        separable: bool = False,
    ) -> None:
        n = len(mean)
        self.separable = bool(separable)
        self.n = n
        self.mean = np.array(mean, dtype=float)
        self.sigma = float(sigma)
        self.C = np.eye(n) if cov is None else np.array(cov, dtype=float)
        self.A = np.ones(n)
        self.p_s = np.zeros(n)
        self.p_c = np.zeros(n)
        self.g = 0
        self.popsize = int(popsize) if popsize else default_popsize(n)
        self.best_hist: list[float] = []
        self.flat: bool = False
        self.lra: dict[str, Any] | None = None
        self._setup()

    def enable_lr_adapt(self) -> None:
        """Turn on learning-rate adaptation (a simplified LRA-CMA-ES, Nomura et al. 2023).

        The mean and covariance updates are scaled by ``eta_m`` and ``eta_c``,
        which follow the signal-to-noise ratio of the updates in local coordinates:
        with ``E <- (1-b) E + b D``, ``V <- (1-b) V + b |D|^2``,
        ``SNR = (|E|^2 - b/(2-b) V) / (V - |E|^2)`` and
        ``eta <- min(1, eta exp(min(g eta, b) clip(SNR/a - 1, -1, 1)))``.
        Helps on noisy and multimodal functions.
        """
        n = self.n
        self.lra = {
            "eta_m": 1.0,
            "eta_c": 1.0,
            "E_m": [0.0] * n,
            "V_m": 0.0,
            "E_c": [0.0] * (n * n),
            "V_c": 0.0,
        }

    # -- constants -------------------------------------------------------------------
    def _setup(self) -> None:
        n, lam = self.n, self.popsize
        mu = lam // 2
        raw = math.log((lam + 1) / 2) - np.log(np.arange(1, lam + 1))
        pos, neg = raw[:mu], raw[mu:]
        self.mu = mu
        self.weights = pos / pos.sum()
        self.mueff = 1.0 / float(np.sum(self.weights**2))
        mueff = self.mueff
        mueff_neg = float(neg.sum() ** 2 / np.sum(neg**2)) if np.any(neg) else 0.0
        self.c_s = (mueff + 2) / (n + mueff + 5)
        self.d_s = 1 + 2 * max(0.0, math.sqrt((mueff - 1) / (n + 1)) - 1) + self.c_s
        self.c_c = (4 + mueff / n) / (n + 4 + 2 * mueff / n)
        self.c_1 = 2 / ((n + 1.3) ** 2 + mueff)
        self.c_mu = min(1 - self.c_1, 2 * (mueff - 2 + 1 / mueff) / ((n + 2) ** 2 + mueff))
        if self.separable:
            # sep-CMA-ES: a diagonal C learns (n+2)/3 times faster.
            boost = (n + 2) / 3
            self.c_1 = min(1.0, self.c_1 * boost)
            self.c_mu = min(1 - self.c_1, self.c_mu * boost)
        # Active CMA: the worse half gets negative weights (tutorial, 2016 defaults).
        neg_scale = min(
            1 + self.c_1 / max(self.c_mu, _EPS),
            1 + 2 * mueff_neg / (mueff + 2),
            (1 - self.c_1 - self.c_mu) / (n * max(self.c_mu, _EPS)),
        )
        neg_w = neg_scale * neg / np.abs(neg).sum() if np.any(neg) else neg
        self.weights_all = np.concatenate([self.weights, neg_w])
        self.chi_n = math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n))
        self._eig: tuple[np.ndarray, np.ndarray] | None = None

    def eigen(self) -> tuple[np.ndarray, np.ndarray]:
        """``(B, D)`` with ``C = B diag(D^2) B^T`` (cached until C changes)."""
        if self._eig is None and self.separable:
            self._eig = (np.eye(self.n), np.sqrt(np.maximum(np.diag(self.C), _EPS)))
        if self._eig is None:
            self.C = (self.C + self.C.T) / 2
            vals, vecs = np.linalg.eigh(self.C)
            self._eig = (vecs, np.sqrt(np.maximum(vals, _EPS)))
        return self._eig

    # -- state -------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "mean": self.mean.tolist(),
            "sigma": self.sigma,
            "C": self.C.tolist(),
            "A": self.A.tolist(),
            "p_s": self.p_s.tolist(),
            "p_c": self.p_c.tolist(),
            "g": self.g,
            "popsize": self.popsize,
            "best_hist": list(self.best_hist),
            "flat": self.flat,
            "lra": self.lra,
            "separable": self.separable,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CMA:
        cma = cls(
            np.array(data["mean"]),
            data["sigma"],
            np.array(data["C"]),
            data["popsize"],
            separable=bool(data.get("separable", False)),
        )
        cma.A = np.array(data["A"], dtype=float)
        cma.p_s = np.array(data["p_s"], dtype=float)
        cma.p_c = np.array(data["p_c"], dtype=float)
        cma.g = int(data["g"])
        cma.best_hist = [float(v) for v in data["best_hist"]]
        cma.flat = bool(data.get("flat", False))
        cma.lra = data.get("lra")
        return cma

    # -- generation ------------------------------------------------------------------
    def ask(self, rng: np.random.Generator, n_resample: int = 10) -> np.ndarray:
        """One sample in the unit cube: resampled while out of bounds, then mirrored."""
        B, D = self.eigen()
        x = self.mean
        for _ in range(n_resample):
            z = rng.standard_normal(self.n)
            x = self.mean + self.sigma * self.A * (B @ (D * z))
            if np.all((x >= 0) & (x <= 1)):
                return x
        return mirror(x)

    def tell(
        self,
        xs: np.ndarray,
        fs: np.ndarray,
        edges: list[np.ndarray | None] | None = None,
    ) -> None:
        """Update from one generation: points ``(lambda, n)`` and values (smaller is better)."""
        order = np.argsort(fs, kind="stable")
        xs = np.asarray(xs, dtype=float)[order]
        fs = np.asarray(fs, dtype=float)[order]
        B, D = self.eigen()
        y = (xs - self.mean) / (self.sigma * self.A)
        y_w = self.weights @ y[: self.mu]
        c_inv_sqrt_yw = B @ ((B.T @ y_w) / D)
        eta_m = self.lra["eta_m"] if self.lra else 1.0
        eta_c = self.lra["eta_c"] if self.lra else 1.0
        self.mean = self.mean + eta_m * self.sigma * self.A * y_w
        self.p_s = (1 - self.c_s) * self.p_s + math.sqrt(
            self.c_s * (2 - self.c_s) * self.mueff
        ) * c_inv_sqrt_yw
        self.g += 1
        norm_ps = float(np.linalg.norm(self.p_s))
        h_s = (
            norm_ps / math.sqrt(1 - (1 - self.c_s) ** (2 * self.g))
            < (1.4 + 2 / (self.n + 1)) * self.chi_n
        )
        self.p_c = (1 - self.c_c) * self.p_c + (
            h_s * math.sqrt(self.c_c * (2 - self.c_c) * self.mueff)
        ) * y_w
        c1, cmu = self.c_1, self.c_mu
        delta_h = (1 - h_s) * self.c_c * (2 - self.c_c)
        w = self.weights_all[: len(y)].copy()
        neg = w < 0
        if neg.any():
            # Negative weights act on C^{-1/2}-normalised steps so C stays positive definite.
            norms = np.sum(((y[neg] @ B) / D) ** 2, axis=1)
            w[neg] *= self.n / np.maximum(norms, _EPS)
        rank_mu = (y.T * w) @ y
        decay = c1 * delta_h - c1 - cmu * float(self.weights_all[: len(y)].sum())
        d_c = decay * self.C + c1 * np.outer(self.p_c, self.p_c) + cmu * rank_mu
        if self.lra is not None:
            c_inv_sqrt = (B / D) @ B.T
            local_c = (c_inv_sqrt @ d_c @ c_inv_sqrt).ravel() / math.sqrt(2)
            self._adapt_lr(c_inv_sqrt_yw, local_c)
        self.C = self.C + eta_c * d_c
        if self.separable:
            self.C = np.diag(np.diag(self.C))
        self._eig = None
        self.sigma *= math.exp(min(1.0, (self.c_s / self.d_s) * (norm_ps / self.chi_n - 1)))
        # Flat generation: the best and the ceil(lambda/4)-th are equal; widen the search.
        k = min(len(fs) - 1, int(math.ceil(0.1 + self.popsize / 4)))
        self.flat = bool(fs[0] == fs[k])
        if self.flat:
            self.sigma *= math.exp(0.2 + self.c_s / self.d_s)
        self.best_hist.append(float(fs[0]))
        self.best_hist.append(float(fs[-1]))
        keep = 2 * (10 + int(math.ceil(30 * self.n / self.popsize)))
        del self.best_hist[:-keep]
        if edges is not None:
            self.apply_margin(edges)

    def _adapt_lr(self, d_m: np.ndarray, d_c: np.ndarray) -> None:
        assert self.lra is not None
        alpha, gamma = 1.4, 0.1
        for key, delta, beta in (("m", d_m, 0.1), ("c", d_c, 0.03)):
            e = (1 - beta) * np.asarray(self.lra["E_" + key]) + beta * delta
            v = (1 - beta) * self.lra["V_" + key] + beta * float(delta @ delta)
            e2 = float(e @ e)
            snr = (e2 - beta / (2 - beta) * v) / max(v - e2, _EPS)
            eta = self.lra["eta_" + key]
            eta = eta * math.exp(min(gamma * eta, beta) * min(1.0, max(-1.0, snr / alpha - 1)))
            self.lra["eta_" + key] = float(min(1.0, max(1e-3, eta)))
            self.lra["E_" + key] = e.tolist()
            self.lra["V_" + key] = v

    # -- margin --------------------------------------------------------------------
    def apply_margin(self, edges: list[np.ndarray | None]) -> None:
        """Keep every neighbouring grid value of a discrete dimension reachable.

        A simplified form of the margin of Hamano et al. (2022): for a discrete
        coordinate whose mean lies in the cell ``[t_lo, t_hi]``, the marginal
        ``N(m_j, (sigma A_j)^2 C_jj)`` must put at least ``alpha = 1/(n lambda)``
        beyond each existing cell edge. If one side falls short, the mean moves
        toward that edge; if that is not enough, ``A_j`` grows.
        """
        alpha = min(0.25, 1.0 / (self.n * self.popsize))
        z = float(ndtri(1 - alpha))
        diag = np.sqrt(np.maximum(np.diag(self.C), _EPS))
        for j, e in enumerate(edges):
            if e is None or len(e) == 0:
                continue
            m = self.mean[j]
            k = int(np.searchsorted(e, m))
            lo = e[k - 1] if k > 0 else None
            hi = e[k] if k < len(e) else None
            s = self.sigma * self.A[j] * diag[j]
            need_lo = lo is not None and (m - lo) > s * z
            need_hi = hi is not None and (hi - m) > s * z
            if need_lo and need_hi:
                # Interior cell: widen until both neighbours have mass alpha.
                s_new = max(m - lo, hi - m) / z  # type: ignore[operator]
                self.A[j] *= s_new / s
            elif need_lo:
                m_new = lo + s * z  # type: ignore[operator]
                if hi is not None and (hi - m_new) > s * z:
                    self.A[j] *= max(m - lo, hi - m) / z / s  # type: ignore[operator]
                else:
                    self.mean[j] = m_new
            elif need_hi:
                m_new = hi - s * z  # type: ignore[operator]
                if lo is not None and (m_new - lo) > s * z:
                    self.A[j] *= max(m - lo, hi - m) / z / s  # type: ignore[operator]
                else:
                    self.mean[j] = m_new

    # -- stopping --------------------------------------------------------------------
    def should_stop(self, tolx: float = 1e-6, tolfun: float = 1e-12) -> bool:
        """The tutorial's stopping rules, with an HPO-sized tolx.

        * tolfun: over the last ``10 + ceil(30 n / lambda)`` generations, the best and
          worst values span less than ``tolfun`` (absolute, or 1e-10 relative);
        * tolx: every coordinate's standard deviation and ``sigma p_c`` are below
          ``tolx`` in unit-cube coordinates (1e-6 of a parameter's range: finer than
          any hyperparameter needs, and reached in tens rather than hundreds of
          generations after convergence);
        * the condition number of ``C`` exceeds 1e14, or the state is not finite.
        """
        B, D = self.eigen()
        window = 2 * (10 + int(math.ceil(30 * self.n / self.popsize)))
        if len(self.best_hist) >= window:
            spread = float(np.ptp(self.best_hist))
            if spread < tolfun or spread < 1e-10 * abs(self.best_hist[-2]):
                return True
        scale = self.sigma * self.A
        if np.all(scale * np.sqrt(np.diag(self.C)) < tolx) and np.all(scale * self.p_c < tolx):
            return True
        if (D.max() / D.min()) ** 2 > 1e14:
            return True
        return not np.all(np.isfinite(self.C)) or self.sigma > 1e8


def mirror(x: np.ndarray) -> np.ndarray:
    """Reflect a point into the unit cube (periodically, so any value lands inside)."""
    r = np.mod(x, 2.0)
    return np.where(r > 1.0, 2.0 - r, r)
