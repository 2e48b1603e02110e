"""Argument checks shared by the pruners: bad input fails at construction, naming the argument."""

from __future__ import annotations

import math
from typing import Any


def check_int(name: str, value: Any, minimum: int = 0) -> int:
    """``value`` as an int >= ``minimum``; ValueError naming ``name`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def check_real(name: str, value: Any, low: float = -math.inf, high: float = math.inf) -> float:
    """``value`` as a finite-or-bounded float in ``[low, high]``; ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number, got {value!r}.")
    out = float(value)
    if math.isnan(out) or not (low <= out <= high):
        raise ValueError(f"{name} must be in [{low}, {high}], got {value!r}.")
    return out


def check_single_objective(study: Any, pruner: str) -> None:
    if len(study.directions) > 1:
        raise NotImplementedError(
            f"{pruner} supports single-objective studies only; use ParetoPruner to prune "
            "a multi-objective study."
        )
