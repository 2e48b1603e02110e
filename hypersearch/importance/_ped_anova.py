r"""PED-ANOVA (Watanabe et al., 2023): importance inside the top-performing region.

For a top quantile :math:`\gamma` of the trials (the "good" set) and a region
quantile :math:`\gamma' \ge \gamma` (the subspace of interest: all trials for
:math:`\gamma' = 1`), the local variance a parameter :math:`x_d` explains is,
in closed form,

.. math:: v_d = \Big(\frac{\gamma}{\gamma'}\Big)^2
    \int p_{\gamma'}(x_d) \Big(\frac{p_\gamma(x_d)}{p_{\gamma'}(x_d)} - 1\Big)^2 dx_d,

a Pearson divergence between the marginal density of ``x_d`` among the good
trials and among the region's trials. A parameter that does not matter has the
same marginal in both sets (divergence 0). The densities are 1-D kernel
density estimates (Gaussian kernels, Scott's bandwidth) discretised on a grid
of ``[0, 1]``; categoricals use smoothed choice frequencies. With
``evaluate_on_local=False`` the reference is the uniform prior over the search
space instead of :math:`p_{\gamma'}` (the paper's global variant).

A conditional parameter is scored on the trials that have it.
"""

from __future__ import annotations

import math

import numpy as np

from hypersearch.importance._base import BaseImportanceEvaluator, check_fraction
from hypersearch.importance._data import ImportanceData

_GRID = 128
_MIN_BANDWIDTH = 0.01


class PedAnovaImportanceEvaluator(BaseImportanceEvaluator):
    """PED-ANOVA importances (the default evaluator; see the module docstring).

    Args:
        target_quantile: :math:`\\gamma`, the fraction of best trials that define
            "good" (default 0.1).
        region_quantile: :math:`\\gamma'`, the fraction of best trials that define
            the region analysed (default 1.0: all trials).
        evaluate_on_local: Compare with the region's own marginal (True) or with
            the uniform prior over the search space (False).
    """

    def __init__(
        self,
        *,
        target_quantile: float = 0.1,
        region_quantile: float = 1.0,
        evaluate_on_local: bool = True,
    ) -> None:
        self._gamma = check_fraction("target_quantile", target_quantile)
        self._region = check_fraction("region_quantile", region_quantile)
        if self._gamma > self._region:
            raise ValueError(
                f"target_quantile ({target_quantile}) must be <= region_quantile "
                f"({region_quantile})."
            )
        self._local = bool(evaluate_on_local)

    def scores(self, data: ImportanceData) -> np.ndarray:
        order = np.argsort(data.y, kind="stable")
        n = len(order)
        n_good = max(2, math.ceil(self._gamma * n))
        n_region = max(n_good, math.ceil(self._region * n))
        good, region = order[:n_good], order[:n_region]
        ratio = (len(good) / len(region)) ** 2
        out = np.zeros(len(data.names))
        for j in range(len(data.names)):
            out[j] = ratio * self._divergence(data, j, good, region)
        return out

    def _divergence(
        self, data: ImportanceData, j: int, good: np.ndarray, region: np.ndarray
    ) -> float:
        column = data.x[:, j]
        top = column[good]
        top = top[~np.isnan(top)]
        ref = column[region]
        ref = ref[~np.isnan(ref)]
        if len(top) < 2 or len(ref) < 2:
            return 0.0
        cells = data.n_cells(j)
        if data.is_categorical(j):
            p = _frequencies(top, cells)
            q = _frequencies(ref, cells) if self._local else np.full(cells, 1.0 / cells)
        else:
            floor = 0.5 / max(cells - 1, 1) if cells else _MIN_BANDWIDTH
            p = _kde_on_grid(top, floor)
            q = _kde_on_grid(ref, floor) if self._local else np.full(_GRID, 1.0 / _GRID)
        return max(float(np.sum(p * p / q)) - 1.0, 0.0)


def _frequencies(u: np.ndarray, k: int) -> np.ndarray:
    """Smoothed choice probabilities (one pseudo-count spread over the choices)."""
    index = np.clip((u * k).astype(np.int64), 0, k - 1)
    counts = np.bincount(index, minlength=k).astype(float) + 1.0 / k
    return counts / counts.sum()


def _kde_on_grid(u: np.ndarray, floor: float) -> np.ndarray:
    """A Gaussian KDE of ``u`` (in [0, 1]) as probabilities on the grid's cells."""
    std = float(np.std(u))
    q75, q25 = np.percentile(u, [75, 25])
    spread = min(std, (q75 - q25) / 1.34) or std
    bandwidth = max(1.06 * spread * len(u) ** -0.2, floor)
    # bin the samples first: the cost follows the grid, not the number of trials
    edges = np.linspace(0.0, 1.0, _GRID + 1)
    centers = 0.5 * (edges[:-1] + edges[1:])
    weights = np.histogram(np.clip(u, 0.0, 1.0), bins=edges)[0].astype(float)
    kernel = np.exp(-0.5 * ((centers[:, None] - centers[None, :]) / bandwidth) ** 2)
    density = kernel @ weights
    density += 1e-12
    return density / density.sum()
