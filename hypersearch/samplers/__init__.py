"""Samplers: strategies that decide what a trial tries.

Which to pick:

* :class:`RandomSampler` — cheap trials, a baseline, perfect parallelism.
* :class:`GridSampler` — a fixed list of values per parameter, every combination once
  (also with several workers); stops the study when the grid is exhausted.
* :class:`BruteForceSampler` — small discrete spaces with conditional (define-by-run)
  parameters; stops the study once every leaf was tried.
* :class:`QMCSampler` — cheap trials; covers the space more evenly than random.
* :class:`PartialFixedSampler` — pin some parameters, let another sampler do the rest.
* :class:`AutoSampler` — the default: picks one of the others from the space, the
  measured cost of a trial, the budget, the workers and the reports, and says why.
* ``TPESampler`` — expensive trials, mixed and conditional spaces.
* :class:`BOHBSampler` — TPE for learning curves under Hyperband / successive halving / ASHA:
  models the largest budget with enough results (BOHB).
* :class:`CmaEsSampler` — continuous spaces, many trials, many parallel workers.
* :class:`RandomForestSampler` — expensive trials on mixed/conditional spaces (SMAC-style BO).
* :class:`NSGAIISampler` / :class:`NSGAIIISampler` — several objectives, many
  cheap trials (NSGA-III for 3+ objectives); both take ``constraints_func``.
* :class:`GPSampler` — expensive trials, few (<= ~20) mostly continuous parameters (GP-BO);
  several objectives by logEHVI, constraints by probability of feasibility.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hypersearch._lazy import load_export

if TYPE_CHECKING:
    from hypersearch.samplers._auto import AutoSampler
    from hypersearch.samplers._base import BaseSampler
    from hypersearch.samplers._bohb import BOHBSampler
    from hypersearch.samplers._brute_force import BruteForceSampler
    from hypersearch.samplers._cmaes import CmaEsSampler
    from hypersearch.samplers._ga_base import BaseGASampler
    from hypersearch.samplers._gp import GPSampler
    from hypersearch.samplers._grid import GridSampler
    from hypersearch.samplers._nsga import (
        BaseCrossover,
        BLXAlphaCrossover,
        NSGAIIISampler,
        NSGAIISampler,
        SBXCrossover,
        UniformCrossover,
    )
    from hypersearch.samplers._partial_fixed import PartialFixedSampler
    from hypersearch.samplers._qmc import QMCSampler
    from hypersearch.samplers._random import RandomSampler
    from hypersearch.samplers._rf import RandomForestSampler
    from hypersearch.samplers._search_space import intersection_search_space
    from hypersearch.samplers._tpe import TPESampler

# Samplers load numpy, the model-based ones scipy and friends: import each on first use
# so that `import hypersearch` stays fast.
_LAZY = {
    "AutoSampler": "_auto",
    "BaseSampler": "_base",
    "RandomSampler": "_random",
    "intersection_search_space": "_search_space",
    "BOHBSampler": "_bohb",
    "BaseGASampler": "_ga_base",
    "BruteForceSampler": "_brute_force",
    "CmaEsSampler": "_cmaes",
    "GPSampler": "_gp",
    "GridSampler": "_grid",
    "BaseCrossover": "_nsga",
    "BLXAlphaCrossover": "_nsga",
    "NSGAIIISampler": "_nsga",
    "NSGAIISampler": "_nsga",
    "SBXCrossover": "_nsga",
    "UniformCrossover": "_nsga",
    "PartialFixedSampler": "_partial_fixed",
    "QMCSampler": "_qmc",
    "RandomForestSampler": "_rf",
    "TPESampler": "_tpe",
}


def __getattr__(name: str) -> Any:
    if name == "nsgaii":  # Optuna's module of NSGA-II operators
        import importlib

        return importlib.import_module(f"{__name__}.nsgaii")
    return load_export(__name__, _LAZY, name)


def __dir__() -> list[str]:
    return sorted(__all__)


def default_sampler(n_objectives: int) -> BaseSampler:
    """The sampler a study gets when none is given: an :class:`AutoSampler`."""
    from hypersearch.samplers._auto import AutoSampler

    return AutoSampler()


def resolve_sampler(sampler: Any) -> Any:
    """A sampler named by a string (``"auto"``, ``"tpe"``, ``"gp"``, ...) built; others as they are."""
    if not isinstance(sampler, str):
        return sampler
    from hypersearch.samplers._auto._build import SAMPLER_NAMES, build

    if sampler == "auto":
        from hypersearch.samplers._auto import AutoSampler

        return AutoSampler()
    if sampler not in SAMPLER_NAMES:
        raise ValueError(
            f"Unknown sampler name {sampler!r}; use 'auto' or one of {list(SAMPLER_NAMES)}, "
            "or pass a sampler instance."
        )
    return build(sampler, None, None)


__all__ = [
    "AutoSampler",
    "BLXAlphaCrossover",
    "BOHBSampler",
    "BaseCrossover",
    "BaseGASampler",
    "BaseSampler",
    "BruteForceSampler",
    "CmaEsSampler",
    "GPSampler",
    "GridSampler",
    "NSGAIIISampler",
    "NSGAIISampler",
    "PartialFixedSampler",
    "QMCSampler",
    "RandomForestSampler",
    "RandomSampler",
    "SBXCrossover",
    "TPESampler",
    "UniformCrossover",
    "default_sampler",
    "intersection_search_space",
    "resolve_sampler",
]
