"""Genes <-> parameters: numeric parameters scaled to [0, 1], categoricals as indices."""

from __future__ import annotations

from typing import Any

import numpy as np

from hypersearch.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)


class Encoding:
    """How the genes of one search space map to its parameters."""

    def __init__(self, space: dict[str, BaseDistribution]) -> None:
        self.names = list(space)
        self.dists = [space[n] for n in self.names]
        self.categorical = np.array([isinstance(d, CategoricalDistribution) for d in self.dists])
        lows, highs, logs = [], [], []
        for d in self.dists:
            if isinstance(d, CategoricalDistribution):
                lows.append(0.0)
                highs.append(1.0)
                logs.append(False)
            else:
                assert isinstance(d, (FloatDistribution, IntDistribution))
                lows.append(float(d.low))
                highs.append(float(d.high))
                logs.append(bool(d.log))
        self.log = np.array(logs, dtype=bool)
        low = np.array(lows)
        high = np.array(highs)
        self.low = np.where(self.log, np.log(np.where(self.log, low, 1.0)), low)
        self.high = np.where(self.log, np.log(np.where(self.log, high, 1.0)), high)
        self.width = np.where(self.high > self.low, self.high - self.low, 1.0)

    def encode(self, internal: np.ndarray) -> np.ndarray:
        """``(n, d)`` internal values -> genes (categorical genes stay indices)."""
        x = np.where(
            self.log, np.log(np.where(self.log, np.maximum(internal, 1e-300), 1.0)), internal
        )
        u = (x - self.low) / self.width
        return np.where(self.categorical, internal, np.clip(u, 0.0, 1.0))

    def decode(self, genes: np.ndarray) -> dict[str, Any]:
        """One gene vector -> external parameter values by name."""
        out: dict[str, Any] = {}
        for j, (name, dist) in enumerate(zip(self.names, self.dists, strict=True)):
            g = float(genes[j])
            if isinstance(dist, CategoricalDistribution):
                out[name] = dist.to_external(int(g))
                continue
            assert isinstance(dist, (FloatDistribution, IntDistribution))
            x = self.low[j] + g * self.width[j]
            if self.log[j]:
                x = float(np.exp(x))
            out[name] = snap(dist, x)
        return out


def snap(dist: FloatDistribution | IntDistribution, x: float) -> Any:
    """The external value of ``dist`` nearest to ``x`` (clipped, on the step grid)."""
    low, high = dist.low, dist.high
    x = min(max(x, low), high)
    if isinstance(dist, IntDistribution):
        if dist.log:
            return int(min(max(round(x), low), high))
        k = round((x - low) / dist.step)
        return int(min(low + k * dist.step, high - (high - low) % dist.step))
    if dist.step is not None:
        k = round((x - low) / dist.step)
        return float(min(low + k * dist.step, high))
    return float(x)
