"""AutoSampler: the default; picks the strategy from the space, cost, workers and reports."""

from hypersearch.samplers._auto._sampler import AutoSampler

__all__ = ["AutoSampler"]
