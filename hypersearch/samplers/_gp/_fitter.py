"""Fitting the sampler's GPs trial after trial, warm-starting each from its last fit.

A sampler fits one GP per objective and one per constraint; each has a slot
(``("objective", i)``, ``("constraint", k)``) remembering its last
hyperparameters, so that later fits are short warm-started runs and, once
past 64 points, happen only every ``refit_every`` trials.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from hypersearch.samplers._gp._model import GPModel, Prior, default_theta, fit_gp
from hypersearch.samplers._gp._space import SearchSpaceEncoding

# Hyperparameters are fitted on at most this many points (the best half and the
# most recent half): MAP cost is cubic, and the estimates barely move past it.
FIT_POINTS = 128
# Bounded L-BFGS iterations of a warm-started refit. At 10 instead of 30 the log posterior reached
# was within 1e-4 of 30's in 90% of refits (n = 10..50; bench/results/gp-cpu.md).
WARM_ITERS = 10
# The same with ``light=True`` (the GPSampler's effort="light", for objectives of milliseconds).
LIGHT_WARM_ITERS = 4

Slot = tuple[str, int]


class GPFitter:
    """MAP fits with per-slot warm starts (see the module docstring)."""

    def __init__(
        self,
        rng: np.random.Generator,
        *,
        deterministic: bool,
        refit_every: int,
        light: bool = False,
        prior: Callable[[int], Prior] = Prior,
    ) -> None:
        self.rng = rng
        self.prior = prior  # dimension -> the hyperparameters' priors
        self.warm_iters = LIGHT_WARM_ITERS if light else WARM_ITERS
        self.deterministic = deterministic
        self.refit_every = refit_every
        self._theta: dict[Slot, np.ndarray] = {}
        self._key: dict[Slot, tuple[Any, ...]] = {}
        self._calls_since_fit: dict[Slot, int] = {}
        self._n_refits: dict[Slot, int] = {}

    def fit(self, x: np.ndarray, y: np.ndarray, enc: SearchSpaceEncoding, slot: Slot) -> GPModel:
        """Hyperparameters by MAP (on at most ``FIT_POINTS`` points), then the full model."""
        if len(y) > FIT_POINTS:
            keep = np.zeros(len(y), dtype=bool)
            keep[np.argsort(y, kind="stable")[: FIT_POINTS // 2]] = True
            rest = np.flatnonzero(~keep)
            keep[rest[-(FIT_POINTS - FIT_POINTS // 2) :]] = True
            sub = self._fit_theta(x[keep], y[keep], enc, slot)
            return GPModel(x, y, enc.is_cat, sub.theta, deterministic=self.deterministic)
        return self._fit_theta(x, y, enc, slot)

    def _fit_theta(
        self, x: np.ndarray, y: np.ndarray, enc: SearchSpaceEncoding, slot: Slot
    ) -> GPModel:
        key = (tuple(enc.names), tuple(enc.dists), self.deterministic)
        d = enc.dim
        det = self.deterministic
        theta = self._theta.get(slot)
        prior = self.prior(d)
        if theta is None or self._key.get(slot) != key:
            starts = [default_theta(d, det)]
            for _ in range(2):
                t = default_theta(d, det).copy()
                t[:d] = self.rng.normal(prior.ls_mu - 1.0, 1.0, size=d)
                starts.append(t)
            model = fit_gp(x, y, enc.is_cat, deterministic=det, starts=starts, prior=prior)
            self._calls_since_fit[slot] = 0
        elif len(y) < 64 or self._calls_since_fit[slot] + 1 >= self.refit_every:
            # Warm start from the last fit; every 5th refit also tries the prior's mode.
            self._n_refits[slot] = self._n_refits.get(slot, 0) + 1
            starts = [theta]
            if self._n_refits[slot] % 5 == 0:
                starts.append(default_theta(d, det))
            model = fit_gp(
                x,
                y,
                enc.is_cat,
                deterministic=det,
                starts=starts,
                maxiter=self.warm_iters,
                prior=prior,
            )
            self._calls_since_fit[slot] = 0
        else:
            model = GPModel(x, y, enc.is_cat, theta, deterministic=det)
            self._calls_since_fit[slot] += 1
        self._theta[slot], self._key[slot] = model.theta, key
        return model
