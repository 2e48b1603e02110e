"""Startup draws of TPE: uniform at random, or stratified per parameter (Latin hypercube).

With ``"latin"``, the first ``n`` draws of each parameter fall in ``n`` distinct equal
strata of its range (a fresh random order per parameter, a uniform point inside each
stratum), so the startup trials cover every parameter's range evenly, conditional
parameters included. Later draws (e.g. after failed trials) are uniform.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from hypersearch.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hypersearch.samplers._base import sample_uniform

STARTUPS = ("random", "latin")


def value_at(distribution: BaseDistribution, u: float) -> Any:
    """The external value at quantile ``u`` in [0, 1) of the uniform draw of ``sample_uniform``."""
    if isinstance(distribution, CategoricalDistribution):
        n = len(distribution.choices)
        return distribution.choices[min(int(u * n), n - 1)]
    if isinstance(distribution, FloatDistribution):
        low, high, step = distribution.low, distribution.high, distribution.step
        if distribution.log:
            return float(min(high, math.exp(math.log(low) + u * (math.log(high) - math.log(low)))))
        if step is None:
            return float(min(high, low + u * (high - low)))
        n = int(round((high - low) / step))
        return float(min(high, low + step * min(int(u * (n + 1)), n)))
    assert isinstance(distribution, IntDistribution)
    low_i, high_i = distribution.low, distribution.high
    if distribution.log:
        a, b = math.log(low_i - 0.5), math.log(high_i + 0.5)
        return int(min(high_i, max(low_i, round(math.exp(a + u * (b - a))))))
    n_steps = (high_i - low_i) // distribution.step
    return int(low_i + distribution.step * min(int(u * (n_steps + 1)), n_steps))


class StartupDraws:
    """Per-parameter draws for the startup trials (call under the sampler's lock)."""

    def __init__(self, kind: str, n: int) -> None:
        self.kind = kind
        self.n = n
        self._order: dict[str, np.ndarray] = {}
        self._used: dict[str, int] = {}

    def draw(self, rng: np.random.Generator, name: str, distribution: BaseDistribution) -> Any:
        k = self._used.get(name, 0)
        if self.kind == "random" or k >= self.n or distribution.single():
            return sample_uniform(rng, distribution)
        if name not in self._order:
            self._order[name] = rng.permutation(self.n)
        self._used[name] = k + 1
        return value_at(distribution, (self._order[name][k] + rng.random()) / self.n)
