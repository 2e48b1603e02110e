"""Multi-objective helpers: Pareto fronts."""

from hypersearch.multi_objective._pareto import non_dominated_ranks, pareto_front_mask

__all__ = ["non_dominated_ranks", "pareto_front_mask"]
