"""Single-objective optimizer registry: peers and ours, one line each.

Names: ``<library>-<method>``; ours are ``hs-*`` and appear automatically once
``hypersearch.samplers.<Sampler>`` exists (probe), otherwise they show as n/a.
"""

from __future__ import annotations

from functools import partial

from bench._registry import Registry
from bench.optimizers.base import Optimizer
from bench.optimizers.cmaes_adapter import CmaesOptimizer
from bench.optimizers.hyperopt_adapter import HyperoptTPE
from bench.optimizers.optuna_like import OptunaLikeOptimizer, sampler_probe
from bench.optimizers.random_search import RandomSearch
from bench.optimizers.skopt_adapter import SkoptGP
from bench.optimizers.smac_adapter import SmacOptimizer

OPTIMIZERS: Registry[Optimizer] = Registry("optimizer")


def _ours(name: str, sampler: str, **kwargs: object) -> None:
    """Register hypersearch's ``samplers.<sampler>`` (n/a until it exists)."""
    OPTIMIZERS.add(
        name,
        partial(OptunaLikeOptimizer, "hypersearch", sampler, **kwargs),
        probe=partial(sampler_probe, "hypersearch", sampler),
        ours=True,
        tags=("ours",),
    )


_ours("hs-random", "RandomSampler")
_ours("hs-qmc", "QMCSampler", scramble=True)
_ours("hs-tpe", "TPESampler")
_ours("hs-gp", "GPSampler")
_ours("hs-cmaes", "CmaEsSampler")

_OPTUNA = ("optuna",)
OPTIMIZERS.add("optuna-tpe", partial(OptunaLikeOptimizer, "optuna", "TPESampler"), requires=_OPTUNA)
OPTIMIZERS.add(
    "optuna-gp",
    partial(OptunaLikeOptimizer, "optuna", "GPSampler"),
    requires=("optuna", "torch"),
    tags=("slow",),
)
OPTIMIZERS.add(
    "optuna-random", partial(OptunaLikeOptimizer, "optuna", "RandomSampler"), requires=_OPTUNA
)
OPTIMIZERS.add(
    "optuna-cmaes",
    partial(OptunaLikeOptimizer, "optuna", "CmaEsSampler"),
    requires=("optuna", "cmaes"),
)
OPTIMIZERS.add(
    "optuna-qmc",
    partial(OptunaLikeOptimizer, "optuna", "QMCSampler", scramble=True),
    requires=_OPTUNA,
)
OPTIMIZERS.add("hyperopt-tpe", HyperoptTPE, requires=("hyperopt",))
OPTIMIZERS.add("skopt-gp", SkoptGP, requires=("skopt",), tags=("slow",))
OPTIMIZERS.add(
    "smac-bb", partial(SmacOptimizer, "BlackBoxFacade"), requires=("smac",), tags=("slow",)
)
OPTIMIZERS.add(
    "smac-hpo", partial(SmacOptimizer, "HyperparameterOptimizationFacade"), requires=("smac",)
)
OPTIMIZERS.add("cmaes", CmaesOptimizer, requires=("cmaes",))
OPTIMIZERS.add("random", RandomSearch)

__all__ = ["OPTIMIZERS", "Optimizer"]
