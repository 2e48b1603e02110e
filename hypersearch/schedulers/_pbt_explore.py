"""PBT explore step: perturb or resample hyperparameters, clipped to their distributions."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from hypersearch.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hypersearch.samplers._base import sample_uniform

ExploreFunc = Callable[
    [Mapping[str, Any], Mapping[str, BaseDistribution], np.random.Generator], Mapping[str, Any]
]


def clip_to(dist: BaseDistribution, value: Any) -> Any:
    """``value`` moved into ``dist``: clipped to ``[low, high]``, snapped to its step grid.

    Ints are rounded; floats with a ``step`` are rounded to ``low + k * step``;
    a categorical value that is not a choice raises ``ValueError``.
    """
    if isinstance(dist, CategoricalDistribution):
        dist.to_internal(value)  # raises for a value outside the choices
        return value
    if isinstance(dist, (FloatDistribution, IntDistribution)):
        v = float(value)
        if not math.isfinite(v):
            raise ValueError(f"Cannot clip non-finite value {value!r} of {dist!r}.")
        v = min(max(v, dist.low), dist.high)
        step = dist.step
        if step is not None and not dist.log:
            v = dist.low + round((v - dist.low) / step) * step
            v = min(max(v, dist.low), dist.high)
            if v > dist.high:
                v -= step
        if isinstance(dist, IntDistribution):
            iv = int(round(v))
            return min(max(iv, int(dist.low)), int(dist.high))
        return float(v)
    raise TypeError(f"Unsupported distribution {dist!r}.")


def perturb(
    dist: BaseDistribution, value: Any, rng: np.random.Generator, factors: Sequence[float]
) -> Any:
    """One perturbation of ``value`` within ``dist``.

    Numbers are multiplied by a factor drawn from ``factors`` (for a log
    distribution this is a shift of ``log factor`` in log space, the natural
    move); a linear parameter sitting at 0 moves by ``(factor - 1) * (high - low)``
    instead, so it does not stay stuck. The result is clipped to the bounds and
    rounded to the grid (ints: to the nearest integer, at least one step away
    from ``value`` when the factor would move it less than that). Categoricals
    move to a neighbouring choice (index ``±1``, reflected at the ends).
    """
    factor = float(factors[int(rng.integers(len(factors)))])
    if isinstance(dist, CategoricalDistribution):
        n = len(dist.choices)
        if n == 1:
            return value
        i = int(dist.to_internal(value))
        j = i + (1 if factor >= 1.0 else -1)
        if j < 0 or j >= n:
            j = i - (j - i)
        return dist.choices[j]
    if not isinstance(dist, (FloatDistribution, IntDistribution)):
        raise TypeError(f"Unsupported distribution {dist!r}.")
    v = float(value)
    if v == 0.0 and not dist.log:
        new = (factor - 1.0) * (dist.high - dist.low)
    else:
        new = v * factor
    if isinstance(dist, IntDistribution) and round(new) == round(v) and factor != 1.0:
        new = v + (dist.step if factor > 1.0 else -dist.step)
    return clip_to(dist, new)


def default_explore(
    params: Mapping[str, Any],
    distributions: Mapping[str, BaseDistribution],
    rng: np.random.Generator,
    *,
    resample_probability: float,
    factors: Sequence[float],
) -> dict[str, Any]:
    """Per parameter: resample from its distribution with ``resample_probability``, else perturb."""
    out: dict[str, Any] = {}
    for name, value in params.items():
        dist = distributions[name]
        if rng.random() < resample_probability:
            out[name] = sample_uniform(rng, dist)
        else:
            out[name] = perturb(dist, value, rng, factors)
    return out


def checked_explore(
    explore: ExploreFunc,
    params: Mapping[str, Any],
    distributions: Mapping[str, BaseDistribution],
    rng: np.random.Generator,
) -> dict[str, Any]:
    """Run a custom explore function; missing names keep their value, results are clipped."""
    new = explore(dict(params), dict(distributions), rng)
    if not isinstance(new, Mapping):
        raise TypeError(f"explore must return a mapping of parameters, got {new!r}.")
    out = dict(params)
    for name, value in new.items():
        if name not in distributions:
            raise ValueError(f"explore returned unknown parameter {name!r}.")
        out[name] = clip_to(distributions[name], value)
    return out
