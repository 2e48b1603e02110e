"""Map numeric distributions to the unit interval and back.

Each numeric parameter becomes one coordinate in ``[0, 1]``: log parameters in
log space; discrete ones (int, float with ``step``) on a range widened by half a
step at each end, so every grid value owns a cell of equal width (of equal
log-width for log ints). ``edges`` gives the cell boundaries of a discrete
coordinate (used by the CMA-ES margin).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from hypersearch.distributions import BaseDistribution, FloatDistribution, IntDistribution

_MAX_EDGES = 1000


class UnitTransform:
    """Per-dimension affine (or log-affine) map of a numeric space to ``[0, 1]^d``."""

    def __init__(self, space: dict[str, BaseDistribution]) -> None:
        self.names = list(space)
        self.dists: list[FloatDistribution | IntDistribution] = []
        lows, highs, logs, steps = [], [], [], []
        for name, dist in space.items():
            if not isinstance(dist, (FloatDistribution, IntDistribution)):
                raise TypeError(f"Parameter {name!r}: {dist!r} is not numeric.")
            self.dists.append(dist)
            step = dist.step if (dist.step is not None and not dist.log) else None
            if isinstance(dist, IntDistribution) and dist.log:
                step = 1
            half = 0.5 * step if step is not None else 0.0
            lo, hi = dist.low - half, dist.high + half
            if dist.log:
                lo, hi = math.log(lo), math.log(hi)
            lows.append(lo)
            highs.append(hi)
            logs.append(bool(dist.log))
            steps.append(step)
        self.low = np.array(lows, dtype=float)
        self.high = np.array(highs, dtype=float)
        self.log = np.array(logs, dtype=bool)
        self.steps = steps

    @property
    def dim(self) -> int:
        return len(self.names)

    def to_unit(self, internal: np.ndarray) -> np.ndarray:
        """Internal values ``(..., d)`` to unit coordinates."""
        x = np.array(internal, dtype=float)
        x[..., self.log] = np.log(x[..., self.log])
        return (x - self.low) / (self.high - self.low)

    def from_unit(self, unit: np.ndarray) -> dict[str, Any]:
        """Unit coordinates ``(d,)`` to external values, snapped to the grid and bounds."""
        u = np.clip(np.asarray(unit, dtype=float), 0.0, 1.0)
        x = self.low + u * (self.high - self.low)
        x[self.log] = np.exp(x[self.log])
        out: dict[str, Any] = {}
        for j, (name, dist) in enumerate(zip(self.names, self.dists)):
            v = float(x[j])
            if isinstance(dist, IntDistribution):
                k = round((v - dist.low) / dist.step)
                out[name] = int(min(dist.high, max(dist.low, dist.low + k * dist.step)))
            elif dist.step is not None:
                k = round((v - dist.low) / dist.step)
                out[name] = float(min(dist.high, max(dist.low, dist.low + k * dist.step)))
            else:
                out[name] = float(min(dist.high, max(dist.low, v)))
        return out

    def edges(self) -> list[np.ndarray | None]:
        """Cell boundaries (unit coordinates) of each discrete dimension; None if continuous.

        Dimensions with more than 1000 grid values count as continuous.
        """
        out: list[np.ndarray | None] = []
        for j, dist in enumerate(self.dists):
            step = self.steps[j]
            if step is None:
                out.append(None)
                continue
            n_values = int(round((dist.high - dist.low) / step)) + 1
            if n_values > _MAX_EDGES:
                out.append(None)
                continue
            mids = dist.low + step * (np.arange(n_values - 1) + 0.5)
            if self.log[j]:
                mids = np.log(mids)
            out.append((mids - self.low[j]) / (self.high[j] - self.low[j]))
        return out
