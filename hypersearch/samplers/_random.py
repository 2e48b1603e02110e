"""Random search."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch.distributions import BaseDistribution
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
        self._seed = seed
        self._rng = np.random.default_rng(seed)

    def reseed_rng(self) -> None:
        self._rng = np.random.default_rng()

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        return sample_uniform(self._rng, param_distribution)
