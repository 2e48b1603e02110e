"""Shared by the data step: rows, target values, parameter axes, bad-input checks."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch.distributions import BaseDistribution, CategoricalDistribution
from hypersearch.importance._data import check_params
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._history import History
    from hypersearch.study._study import Study

TargetFunc = Callable[[FrozenTrial], float]
NO_TRIALS = "No completed trials to plot."


def check_study(study: Any) -> Study:
    from hypersearch.study._study import Study

    if not isinstance(study, Study):
        raise TypeError(f"Expected a hypersearch Study, got {type(study).__name__}.")
    return study


def studies_of(study: Any) -> list[Study]:
    """One study or a sequence of them, each checked."""
    if isinstance(study, Sequence) and not isinstance(study, (str, bytes)):
        studies = [check_study(s) for s in study]
        if not studies:
            raise ValueError("study is an empty sequence.")
        return studies
    return [check_study(study)]


def check_target(history: History, target: TargetFunc | None) -> None:
    if target is None and len(history.directions) > 1:
        raise ValueError(
            "This study has several objectives: pass target=lambda t: t.values[i] "
            "(and target_name) to choose the one to plot."
        )
    if target is not None and not callable(target):
        raise TypeError(f"target must be callable (FrozenTrial -> float), got {target!r}.")


def complete_values(history: History, target: TargetFunc | None) -> tuple[np.ndarray, np.ndarray]:
    """``(rows, y)``: the COMPLETE rows with a finite target value, and those values."""
    check_target(history, target)
    rows = np.flatnonzero(history.mask(TrialState.COMPLETE))
    if target is None:
        y = history.values[rows, 0].astype(float)
    else:
        y = np.array([_as_float(target(history.trial(int(r)))) for r in rows], dtype=float)
    keep = np.isfinite(y)
    return rows[keep], y[keep]


def _as_float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"target returned {value!r}, not a number.") from None


@dataclass(frozen=True)
class ParamAxis:
    """One parameter's values on the plotted rows.

    Attributes:
        name: The parameter.
        values: Internal values (a categorical: the choice index), NaN where absent.
        log: Draw on a log scale.
        choices: Labels of a categorical's choices (None for a numeric parameter).
        low: Lower end of the axis (the distribution's range; a categorical: -0.5).
        high: Upper end.
    """

    name: str
    values: np.ndarray
    log: bool
    choices: tuple[str, ...] | None
    low: float
    high: float

    @property
    def present(self) -> np.ndarray:
        return ~np.isnan(self.values)


def param_axis(history: History, name: str, rows: np.ndarray) -> ParamAxis:
    dist: BaseDistribution = history.distributions[name]
    values = history.param(name)[rows]
    if isinstance(dist, CategoricalDistribution):
        labels = tuple(str(c) for c in dist.choices)
        return ParamAxis(name, values, False, labels, -0.5, len(labels) - 0.5)
    low, high = float(dist.low), float(dist.high)  # type: ignore[attr-defined]
    return ParamAxis(name, values, bool(dist.log), None, low, high)  # type: ignore[attr-defined]


def param_axes(history: History, params: Sequence[str] | None, rows: np.ndarray) -> list[ParamAxis]:
    """Axes of the parameters asked for (default all, sorted); unknown names raise ValueError."""
    return [param_axis(history, n, rows) for n in check_params(history, params)]


def finite_or_none(x: float) -> float | None:
    return x if math.isfinite(x) else None
