"""Plots of a study (plotly figures), with Optuna's function names and arguments.

Each plot is two steps: a data step (study -> arrays, read from the study's
array history; the ``*_data`` functions of the private ``_data_*`` modules,
shared with the matplotlib twins in :mod:`hypersearch.visualization.matplotlib`
and the dashboard) and a drawing step. plotly is the optional extra ``plot``
(``pip install 'hypersearch[plot]'``), imported on first use. An empty or
all-failed study gives an empty figure whose title says so; an unknown
parameter, a multi-objective study without ``target`` and other bad input
raise ``ValueError``.

Beyond Optuna's set: :func:`plot_rungs` (multi-fidelity rungs),
:func:`plot_pbt_lineage` (PBT members' hyperparameter schedules and exploits)
and :func:`plot_budget` (what the study spent over time).
"""

from __future__ import annotations

from hypersearch.visualization._plotly_improvement import (
    plot_improvement,
    plot_terminator_improvement,
)
from hypersearch.visualization._plotly_runs import (
    plot_budget,
    plot_hypervolume_history,
    plot_intermediate_values,
    plot_pareto_front,
    plot_pbt_lineage,
    plot_rungs,
    plot_timeline,
)
from hypersearch.visualization._plotly_values import (
    plot_contour,
    plot_edf,
    plot_optimization_history,
    plot_parallel_coordinate,
    plot_param_importances,
    plot_rank,
    plot_slice,
)


def __getattr__(name: str) -> object:
    # ``optuna.visualization.matplotlib`` without an import of its own, loaded on first use.
    if name == "matplotlib":
        import importlib

        return importlib.import_module("hypersearch.visualization.matplotlib")
    raise AttributeError(f"module 'hypersearch.visualization' has no attribute {name!r}")


def is_available() -> bool:
    """Whether plotly is installed."""
    import importlib.util

    return importlib.util.find_spec("plotly") is not None


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
