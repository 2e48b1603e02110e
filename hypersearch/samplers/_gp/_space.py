"""Encoding a search space into the GP's unit cube and back.

Each parameter becomes one column in ``[0, 1]``:

* float: ``(x - low) / (high - low)``, in log space where ``log=True``;
* int / stepped float: the grid's cells ``[v - step/2, v + step/2]`` tile the
  unit interval, so every value owns an equal share (log-spaced cells for log
  ints); a point decodes to the cell it falls in;
* categorical: the choice index itself (the kernel only asks "equal or not").

Columns are then sorted into kinds for the acquisition optimiser: continuous
(gradient polish), large grids (polished as continuous, then snapped and
searched locally) and small discrete ones (searched exhaustively).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hypersearch.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

# Grids with at most this many values are searched exhaustively per coordinate.
EXHAUSTIVE_MAX = 32


class SearchSpaceEncoding:
    """Vectorised encode/decode of one search space (internal values <-> unit cube)."""

    def __init__(self, space: dict[str, BaseDistribution]) -> None:
        self.names = list(space)
        self.dists = [space[n] for n in self.names]
        d = len(self.dists)
        self.is_cat = np.zeros(d, dtype=bool)
        self.n_grid = np.zeros(d, dtype=np.int64)  # 0 = continuous
        self._lo = np.zeros(d)
        self._hi = np.ones(d)
        self._log = np.zeros(d, dtype=bool)
        self._step = np.zeros(d)
        self._glow = np.zeros(d)
        for j, dist in enumerate(self.dists):
            if isinstance(dist, CategoricalDistribution):
                self.is_cat[j] = True
                self.n_grid[j] = len(dist.choices)
                continue
            assert isinstance(dist, (FloatDistribution, IntDistribution))
            low, high = float(dist.low), float(dist.high)
            step = dist.step
            self._log[j] = dist.log
            if step is None and isinstance(dist, FloatDistribution):
                lo, hi = low, high
            else:
                s = 1.0 if dist.log else float(step)  # type: ignore[arg-type]
                self._step[j] = s
                self._glow[j] = low
                self.n_grid[j] = int(round((high - low) / s)) + 1
                lo, hi = low - 0.5 * s, high + 0.5 * s
            if dist.log:
                lo, hi = np.log(lo), np.log(hi)
            self._lo[j], self._hi[j] = lo, hi
        self._width = np.where(self._hi > self._lo, self._hi - self._lo, 1.0)
        self.is_grid = (self.n_grid > 0) & ~self.is_cat
        # Kinds for the optimiser.
        self.small_discrete = (self.n_grid > 0) & (self.n_grid <= EXHAUSTIVE_MAX)
        self.polished = ~self.small_discrete  # continuous or large grids
        self.large_grid = self.is_grid & ~self.small_discrete

    @property
    def dim(self) -> int:
        return len(self.dists)

    def encode(self, internal: np.ndarray) -> np.ndarray:
        """``(n, d)`` internal values -> unit-cube values (categoricals as indices)."""
        x = np.array(internal, dtype=float, copy=True)
        num = ~self.is_cat
        v = x[:, num]
        v = np.where(self._log[num], np.log(np.maximum(v, 1e-300)), v)
        x[:, num] = (v - self._lo[num]) / self._width[num]
        return x

    def snap(self, u: np.ndarray) -> np.ndarray:
        """Move grid and categorical columns of unit-cube points onto valid values."""
        u = np.array(u, dtype=float, copy=True)
        if self.is_cat.any():
            u[:, self.is_cat] = np.clip(
                np.round(u[:, self.is_cat]), 0, self.n_grid[self.is_cat] - 1
            )
        if self.is_grid.any():
            u[:, self.is_grid] = self.grid_unit(self.grid_index(u))
        return u

    def grid_index(self, u: np.ndarray) -> np.ndarray:
        """Index on the grid of each grid column's value, shape ``(n, n_grid_cols)``."""
        g = self.is_grid
        internal = self._to_internal_num(u[:, g], g)
        k = np.round((internal - self._glow[g]) / self._step[g])
        return np.clip(k, 0, self.n_grid[g] - 1)

    def grid_unit(self, k: np.ndarray) -> np.ndarray:
        """Unit-cube values of grid indices ``k`` for the grid columns (the cells' centres)."""
        g = self.is_grid
        values = self._glow[g] + k * self._step[g]
        v = np.where(self._log[g], np.log(np.maximum(values, 1e-300)), values)
        return (v - self._lo[g]) / self._width[g]

    def values_of(self, j: int) -> np.ndarray:
        """All unit-cube values of one discrete column."""
        if self.is_cat[j]:
            return np.arange(self.n_grid[j], dtype=float)
        values = self._glow[j] + np.arange(self.n_grid[j]) * self._step[j]
        v = np.log(np.maximum(values, 1e-300)) if self._log[j] else values
        return (v - self._lo[j]) / self._width[j]

    def _to_internal_num(self, u: np.ndarray, cols: np.ndarray) -> np.ndarray:
        v = self._lo[cols] + np.clip(u, 0.0, 1.0) * self._width[cols]
        logs = self._log[cols]
        if logs.any():
            v[..., logs] = np.exp(v[..., logs])
        return v

    def decode(self, u: np.ndarray) -> dict[str, Any]:
        """One unit-cube point -> external values by name, inside the distributions."""
        u = self.snap(np.atleast_2d(u))[0]
        out: dict[str, Any] = {}
        for j, (name, dist) in enumerate(zip(self.names, self.dists)):
            if self.is_cat[j]:
                out[name] = dist.to_external(float(u[j]))
                continue
            assert isinstance(dist, (FloatDistribution, IntDistribution))
            if self.is_grid[j]:
                v = self._to_internal_num(u[j : j + 1], np.array([j]))[0]
                k = np.clip(round((v - self._glow[j]) / self._step[j]), 0, self.n_grid[j] - 1)
                value = self._glow[j] + k * self._step[j]
            else:
                value = self._to_internal_num(u[j : j + 1], np.array([j]))[0]
            value = float(min(max(value, dist.low), dist.high))
            out[name] = dist.to_external(value)
        return out
