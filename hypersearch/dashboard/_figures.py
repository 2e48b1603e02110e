"""Shared by the figure builders: JSON arrays, traces, the figure record, the target choice."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


def arr(values: Any) -> list[Any]:
    """A numpy array (or list) as a JSON list; NaN and infinities as null."""
    out: list[Any] = []
    for v in np.asarray(values, dtype=float).tolist():
        out.append(v if math.isfinite(v) else None)
    return out


def escape_text(value: Any) -> Any:
    """Every string in ``value`` with ``&``, ``<`` and ``>`` as entities (recursively).

    plotly.js reads a subset of HTML in titles, names, labels and tick text (``<b>``,
    ``<a href>``...); user strings (study and parameter names, categorical choices)
    must show as typed, so their markup characters go as entities, which plotly
    draws as the characters. Plotly's own keywords never contain them.
    """
    if isinstance(value, str):
        if "&" in value or "<" in value or ">" in value:
            return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return value
    if isinstance(value, dict):
        return {k: escape_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [escape_text(v) for v in value]
    return value


@dataclass
class Figure:
    """What the API returns for one plot: plotly traces and layout, and how much was drawn."""

    name: str
    data: list[dict[str, Any]] = field(default_factory=list)
    layout: dict[str, Any] = field(default_factory=dict)
    points: int = 0  # points drawn (after downsampling)
    total: int = 0  # trials the plot stands for
    message: str | None = None

    def add(self, trace: dict[str, Any], n_points: int | None = None) -> None:
        self.data.append(trace)
        self.points += len(trace.get("x", ())) if n_points is None else n_points

    def to_json(self) -> dict[str, Any]:
        note = None
        if self.points and self.total > self.points:
            note = f"Drawing {self.points:,} points for {self.total:,} trials (downsampled)."
        return {
            "name": self.name,
            "data": escape_text(self.data),
            "layout": escape_text(self.layout),
            "points": self.points,
            "total": self.total,
            "message": self.message,
            "note": note,
        }


def empty(name: str, message: str) -> Figure:
    return Figure(name, message=message)


def scatter(x: Any, y: Any, name: str, **extra: Any) -> dict[str, Any]:
    return {"type": "scatter", "mode": "markers", "x": arr(x), "y": arr(y), "name": name, **extra}


def line(x: Any, y: Any, name: str, **extra: Any) -> dict[str, Any]:
    return {"type": "scatter", "mode": "lines", "x": arr(x), "y": arr(y), "name": name, **extra}


def layout(title: str, x: str, y: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": title},
        "xaxis": {"title": {"text": x}},
        "yaxis": {"title": {"text": y}},
        "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
        **extra,
    }


def grid_axes(n: int, n_cols: int, gap: float = 0.08) -> dict[str, Any]:
    """Layout axes for ``n`` panels in rows of ``n_cols`` (xaxis, xaxis2, ...)."""
    n_rows = max(1, math.ceil(n / n_cols))
    out: dict[str, Any] = {}
    for i in range(n):
        r, c = divmod(i, n_cols)
        w = (1 - gap * (n_cols - 1)) / n_cols
        h = (1 - gap * (n_rows - 1)) / n_rows
        x0 = c * (w + gap)
        y1 = 1 - r * (h + gap)
        suffix = "" if i == 0 else str(i + 1)
        out[f"xaxis{suffix}"] = {"domain": [x0, min(x0 + w, 1.0)], "anchor": f"y{suffix}"}
        out[f"yaxis{suffix}"] = {"domain": [max(y1 - h, 0.0), y1], "anchor": f"x{suffix}"}
    return out


def objective_target(history: Any, objective: int) -> tuple[Any, str]:
    """The target function and name for objective ``objective`` (None: the study's single one)."""
    n = len(history.directions)
    if not 0 <= objective < n:
        raise ValueError(f"objective must be between 0 and {n - 1}, got {objective}.")
    if n == 1:
        return None, "Objective Value"

    def target(trial: Any) -> float:
        return float(trial.values[objective])

    return target, f"Objective {objective}"


def pick_params(names: Sequence[str], wanted: Sequence[str] | None, limit: int) -> list[str]:
    """The parameters to draw: those asked for, else the first ``limit`` by name."""
    if wanted:
        unknown = [p for p in wanted if p not in names]
        if unknown:
            raise ValueError(f"Unknown parameter(s) {unknown!r}; the study has {sorted(names)!r}.")
        return list(wanted)
    return sorted(names)[:limit]
