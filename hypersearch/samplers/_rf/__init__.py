"""Random-forest Bayesian optimisation (SMAC-HPO style)."""

from __future__ import annotations

from hypersearch.samplers._rf._sampler import RandomForestSampler

__all__ = ["RandomForestSampler"]
