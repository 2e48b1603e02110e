"""The data step of the value plots: study -> arrays (no drawing library needed).

Each ``*_data`` function returns a frozen dataclass of numpy arrays and labels
that both drawing back ends (plotly, matplotlib) and the dashboard read. An
empty result (no completed trial) carries ``message`` instead of raising.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch.study._direction import StudyDirection
from hypersearch.visualization._common import (
    NO_TRIALS,
    ParamAxis,
    TargetFunc,
    check_study,
    complete_values,
    param_axes,
    studies_of,
)

if TYPE_CHECKING:
    from hypersearch.importance._base import BaseImportanceEvaluator

GRID = 50


@dataclass(frozen=True)
class Series:
    """One study's completed trials in trial order: ``numbers``, ``values``, ``best`` so far."""

    name: str
    numbers: np.ndarray
    values: np.ndarray
    best: np.ndarray


@dataclass(frozen=True)
class HistoryData:
    target_name: str
    series: list[Series]
    error_bar: bool = False
    band: dict[str, np.ndarray] = field(default_factory=dict)  # numbers, mean, std, best_mean...
    message: str | None = None


def _best_so_far(values: np.ndarray, direction: StudyDirection, target: Any) -> np.ndarray:
    if target is not None or direction != StudyDirection.MAXIMIZE:
        return np.minimum.accumulate(values) if len(values) else values
    return np.maximum.accumulate(values) if len(values) else values


def optimization_history_data(
    study: Any,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
    error_bar: bool = False,
) -> HistoryData:
    """Objective value and best value so far against trial number, per study."""
    series = []
    for s in studies_of(study):
        history = s.history
        rows, y = complete_values(history, target)
        direction = history.directions[0]
        best = _best_so_far(y, direction, target)
        series.append(Series(s.study_name, rows.astype(float), y, best))
    if not any(len(x.values) for x in series):
        return HistoryData(target_name, series, error_bar, message=NO_TRIALS)
    band = _band(series) if error_bar else {}
    return HistoryData(target_name, series, error_bar, band)


def _band(series: list[Series]) -> dict[str, np.ndarray]:
    """Mean and standard deviation over the studies at each trial number."""
    n = int(max(x.numbers.max() for x in series if len(x.numbers))) + 1
    values = np.full((len(series), n), np.nan)
    best = np.full((len(series), n), np.nan)
    for i, x in enumerate(series):
        idx = x.numbers.astype(int)
        values[i, idx] = x.values
        best[i, idx] = x.best
    numbers = np.flatnonzero(~np.isnan(values).all(axis=0))
    with np.errstate(invalid="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return {
                "numbers": numbers.astype(float),
                "mean": np.nanmean(values[:, numbers], axis=0),
                "std": np.nanstd(values[:, numbers], axis=0),
                "best_mean": np.nanmean(best[:, numbers], axis=0),
                "best_std": np.nanstd(best[:, numbers], axis=0),
            }


@dataclass(frozen=True)
class EdfData:
    """Per study: sorted values and the fraction of trials at or below each."""

    target_name: str
    names: list[str]
    values: list[np.ndarray]
    fractions: list[np.ndarray]
    message: str | None = None


def edf_data(
    study: Any, *, target: TargetFunc | None = None, target_name: str = "Objective Value"
) -> EdfData:
    names, values, fractions = [], [], []
    for s in studies_of(study):
        _, y = complete_values(s.history, target)
        y = np.sort(y)
        names.append(s.study_name)
        values.append(y)
        fractions.append(np.arange(1, len(y) + 1) / max(len(y), 1))
    message = None if any(len(v) for v in values) else NO_TRIALS
    return EdfData(target_name, names, values, fractions, message)


@dataclass(frozen=True)
class SliceData:
    """Each parameter's values against the target; ``numbers`` colours by trial order."""

    target_name: str
    axes: list[ParamAxis]
    y: np.ndarray
    numbers: np.ndarray
    message: str | None = None


def slice_data(
    study: Any,
    params: Sequence[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> SliceData:
    history = check_study(study).history
    rows, y = complete_values(history, target)
    axes = param_axes(history, params, rows)
    message = None if len(rows) and axes else NO_TRIALS if not len(rows) else "No parameters."
    return SliceData(target_name, axes, y, rows.astype(float), message)


@dataclass(frozen=True)
class ContourPanel:
    """One pair: ``z[i, j]`` is the target interpolated at ``(gx[j], gy[i])``."""

    x: ParamAxis
    y: ParamAxis
    gx: np.ndarray
    gy: np.ndarray
    z: np.ndarray


@dataclass(frozen=True)
class ContourData:
    target_name: str
    axes: list[ParamAxis]
    y: np.ndarray
    panels: list[ContourPanel]
    message: str | None = None


def contour_data(
    study: Any,
    params: Sequence[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> ContourData:
    """Every pair of parameters: the target's mean on a grid, empty cells filled by the nearest."""
    history = check_study(study).history
    rows, y = complete_values(history, target)
    axes = param_axes(history, params, rows)
    if not len(rows):
        return ContourData(target_name, axes, y, [], NO_TRIALS)
    if len(axes) < 2:
        return ContourData(target_name, axes, y, [], "A contour plot needs two parameters.")
    panels = [_panel(a, b, y) for a, b in combinations(axes, 2)]
    return ContourData(target_name, axes, y, panels)


def _grid(axis: ParamAxis) -> tuple[np.ndarray, np.ndarray]:
    """Grid coordinates of an axis (internal units) and each row's cell index (-1: absent)."""
    if axis.choices is not None:
        coords = np.arange(len(axis.choices), dtype=float)
        cells = np.where(axis.present, np.nan_to_num(axis.values), -1).astype(np.int64)
        return coords, cells
    low, high = (np.log(axis.low), np.log(axis.high)) if axis.log else (axis.low, axis.high)
    unit = np.linspace(low, high, GRID)
    values = np.log(axis.values) if axis.log else axis.values
    span = (high - low) or 1.0
    cells = np.rint((np.nan_to_num(values, nan=low) - low) / span * (GRID - 1)).astype(np.int64)
    cells = np.where(axis.present, np.clip(cells, 0, GRID - 1), -1)
    return (np.exp(unit) if axis.log else unit), cells


def _panel(a: ParamAxis, b: ParamAxis, y: np.ndarray) -> ContourPanel:
    from scipy import ndimage

    gx, cx = _grid(a)
    gy, cy = _grid(b)
    ok = (cx >= 0) & (cy >= 0)
    shape = (len(gy), len(gx))
    flat = cy[ok] * len(gx) + cx[ok]
    sums = np.bincount(flat, y[ok], shape[0] * shape[1]).reshape(shape)
    counts = np.bincount(flat, minlength=shape[0] * shape[1]).reshape(shape)
    z = np.full(shape, np.nan)
    filled = counts > 0
    if filled.any():
        z[filled] = sums[filled] / counts[filled]
        _, (iy, ix) = ndimage.distance_transform_edt(~filled, return_indices=True)
        z = z[iy, ix]
    return ContourPanel(a, b, gx, gy, z)


@dataclass(frozen=True)
class ParallelData:
    """Dimensions in order (the target first): name, values per row, categorical labels."""

    target_name: str
    y: np.ndarray
    axes: list[ParamAxis]
    message: str | None = None


def parallel_coordinate_data(
    study: Any,
    params: Sequence[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> ParallelData:
    """Rows that have every plotted parameter (a conditional one drops the others' rows)."""
    history = check_study(study).history
    rows, y = complete_values(history, target)
    axes = param_axes(history, params, rows)
    if axes:
        keep = np.logical_and.reduce([a.present for a in axes])
        rows, y = rows[keep], y[keep]
        axes = param_axes(history, [a.name for a in axes], rows)
    message = None if len(rows) else NO_TRIALS
    return ParallelData(target_name, y, axes, message)


@dataclass(frozen=True)
class RankData:
    """Scatter panels of parameter pairs (or parameter vs target), coloured by rank in [0, 1]."""

    target_name: str
    axes: list[ParamAxis]
    y: np.ndarray
    rank: np.ndarray
    pairs: list[tuple[int, int]]
    message: str | None = None


def rank_data(
    study: Any,
    params: Sequence[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> RankData:
    """``rank`` is each row's percentile among the plotted values (0: smallest)."""
    history = check_study(study).history
    rows, y = complete_values(history, target)
    axes = param_axes(history, params, rows)
    rank = np.empty(len(y))
    if len(y):
        rank[np.argsort(y, kind="stable")] = np.arange(len(y)) / max(len(y) - 1, 1)
    pairs = list(combinations(range(len(axes)), 2))
    message = None if len(rows) else NO_TRIALS
    return RankData(target_name, axes, y, rank, pairs, message)


@dataclass(frozen=True)
class ImportanceBars:
    """Importances per target, aligned with ``names`` (most important for the first target first).

    A multi-objective study without ``target`` gets one series per objective.
    """

    target_name: str
    names: list[str]
    series: dict[str, np.ndarray]
    evaluator: str
    message: str | None = None

    @property
    def importances(self) -> np.ndarray:
        return next(iter(self.series.values())) if self.series else np.empty(0)


def param_importances_data(
    study: Any,
    evaluator: BaseImportanceEvaluator | None = None,
    params: Sequence[str] | None = None,
    *,
    target: TargetFunc | None = None,
    target_name: str = "Objective Value",
) -> ImportanceBars:
    from hypersearch.importance import PedAnovaImportanceEvaluator, get_param_importances

    history = check_study(study).history
    evaluator = evaluator or PedAnovaImportanceEvaluator()
    name = type(evaluator).__name__
    n_obj = len(history.directions)
    targets: dict[str, TargetFunc | None] = {target_name: target}
    if target is None and n_obj > 1:  # as Optuna: one series per objective
        targets = {f"{target_name} {i}": _objective(i) for i in range(n_obj)}
    rows, _ = complete_values(history, next(iter(targets.values())))
    if not len(rows):
        return ImportanceBars(target_name, [], {}, name, NO_TRIALS)
    names: list[str] = []
    series: dict[str, np.ndarray] = {}
    for label, func in targets.items():
        result = get_param_importances(
            study, evaluator=evaluator, params=None if params is None else list(params), target=func
        )
        names = names or list(result)
        series[label] = np.array([result.get(n, 0.0) for n in names])
    return ImportanceBars(target_name, names, series, name)


def _objective(i: int) -> TargetFunc:
    def value(trial: Any) -> float:
        return float(trial.values[i])

    return value
