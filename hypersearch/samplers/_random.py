"""Random search."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch.distributions import BaseDistribution, FloatDistribution
from hypersearch.samplers._base import BaseSampler, sample_uniform
from hypersearch.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hypersearch.study._study import Study


class RandomSampler(BaseSampler):
    """Samples every parameter independently and uniformly (log-uniformly for log=True).

    The right choice for cheap trials and as a baseline: it has no overhead that
    grows with the study and parallelises perfectly.

    Args:
        seed: Seed of the random generator; the same seed gives the same trials.
    """

    def __init__(self, seed: int | None = None) -> None:
        self._seed = seed  # trials' seeds derive from it (``trial.seed``)
        self._rng = np.random.default_rng(seed)
        self._buffer: list[float] = []

    def reseed_rng(self) -> None:
        self._rng = np.random.default_rng()
        self._buffer = []

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        dist = param_distribution
        if type(dist) is FloatDistribution and dist.step is None:
            # Uniform draws come from a pre-drawn buffer: one numpy call per 256 values.
            if not self._buffer:
                self._buffer = self._rng.random(256).tolist()
            u = self._buffer.pop()
            if dist.log:
                return float(
                    math.exp(math.log(dist.low) + u * (math.log(dist.high) - math.log(dist.low)))
                )
            return min(dist.high, dist.low + u * (dist.high - dist.low))
        return sample_uniform(self._rng, dist)
