"""Pruners: stop unpromising trials early from their reported intermediate values."""

from hypersearch.pruners._base import BasePruner
from hypersearch.pruners._nop import NopPruner
from hypersearch.pruners._percentile import MedianPruner, PercentilePruner

__all__ = ["BasePruner", "MedianPruner", "NopPruner", "PercentilePruner"]
