"""The sampler interface.

Per trial the study calls, in order: ``before_trial``; then
``infer_relative_search_space`` and ``sample_relative`` once, for the parameters
a sampler models jointly; then ``sample_independent`` for each parameter the
relative step did not cover (a new one, a conditional one); finally
``after_trial`` before the trial's result is stored.

Samplers read past trials through ``study.history`` (a
:class:`~hypersearch.study.History`), never by walking trial objects, and keep
no state the storage cannot rebuild: a worker that joins late samples as well
as one that was there from the start.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch._pickling import FreshLocksOnPickle
from hypersearch.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._study import Study


class BaseSampler(FreshLocksOnPickle, abc.ABC):
    """Decides which parameters a trial tries."""

    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        """Parameters to sample jointly for this trial. Default: none."""
        return {}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        """Sample the relative search space jointly; external values by name."""
        return {}

    @abc.abstractmethod
    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        """Sample one parameter on its own; returns an external value."""

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        """Called when a trial starts, before any sampling."""

    def after_trial(
        self,
        study: Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        """Called when a trial ends, before its state is stored."""

    def reseed_rng(self) -> None:
        """Give the sampler a fresh random state (each process worker calls it)."""


def sample_uniform(rng: np.random.Generator, distribution: BaseDistribution) -> Any:
    """Draw an external value uniformly (log-uniformly where log=True)."""
    if isinstance(distribution, CategoricalDistribution):
        return distribution.choices[int(rng.integers(len(distribution.choices)))]
    if isinstance(distribution, FloatDistribution):
        low, high, step = distribution.low, distribution.high, distribution.step
        if distribution.log:
            return float(np.exp(rng.uniform(np.log(low), np.log(high))))
        if step is None:
            return float(rng.uniform(low, high))
        n = int(round((high - low) / step))
        return float(min(high, low + step * int(rng.integers(n + 1))))
    if isinstance(distribution, IntDistribution):
        low_i, high_i = distribution.low, distribution.high
        if distribution.log:
            # Equal mass on [k - 0.5, k + 0.5] in log space, clipped to the range.
            x = np.exp(rng.uniform(np.log(low_i - 0.5), np.log(high_i + 0.5)))
            return int(min(high_i, max(low_i, round(x))))
        n_steps = (high_i - low_i) // distribution.step
        return int(low_i + distribution.step * int(rng.integers(n_steps + 1)))
    raise TypeError(f"Unknown distribution {distribution!r}.")


_BELOW_ONE = math.nextafter(1.0, 0.0)


def unit_to_external(u: float, distribution: BaseDistribution) -> Any:
    """Map ``u`` in [0, 1) to an external value, equal mass per value/length.

    Continuous floats scale linearly (in log space with ``log=True``); stepped
    floats and ints split [0, 1) into one equal bucket per grid value; log ints
    give each integer ``k`` the log-width of [k - 0.5, k + 0.5]; categoricals one
    bucket per choice.
    """
    u = min(max(float(u), 0.0), _BELOW_ONE)
    if isinstance(distribution, CategoricalDistribution):
        return distribution.choices[int(u * len(distribution.choices))]
    low, high, step, log = distribution.low, distribution.high, distribution.step, distribution.log  # type: ignore[attr-defined]
    if isinstance(distribution, FloatDistribution):
        if log:
            x = math.exp(math.log(low) + u * (math.log(high) - math.log(low)))
            return min(high, max(low, x))
        if step is None:
            return min(high, max(low, low + u * (high - low)))
        n = int(round((high - low) / step)) + 1
        return float(min(high, low + step * min(int(u * n), n - 1)))
    if log:
        a, b = math.log(low - 0.5), math.log(high + 0.5)
        return int(min(high, max(low, round(math.exp(a + u * (b - a))))))
    n = (high - low) // step + 1
    return int(low + step * min(int(u * n), n - 1))
