"""matplotlib helpers: the import, empty axes, parameter axes."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from hypersearch._imports import require
from hypersearch.visualization._common import ParamAxis


def plt() -> Any:
    """``matplotlib.pyplot``, or ImportError naming the ``plot`` extra."""
    return require("matplotlib.pyplot", extra="plot")


def empty_axes(message: str, title: str) -> Any:
    _, ax = plt().subplots()
    ax.set_title(f"{title}: {message}")
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return ax


def panels(n: int, n_cols: int, size: float = 3.2) -> np.ndarray:
    """``n`` axes laid out row by row (extra cells hidden), as a flat array."""
    cols = max(min(n, n_cols), 1)
    rows = max(math.ceil(n / cols), 1)
    fig, axes = plt().subplots(rows, cols, squeeze=False, figsize=(size * cols, size * rows))
    flat = axes.ravel()
    for ax in flat[n:]:
        ax.set_visible(False)
    fig.tight_layout()
    return flat[:n]


def set_param_axis(ax: Any, axis: ParamAxis, which: str = "x") -> None:
    """Label, scale, range and category ticks of one parameter axis."""
    label = ax.set_xlabel if which == "x" else ax.set_ylabel
    label(axis.name)
    if axis.choices is not None:
        ticks = ax.set_xticks if which == "x" else ax.set_yticks
        ticks(range(len(axis.choices)), list(axis.choices))
    elif axis.log:
        (ax.set_xscale if which == "x" else ax.set_yscale)("log")
    lim = ax.set_xlim if which == "x" else ax.set_ylim
    if axis.choices is None and not axis.log:
        pad = 0.03 * ((axis.high - axis.low) or 1.0)
        lim(axis.low - pad, axis.high + pad)
    else:
        lim(axis.low, axis.high)
