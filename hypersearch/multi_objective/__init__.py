"""Multi-objective helpers: Pareto fronts, non-dominated sorting, hypervolume, box decompositions.

All functions take minimised objective vectors (``study.history.signed_values()``
turns a study's values that way).
"""

from hypersearch.multi_objective._boxes import non_dominated_boxes
from hypersearch.multi_objective._hv_history import hypervolume_history
from hypersearch.multi_objective._hypervolume import hypervolume, hypervolume_contributions
from hypersearch.multi_objective._pareto import (
    crowding_distance,
    non_dominated_ranks,
    pareto_front_mask,
)

__all__ = [
    "crowding_distance",
    "hypervolume",
    "hypervolume_contributions",
    "hypervolume_history",
    "non_dominated_boxes",
    "non_dominated_ranks",
    "pareto_front_mask",
]
