"""The data step of the multi-objective plots: Pareto front and hypervolume history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hypersearch.multi_objective import pareto_front_mask
from hypersearch.multi_objective._constraints import CONSTRAINTS_KEY
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState
from hypersearch.visualization._common import NO_TRIALS, check_study


@dataclass(frozen=True)
class ParetoData:
    """Completed trials' objective vectors; ``on_front`` and ``feasible`` masks per row.

    The front is computed over the feasible rows only.
    """

    names: list[str]
    values: np.ndarray  # (n, 2 or 3), in the order of ``names``
    numbers: np.ndarray
    on_front: np.ndarray
    feasible: np.ndarray
    include_dominated_trials: bool
    message: str | None = None


def pareto_front_data(
    study: Any,
    *,
    target_names: list[str] | None = None,
    include_dominated_trials: bool = True,
    axis_order: list[int] | None = None,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    targets: Callable[[FrozenTrial], Sequence[float]] | None = None,
) -> ParetoData:
    history = check_study(study).history
    directions = history.directions
    rows = np.flatnonzero(history.mask(TrialState.COMPLETE))
    if targets is None:
        if len(directions) not in (2, 3):
            raise ValueError(
                f"plot_pareto_front draws 2 or 3 objectives; this study has {len(directions)} "
                "(pass targets= to choose 2 or 3 values)."
            )
        values = history.values[rows].astype(float)
        signs = np.array([-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in directions])
    else:
        values = np.array([list(targets(history.trial(int(r)))) for r in rows], dtype=float)
        values = values.reshape(len(rows), -1)
        signs = np.ones(values.shape[1])
        if len(rows) and values.shape[1] not in (2, 3):
            raise ValueError(f"targets must return 2 or 3 values, got {values.shape[1]}.")
    m = values.shape[1] if len(rows) else (len(signs))
    names = _names(target_names, m)
    order = _axis_order(axis_order, m)
    keep = np.isfinite(values).all(axis=1) if len(rows) else np.zeros(0, bool)
    rows, values = rows[keep], values[keep]
    feasible = _feasible(history, rows, constraints_func)
    on_front = np.zeros(len(rows), dtype=bool)
    if feasible.any():
        idx = np.flatnonzero(feasible)
        on_front[idx[pareto_front_mask(values[idx] * signs)]] = True
    message = None if len(rows) else NO_TRIALS
    return ParetoData(
        [names[i] for i in order], values[:, order], rows.astype(float), on_front, feasible,
        include_dominated_trials, message,
    )  # fmt: skip


def _names(target_names: list[str] | None, m: int) -> list[str]:
    if target_names is None:
        return [f"Objective {i}" for i in range(m)]
    if len(target_names) != m:
        raise ValueError(f"target_names must hold {m} names, got {target_names!r}.")
    return list(target_names)


def _axis_order(axis_order: list[int] | None, m: int) -> list[int]:
    if axis_order is None:
        return list(range(m))
    if sorted(axis_order) != list(range(m)):
        raise ValueError(
            f"axis_order must be a permutation of {list(range(m))}, got {axis_order!r}."
        )
    return list(axis_order)


def _feasible(history: Any, rows: np.ndarray, func: Any) -> np.ndarray:
    out = np.ones(len(rows), dtype=bool)
    for k, r in enumerate(rows.tolist()):
        trial = history.trial(r)
        c = func(trial) if func is not None else trial.system_attrs.get(CONSTRAINTS_KEY)
        if c is not None:
            out[k] = bool(np.all(np.asarray(c, dtype=float) <= 0.0))
    return out


@dataclass(frozen=True)
class HypervolumeData:
    numbers: np.ndarray
    hypervolume: np.ndarray
    message: str | None = None


def hypervolume_history_data(study: Any, reference_point: Sequence[float]) -> HypervolumeData:
    from hypersearch.multi_objective import hypervolume_history

    study = check_study(study)
    if len(study.directions) < 2:
        raise ValueError("plot_hypervolume_history needs a multi-objective study.")
    hv = hypervolume_history(study, reference_point)
    if not study.history.count(TrialState.COMPLETE):
        return HypervolumeData(np.empty(0), np.empty(0), NO_TRIALS)
    return HypervolumeData(np.arange(len(hv), dtype=float), np.asarray(hv, dtype=float))
