"""Startup draws of TPE: uniform at random, or stratified per parameter (Latin hypercube).

Uniform draws are a :class:`~hypersearch.samplers.RandomSampler`'s of the same seed
(keyed by trial number), so a seeded TPE starts with the trials that random search
and the AutoSampler's start draw.

With ``"latin"``, the first ``n`` draws of each parameter fall in ``n`` distinct equal
strata of its range (a fresh random order per parameter, a uniform point inside each
stratum), so the startup trials cover every parameter's range evenly, conditional
parameters included. Later draws (e.g. after failed trials) are uniform.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hypersearch.distributions import BaseDistribution
from hypersearch.samplers._base import unit_to_external
from hypersearch.samplers._random import RandomSampler

STARTUPS = ("random", "latin")


class StartupDraws:
    """Per-parameter draws for the startup trials (call under the sampler's lock)."""

    def __init__(self, kind: str, n: int, seed: int | None) -> None:
        self.kind = kind
        self.n = n
        self.uniform = RandomSampler(seed)
        self._order: dict[str, np.ndarray] = {}
        self._used: dict[str, int] = {}

    def draw(
        self, rng: np.random.Generator, number: int, name: str, distribution: BaseDistribution
    ) -> Any:
        """Trial ``number``'s startup value of parameter ``name``."""
        k = self._used.get(name, 0)
        if self.kind == "random" or k >= self.n or distribution.single():
            return self.uniform.draw(number, distribution)
        if name not in self._order:
            self._order[name] = rng.permutation(self.n)
        self._used[name] = k + 1
        return unit_to_external((self._order[name][k] + rng.random()) / self.n, distribution)
