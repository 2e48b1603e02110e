"""Single-objective optimizer registry: peers and ours, one line each.

Names: ``<library>-<method>``; ours are ``hs-*`` and appear automatically once
``hypersearch.samplers.<Sampler>`` exists (probe), otherwise they show as n/a.
"""

from __future__ import annotations

from functools import partial
from typing import Any

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
_ours("hs-rf", "RandomForestSampler")

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


# ---------------------------------------------------------------- multi-fidelity methods
from bench.optimizers.multifidelity import (  # noqa: E402
    MFMethod,
    RandomNoPruning,
    SmacHyperband,
    StudyMethod,
    study_probe,
)

MF_METHODS: Registry[MFMethod] = Registry("multi-fidelity method")


def _study(library: str, sampler: str, pruner: str | None, **options: Any):  # type: ignore[no-untyped-def]
    return lambda problem, seed: StudyMethod(library, sampler, pruner, problem, seed, options)


def _ours_mf(
    name: str, sampler: str, pruner: str | None, *, ablation: bool = False, **options: Any
) -> None:
    """Register hypersearch sampler (with ``options``) + pruner (n/a until both exist).

    ``ablation``: a variant only run when named (``--methods``), not by default.
    """
    MF_METHODS.add(
        name,
        _study("hypersearch", sampler, pruner, **options),
        ours=True,
        tags=("ours", "ablation") if ablation else ("ours",),
        probe=partial(study_probe, "hypersearch", sampler, pruner),
    )


_ours_mf("hs-random-median", "RandomSampler", "MedianPruner")
_ours_mf("hs-random-hyperband", "RandomSampler", "HyperbandPruner")
_ours_mf("hs-tpe-median", "TPESampler", "MedianPruner")
_ours_mf("hs-tpe-hyperband", "TPESampler", "HyperbandPruner")
_ours_mf("hs-tpe-sha", "TPESampler", "SuccessiveHalvingPruner")
_ours_mf("hs-bohb-hyperband", "BOHBSampler", "HyperbandPruner")
# BOHB ablations (issue #5; bench/results/multifidelity-bohb-ablation.md): random_fraction
# (0.15 became the default), and with BOHB's 1/3 the paper's min_points_in_model = d + 1
# (mpd1) and its reference code's good set of at least d + 1 trials (split).
_RF33 = {"random_fraction": 1 / 3}
for _name, _options in (
    ("rf15", {"random_fraction": 0.15}),
    ("rf33", _RF33),
    ("mpd1", {"min_points_in_model": 1, **_RF33}),
    ("split", {"min_points_in_model": 1, "paper_split": True, **_RF33}),
):
    _ours_mf(
        f"hs-bohb-hyperband-{_name}", "BOHBSampler", "HyperbandPruner", ablation=True, **_options
    )

MF_METHODS.add(
    "optuna-tpe-hyperband", _study("optuna", "TPESampler", "HyperbandPruner"), requires=_OPTUNA
)
MF_METHODS.add(
    "optuna-tpe-median", _study("optuna", "TPESampler", "MedianPruner"), requires=_OPTUNA
)
MF_METHODS.add(
    "optuna-tpe-sha", _study("optuna", "TPESampler", "SuccessiveHalvingPruner"), requires=_OPTUNA
)
MF_METHODS.add(
    "optuna-random-median", _study("optuna", "RandomSampler", "MedianPruner"), requires=_OPTUNA
)
MF_METHODS.add(
    "optuna-random-hyperband",
    _study("optuna", "RandomSampler", "HyperbandPruner"),
    requires=_OPTUNA,
)
MF_METHODS.add("smac-hyperband", SmacHyperband, requires=("smac",))
MF_METHODS.add("random", RandomNoPruning)

# ---------------------------------------------------------------- multi-objective optimizers
from bench.optimizers.multiobjective import PymooNSGA2, RandomMO, StudyMO  # noqa: E402

MO_OPTIMIZERS: Registry[StudyMO | PymooNSGA2 | RandomMO] = Registry("multi-objective optimizer")
for _label, _sampler in (
    ("nsga2", "NSGAIISampler"),
    ("tpe", "TPESampler"),
    ("random", "RandomSampler"),
    ("gp", "GPSampler"),
):
    MO_OPTIMIZERS.add(
        f"hs-{_label}",
        partial(StudyMO, "hypersearch", _sampler),
        ours=True,
        tags=("ours",),
        probe=partial(sampler_probe, "hypersearch", _sampler),
    )
MO_OPTIMIZERS.add("optuna-nsga2", partial(StudyMO, "optuna", "NSGAIISampler"), requires=_OPTUNA)
MO_OPTIMIZERS.add("optuna-tpe", partial(StudyMO, "optuna", "TPESampler"), requires=_OPTUNA)
MO_OPTIMIZERS.add("optuna-random", partial(StudyMO, "optuna", "RandomSampler"), requires=_OPTUNA)
MO_OPTIMIZERS.add(
    "optuna-gp",
    partial(StudyMO, "optuna", "GPSampler"),
    requires=("optuna", "torch"),
    tags=("slow",),
)
MO_OPTIMIZERS.add("pymoo-nsga2", PymooNSGA2, requires=("pymoo",))
MO_OPTIMIZERS.add("random", RandomMO)

__all__ = ["MF_METHODS", "MO_OPTIMIZERS", "OPTIMIZERS", "MFMethod", "Optimizer"]
