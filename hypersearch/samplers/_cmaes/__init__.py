"""CMA-ES sampler (numpy implementation, state kept in the storage)."""

from __future__ import annotations

from hypersearch.samplers._cmaes._sampler import CmaEsSampler

__all__ = ["CmaEsSampler"]
