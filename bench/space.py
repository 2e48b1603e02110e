"""Library-neutral search spaces; every adapter translates these into its own format.

A space may be conditional: a ``When`` makes a parameter exist only where its parent (an
earlier parameter, itself present) takes one of some values.  Only define-by-run adapters
(Optuna-style ``suggest_*``) can search such a space; a configuration holds the active
parameters only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Union

import numpy as np


@dataclass(frozen=True)
class Float:
    name: str
    low: float
    high: float
    log: bool = False


@dataclass(frozen=True)
class Int:
    name: str
    low: int
    high: int
    log: bool = False


@dataclass(frozen=True)
class Cat:
    name: str
    choices: tuple[object, ...]


Param = Union[Float, Int, Cat]
Params = dict[str, object]


@dataclass(frozen=True)
class When:
    """``param`` is active only where ``parent`` is active and takes one of ``values``."""

    param: str
    parent: str
    values: tuple[object, ...]


@dataclass(frozen=True)
class Space:
    params: tuple[Param, ...]
    conditions: tuple[When, ...] = ()

    @property
    def is_conditional(self) -> bool:
        return bool(self.conditions)

    def is_active(self, name: str, chosen: Params) -> bool:
        """Whether ``name`` exists given the parameters ``chosen`` before it."""
        return all(
            c.parent in chosen and chosen[c.parent] in c.values
            for c in self.conditions
            if c.param == name
        )

    def active(self, params: Params) -> Params:
        """``params`` without the parameters their parents switch off (parents come first)."""
        kept: Params = {}
        for p in self.params:
            if p.name in params and self.is_active(p.name, kept):
                kept[p.name] = params[p.name]
        return kept

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.params]

    @property
    def dim(self) -> int:
        return len(self.params)

    @property
    def has_categorical(self) -> bool:
        return any(isinstance(p, Cat) for p in self.params)

    @property
    def is_continuous(self) -> bool:
        """All parameters are floats (ints and categoricals are not)."""
        return all(isinstance(p, Float) for p in self.params)


def floats(names: list[str], low: float, high: float) -> Space:
    """A box of identical float ranges."""
    return Space(tuple(Float(n, low, high) for n in names))


def _from_unit_scalar(p: Param, u: float) -> object:
    u = min(max(u, 0.0), 1.0)
    if isinstance(p, Cat):
        return p.choices[min(int(u * len(p.choices)), len(p.choices) - 1)]
    if isinstance(p, Int):
        if p.log:
            raw = math.exp(math.log(p.low) + u * (math.log(p.high + 1) - math.log(p.low)))
        else:
            raw = p.low + u * (p.high - p.low + 1)
        return min(max(int(math.floor(raw)), p.low), p.high)
    if p.log:
        return math.exp(math.log(p.low) + u * (math.log(p.high) - math.log(p.low)))
    return p.low + u * (p.high - p.low)


def from_unit(space: Space, u: np.ndarray) -> Params:
    """Map a point of [0, 1]^d to parameters (log-aware; ints rounded; categories binned)."""
    return {p.name: _from_unit_scalar(p, float(x)) for p, x in zip(space.params, u)}


def sample(space: Space, rng: np.random.Generator) -> Params:
    """One uniform random point (uniform in log space for log parameters), active only."""
    return space.active(from_unit(space, rng.random(space.dim)))
