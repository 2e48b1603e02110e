"""Plotly helpers: the import, empty figures, subplot grids without make_subplots' cost."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from hypersearch._imports import require
from hypersearch.visualization._common import ParamAxis

COLORSCALE = "Blues"
STATE_COLORS = {
    "COMPLETE": "#1f77b4",
    "PRUNED": "#ff7f0e",
    "FAIL": "#d62728",
    "RUNNING": "#2ca02c",
    "WAITING": "#7f7f7f",
}


OUTCOME_COLORS = {
    "promoted": "#2ca02c",
    "completed": "#1f77b4",
    "stopped": "#d62728",
    "paused": "#7f7f7f",
    "running": "#9467bd",
}


def go() -> Any:
    """``plotly.graph_objects``, or ImportError naming the ``plot`` extra."""
    return require("plotly.graph_objects", extra="plot")


def empty_figure(message: str, title: str) -> Any:
    """A figure with no data and ``message`` in its middle (and as its title suffix)."""
    return go().Figure(
        layout={
            "title": {"text": f"{title}: {message}"},
            "annotations": [
                {"text": message, "showarrow": False, "xref": "paper", "yref": "paper"}
            ],
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
        }
    )


def axis_key(i: int, letter: str) -> str:
    """Layout key of subplot ``i`` (0-based): ``xaxis``, ``xaxis2``, ..."""
    return f"{letter}axis" if i == 0 else f"{letter}axis{i + 1}"


def axis_ref(i: int, letter: str) -> str:
    return letter if i == 0 else f"{letter}{i + 1}"


def grid(n_panels: int, n_cols: int | None = None, gap: float = 0.06) -> list[dict[str, Any]]:
    """Domains of ``n_panels`` subplots laid out row by row: ``[{"x": (a, b), "y": (c, d)}]``."""
    cols = n_cols or min(n_panels, 4) or 1
    rows = math.ceil(n_panels / cols) or 1
    width = (1.0 - gap * (cols - 1)) / cols
    height = (1.0 - gap * (rows - 1)) / rows
    out = []
    for i in range(n_panels):
        r, c = divmod(i, cols)
        x0 = c * (width + gap)
        y1 = 1.0 - r * (height + gap)
        out.append({"x": _unit(x0, x0 + width), "y": _unit(y1 - height, y1)})
    return out


def _unit(a: float, b: float) -> tuple[float, float]:
    return (min(max(a, 0.0), 1.0), min(max(b, 0.0), 1.0))


def panel_axes(domains: list[dict[str, Any]]) -> dict[str, Any]:
    """Layout entries placing each subplot's x/y axes on its domain."""
    layout: dict[str, Any] = {}
    for i, d in enumerate(domains):
        layout[axis_key(i, "x")] = {"domain": list(d["x"]), "anchor": axis_ref(i, "y")}
        layout[axis_key(i, "y")] = {"domain": list(d["y"]), "anchor": axis_ref(i, "x")}
    return layout


def param_axis_layout(axis: ParamAxis) -> dict[str, Any]:
    """Title, scale and range of a parameter axis (category labels as ticks)."""
    out: dict[str, Any] = {"title": {"text": axis.name}}
    if axis.choices is not None:
        out.update(
            tickvals=list(range(len(axis.choices))),
            ticktext=list(axis.choices),
            range=[axis.low, axis.high],
        )
    elif axis.log:
        out.update(type="log", range=[math.log10(axis.low), math.log10(axis.high)])
    else:
        pad = 0.03 * ((axis.high - axis.low) or 1.0)
        out["range"] = [axis.low - pad, axis.high + pad]
    return out


def finite(values: np.ndarray) -> np.ndarray:
    return values[np.isfinite(values)]
