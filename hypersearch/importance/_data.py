"""Study -> the arrays an importance evaluator fits: scaled parameters and target values.

Rows are the study's COMPLETE trials (and, optionally, PRUNED ones at their last
reported value), read from the study's array history. Numeric parameters are
scaled to ``[0, 1]`` (in log space for log parameters); a categorical with ``k``
choices maps choice ``i`` to the middle of the ``i``-th of ``k`` equal cells.
Parameters a trial lacks (conditional ones) stay NaN; each evaluator says how it
treats them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hypersearch.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._history import History
    from hypersearch.study._study import Study

TargetFunc = Callable[[FrozenTrial], float]


@dataclass(frozen=True)
class ImportanceData:
    """Inputs of an importance evaluator.

    Attributes:
        names: Parameter names, one per column of ``x``.
        distributions: Their distributions.
        x: ``(n, d)`` scaled values in ``[0, 1]``, NaN where a trial lacks the parameter.
        y: ``(n,)`` target values, finite, turned so that smaller is better.
    """

    names: list[str]
    distributions: list[BaseDistribution]
    x: np.ndarray
    y: np.ndarray

    def is_categorical(self, j: int) -> bool:
        return isinstance(self.distributions[j], CategoricalDistribution)

    def n_cells(self, j: int) -> int:
        """Number of distinct values of a discrete column (0 for a continuous one)."""
        dist = self.distributions[j]
        if isinstance(dist, CategoricalDistribution):
            return len(dist.choices)
        if isinstance(dist, IntDistribution) and not dist.log:
            return (dist.high - dist.low) // dist.step + 1
        return 0


def scale_column(dist: BaseDistribution, internal: np.ndarray) -> np.ndarray:
    """Internal parameter values -> ``[0, 1]`` (see the module docstring); NaN stays NaN."""
    if isinstance(dist, CategoricalDistribution):
        return (internal + 0.5) / len(dist.choices)
    assert isinstance(dist, (FloatDistribution, IntDistribution))
    low, high = float(dist.low), float(dist.high)
    values = internal
    if dist.log:
        low, high = math.log(low), math.log(high)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.log(internal)
    if high == low:
        return np.where(np.isnan(values), np.nan, 0.5)
    return (values - low) / (high - low)


def sign_of(direction: StudyDirection) -> float:
    return -1.0 if direction == StudyDirection.MAXIMIZE else 1.0


def used_rows(history: History, include_pruned: bool) -> np.ndarray:
    states = (TrialState.COMPLETE, TrialState.PRUNED) if include_pruned else (TrialState.COMPLETE,)
    return np.flatnonzero(history.mask(*states))


def target_values(
    history: History,
    rows: np.ndarray,
    target: TargetFunc | None,
    *,
    include_pruned: bool = False,
) -> np.ndarray:
    """The value of each row: ``target(trial)`` or the objective (a pruned row: its last report).

    Raises:
        ValueError: a multi-objective study without ``target``.
    """
    if target is not None:
        return np.array([float(target(history.trial(int(r)))) for r in rows], dtype=float)
    if len(history.directions) != 1:
        raise ValueError(
            "This study has several objectives: pass target=lambda t: t.values[i] "
            "to choose the one to analyse."
        )
    y = history.values[rows, 0].copy()
    if include_pruned:
        pruned = history.states[rows] == int(TrialState.PRUNED)
        y[pruned] = history.last_report[rows][pruned]
    return y


def check_params(history: History, params: Sequence[str] | None) -> list[str]:
    """The names asked for (all the study's parameters by default), each known."""
    known = history.param_names
    if params is None:
        return sorted(known)
    if isinstance(params, str):
        raise TypeError(f"params must be a list of names, got the string {params!r}.")
    unknown = [p for p in params if p not in known]
    if unknown:
        raise ValueError(f"Unknown parameter(s) {unknown!r}; the study has {sorted(known)!r}.")
    return list(dict.fromkeys(params))


def importance_data(
    study: Study,
    params: Sequence[str] | None,
    target: TargetFunc | None,
    *,
    include_pruned: bool = False,
) -> ImportanceData:
    """Build the evaluator inputs (rows with a finite target; see the module docstring).

    Raises:
        ValueError: no usable trial, an unknown parameter, or a multi-objective study
            without ``target``.
    """
    history = study.history
    names = check_params(history, params)
    rows = used_rows(history, include_pruned)
    y = target_values(history, rows, target, include_pruned=include_pruned)
    finite = np.isfinite(y)
    rows, y = rows[finite], y[finite]
    if len(rows) == 0:
        raise ValueError(
            "Cannot evaluate parameter importances: the study has no completed trial "
            "with a finite value."
        )
    if len(history.directions) == 1:  # with a target on several objectives: minimised
        y = y * sign_of(history.directions[0])
    if params is not None:  # explicit names: keep the trials that have all of them
        present = ~np.isnan(history.param_matrix(names)[rows]).any(axis=1)
        rows, y = rows[present], y[present]
        if len(rows) == 0:
            raise ValueError(f"No completed trial has all of the parameters {names!r}.")
    dists = [history.distributions[n] for n in names]
    x = np.empty((len(rows), len(names)))
    for j, (name, dist) in enumerate(zip(names, dists)):
        x[:, j] = scale_column(dist, history.param(name)[rows])
    return ImportanceData(names, dists, x, y)
