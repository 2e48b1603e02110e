"""TPESampler's Optuna-only arguments and settings that have no effect of their own here."""

from __future__ import annotations

import math
import warnings
from typing import Any


def check_consider_prior(consider_prior: bool | None) -> None:
    """Optuna deprecated ``consider_prior`` in 4.3 and always uses the prior; so do we."""
    if consider_prior is None:
        return
    warnings.warn(
        "consider_prior is deprecated (as in Optuna since v4.3.0); the prior is always used.",
        FutureWarning,
        stacklevel=3,
    )


def hyperopt_default_gamma(n: int) -> int:
    """Hyperopt's split: the best ``ceil(0.25 * sqrt(n))`` trials, at most 25."""
    return min(math.ceil(0.25 * math.sqrt(n)), 25)


def hyperopt_parameters() -> dict[str, Any]:
    """Keyword arguments that make TPESampler follow Hyperopt's defaults (as Optuna's does)."""
    from hypersearch.samplers._tpe._sampler import default_weights

    warnings.warn(
        "hyperopt_parameters is deprecated (as in Optuna since v4.9.0).",
        FutureWarning,
        stacklevel=3,
    )
    return {
        "consider_prior": True,
        "prior_weight": 1.0,
        "consider_magic_clip": True,
        "consider_endpoints": False,
        "n_startup_trials": 20,
        "n_ei_candidates": 24,
        "gamma": hyperopt_default_gamma,
        "weights": default_weights,
    }
