"""The single-objective problem type every quality-suite optimizer minimises."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from bench.space import Params, Space, sample

REFERENCE_SEED = 20240611


@dataclass
class Problem:
    """A black-box function to minimise over ``space``.

    ``optimum`` is the known global minimum (None when unknown).  ``reference`` is the
    value a typical random configuration reaches (median of ``n_reference`` uniform
    samples unless given); normalised regret maps optimum -> 0 and reference -> 1.
    """

    name: str
    space: Space
    fn: Callable[[Params], float]
    optimum: float | None = None
    group: str = "misc"
    instance: str = ""
    n_reference: int = 256
    reference_value: float | None = None
    _cache: dict[str, float] = field(default_factory=dict, repr=False)

    def __call__(self, params: Params) -> float:
        return float(self.fn(params))

    def reference(self) -> float:
        """Median value of uniform random configurations (cached, fixed seed)."""
        if self.reference_value is not None:
            return self.reference_value
        if "ref" not in self._cache:
            rng = np.random.default_rng(REFERENCE_SEED)
            values = [self(sample(self.space, rng)) for _ in range(self.n_reference)]
            self._cache["ref"] = float(np.median(values))
        return self._cache["ref"]


ProblemFactory = Callable[[int], Problem]
"""Builds the problem for one seed (the seed may choose an instance, e.g. in BBOB)."""
