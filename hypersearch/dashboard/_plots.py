"""The plots a study page shows: which apply to a study, and how each is built and cached."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypersearch.dashboard import _plots_runs as runs
from hypersearch.dashboard import _plots_values as values
from hypersearch.dashboard._figures import Figure


@dataclass(frozen=True)
class PlotKind:
    """``build(study, history, **options)``; ``objectives``: 1 single, 2 multi, 0 both."""

    name: str
    title: str
    build: Callable[..., Figure]
    objectives: int = 0
    options: tuple[str, ...] = ()
    max_age: float = 0.0  # seconds a costly figure is served while the study moves on


PLOTS = {
    p.name: p
    for p in (
        PlotKind("history", "Optimization history", values.history_figure, 0, ("objective",)),
        PlotKind("slice", "Slice", values.slice_figure, 0, ("objective", "params")),
        PlotKind("contour", "Contour", values.contour_figure, 0, ("objective", "params"), 5.0),
        PlotKind(
            "parallel",
            "Parallel coordinates",
            values.parallel_figure,
            0,
            ("objective", "params"),
        ),  # fmt: skip
        PlotKind(
            "importances",
            "Parameter importances",
            values.importance_figure,
            0,
            ("objective",),
            15.0,
        ),  # fmt: skip
        PlotKind("intermediate", "Intermediate values and rungs", runs.intermediate_figure),
        PlotKind("pareto", "Pareto front", runs.pareto_figure, 2),
        PlotKind("hypervolume", "Hypervolume history", runs.hypervolume_figure, 2, (), 2.0),
        PlotKind("edf", "Empirical distribution", values.edf_figure, 0, ("objective",)),
        PlotKind("timeline", "Timeline", runs.timeline_figure),
        PlotKind("lineage", "PBT lineage", runs.lineage_figure),
        PlotKind("budget", "Budget", runs.budget_figure),
    )
}


def plots_for(n_objectives: int) -> list[dict[str, str]]:
    """The plots that apply to a study with this many objectives, in page order."""
    multi = n_objectives > 1
    return [
        {"name": p.name, "title": p.title}
        for p in PLOTS.values()
        if p.objectives == 0 or (p.objectives == 2) == multi
    ]


def plot_options(kind: PlotKind, query: Any) -> dict[str, Any]:
    """``objective`` and ``params`` from the URL's query, checked (ValueError when malformed)."""
    out: dict[str, Any] = {}
    if "objective" in kind.options:
        text = query.get("objective") or "0"
        try:
            out["objective"] = int(text)
        except ValueError:
            raise ValueError(f"objective must be an integer, got {text!r}.") from None
    if "params" in kind.options and query.get("params"):
        out["params"] = tuple(p for p in query.get("params").split(",") if p)
    return out
