"""matplotlib twins of :mod:`hypersearch.visualization`: same names, arguments and data.

Each function returns the matplotlib ``Axes`` it drew on (several panels: a
numpy array of them). matplotlib is the optional extra ``plot``.
"""

from __future__ import annotations

from hypersearch.visualization.matplotlib._draw_improvement import (
    plot_improvement,
    plot_terminator_improvement,
)
from hypersearch.visualization.matplotlib._draw_runs import (
    plot_budget,
    plot_hypervolume_history,
    plot_intermediate_values,
    plot_pareto_front,
    plot_pbt_lineage,
    plot_rungs,
    plot_timeline,
)
from hypersearch.visualization.matplotlib._draw_values import (
    plot_contour,
    plot_edf,
    plot_optimization_history,
    plot_parallel_coordinate,
    plot_param_importances,
    plot_rank,
    plot_slice,
)


def is_available() -> bool:
    """Whether matplotlib is installed."""
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


__all__ = [
    "is_available",
    "plot_budget",
    "plot_contour",
    "plot_edf",
    "plot_hypervolume_history",
    "plot_improvement",
    "plot_intermediate_values",
    "plot_optimization_history",
    "plot_parallel_coordinate",
    "plot_param_importances",
    "plot_pareto_front",
    "plot_pbt_lineage",
    "plot_rank",
    "plot_rungs",
    "plot_slice",
    "plot_terminator_improvement",
    "plot_timeline",
]
