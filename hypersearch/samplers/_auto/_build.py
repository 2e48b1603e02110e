"""Building the sampler a choice names, with the AutoSampler's own seed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hypersearch.samplers._base import BaseSampler
from hypersearch.trial._frozen import FrozenTrial

ConstraintsFunc = Callable[[FrozenTrial], Sequence[float]]

# Every name a choice can take.
SAMPLER_NAMES = (
    "random",
    "qmc",
    "bruteforce",
    "tpe",
    "gp",
    "cmaes",
    "bohb",
    "nsga2",
    "nsga3",
    "gp-light",
    "gp-cost",
    "gp-light-cost",
)


def build(name: str, seed: int | None, constraints_func: ConstraintsFunc | None) -> BaseSampler:
    """A fresh sampler for ``name`` with the AutoSampler's seed.

    Sharing the seed is safe (random draws are keyed by trial number, so the samplers
    never repeat each other's trials) and makes a choice reproduce the fixed sampler
    it names: ``AutoSampler(seed=s)`` that settles on the GP runs the same trials as
    ``GPSampler(seed=s)`` from its random start on.
    """
    return _MAKERS[name](seed, constraints_func)


def _random(seed: int | None, _: Any) -> BaseSampler:
    from hypersearch.samplers._random import RandomSampler

    return RandomSampler(seed=seed)


def _qmc(seed: int | None, _: Any) -> BaseSampler:
    from hypersearch.samplers._qmc import QMCSampler
    from hypersearch.samplers._random import RandomSampler

    return QMCSampler(
        seed=seed, independent_sampler=RandomSampler(seed=seed), warn_independent_sampling=False
    )


def _bruteforce(seed: int | None, _: Any) -> BaseSampler:
    from hypersearch.samplers._brute_force import BruteForceSampler

    return BruteForceSampler(seed=seed)


def _tpe(seed: int | None, constraints: ConstraintsFunc | None) -> BaseSampler:
    from hypersearch.samplers._tpe import TPESampler

    # constant liar (the default): RUNNING trials count as bad, so parallel workers spread out
    return TPESampler(seed=seed, constraints_func=constraints, warn_independent_sampling=False)


def _gp(seed: int | None, constraints: ConstraintsFunc | None) -> BaseSampler:
    from hypersearch.samplers._gp import GPSampler

    # RUNNING trials enter as kriging-believer fantasies (GPSampler's default)
    return GPSampler(seed=seed, constraints_func=constraints, warn_independent_sampling=False)


def _gp_light(seed: int | None, constraints: ConstraintsFunc | None) -> BaseSampler:
    from hypersearch.samplers._gp import GPSampler

    return GPSampler(
        seed=seed, constraints_func=constraints, warn_independent_sampling=False, effort="light"
    )


def _gp_cost(seed: int | None, constraints: ConstraintsFunc | None) -> BaseSampler:
    return _per_unit_cost(seed, constraints, "full")


def _gp_light_cost(seed: int | None, constraints: ConstraintsFunc | None) -> BaseSampler:
    return _per_unit_cost(seed, constraints, "light")


def _per_unit_cost(
    seed: int | None, constraints: ConstraintsFunc | None, effort: str
) -> BaseSampler:
    from hypersearch.samplers._gp import GPSampler

    # the cooling counts down the budget the study declared (see _percost)
    return GPSampler(
        seed=seed,
        constraints_func=constraints,
        warn_independent_sampling=False,
        effort=effort,
        cost_aware=True,
    )


def _cmaes(seed: int | None, _: Any) -> BaseSampler:
    from hypersearch.samplers._cmaes import CmaEsSampler

    return CmaEsSampler(seed=seed, warn_independent_sampling=False)


def _bohb(seed: int | None, _: Any) -> BaseSampler:
    from hypersearch.samplers._bohb import BOHBSampler

    return BOHBSampler(seed=seed, warn_independent_sampling=False)


def _nsga2(seed: int | None, constraints: ConstraintsFunc | None) -> BaseSampler:
    from hypersearch.samplers._nsga import NSGAIISampler

    return NSGAIISampler(seed=seed, constraints_func=constraints)


def _nsga3(seed: int | None, constraints: ConstraintsFunc | None) -> BaseSampler:
    from hypersearch.samplers._nsga import NSGAIIISampler

    return NSGAIIISampler(seed=seed, constraints_func=constraints)


_MAKERS: dict[str, Callable[[int | None, ConstraintsFunc | None], BaseSampler]] = {
    "random": _random,
    "qmc": _qmc,
    "bruteforce": _bruteforce,
    "tpe": _tpe,
    "gp": _gp,
    "cmaes": _cmaes,
    "bohb": _bohb,
    "nsga2": _nsga2,
    "nsga3": _nsga3,
    "gp-light": _gp_light,
    "gp-cost": _gp_cost,
    "gp-light-cost": _gp_light_cost,
}
