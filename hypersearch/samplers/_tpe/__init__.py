"""Tree-structured Parzen Estimator sampler (see :class:`TPESampler`)."""

from __future__ import annotations

from hypersearch.samplers._tpe._sampler import TPESampler, default_gamma, default_weights
from hypersearch.samplers._tpe._split import split_multi, split_single

__all__ = ["TPESampler", "default_gamma", "default_weights", "split_multi", "split_single"]
