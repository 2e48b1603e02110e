"""The cost model: a GP on standardised log cost, reusing the GP sampler's machinery.

Costs span orders of magnitude and are positive, so the model is fitted on
``log c`` (after Snoek et al. 2012 and CArBO, Lee et al. 2020), standardised, with
the GP sampler's kernel, priors and warm-started MAP fits (:mod:`..._gp._fitter`).
Its posterior mean, back on the log scale, is the predicted log cost; only the
mean is used (Guinet et al. 2020 found low-variance cost models enough).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the GP package imports this one: no import cycle at run time
    from hypersearch.samplers._gp._fitter import GPFitter
    from hypersearch.samplers._gp._model import GPModel
    from hypersearch.samplers._gp._space import SearchSpaceEncoding

MIN_COST_POINTS = 3
"""Fewer trials with a cost than this: no cost model (the acquisition is left alone)."""
_FLAT_LOG_STD = 1e-3  # log costs spread less than this (0.1%): cost is constant, no model
_FLOOR_RATIO = 1e-6  # a zero cost counts as this fraction of the largest one


class CostModel:
    """Predicted log cost at encoded points ``u`` (unit cube, as the GP sampler encodes)."""

    def __init__(self, gp: GPModel, mean: float, std: float) -> None:
        self.gp = gp
        self.mean = mean
        self.std = std

    @classmethod
    def fit(
        cls, fitter: GPFitter, enc: SearchSpaceEncoding, x: np.ndarray, costs: np.ndarray
    ) -> CostModel | None:
        """A model of ``costs`` (NaN: unknown) at encoded points ``x``; None when there is
        too little to learn (fewer than :data:`MIN_COST_POINTS` costs, or all equal)."""
        ok = np.isfinite(costs) & (costs >= 0)
        if ok.sum() < MIN_COST_POINTS:
            return None
        c = costs[ok]
        floor = max(float(c.max()) * _FLOOR_RATIO, np.finfo(float).tiny)
        log_c = np.log(np.maximum(c, floor))
        mean, std = float(log_c.mean()), float(log_c.std())
        if not math.isfinite(std) or std < _FLAT_LOG_STD:
            return None
        gp = fitter.fit(x[ok], (log_c - mean) / std, enc, ("cost", 0))
        return cls(gp, mean, std)

    def log_cost(self, u: np.ndarray) -> np.ndarray:
        """Predicted ``log cost`` at ``u`` ``(m, d)``."""
        return self.mean + self.std * self.gp.predict(u)[0]

    def log_cost_grad(self, u: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Predicted ``log cost`` and its gradient in the ``active`` columns ``(m, a)``."""
        mean, _, dmean, _ = self.gp.predict_grad(u, active)
        return self.mean + self.std * mean, self.std * dmean
