"""The pruner a study gets when none is given."""

from __future__ import annotations

from hypersearch.pruners._base import BasePruner
from hypersearch.pruners._pareto import ParetoPruner
from hypersearch.pruners._percentile import MedianPruner


def default_pruner(n_objectives: int) -> BasePruner:
    """:class:`MedianPruner` for one objective, :class:`ParetoPruner` for several."""
    return MedianPruner() if n_objectives == 1 else ParetoPruner()
