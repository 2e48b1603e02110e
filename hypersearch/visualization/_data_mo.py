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
    """The hypervolume after each trial (2 objectives: one sorted sweep; more: the library's)."""
    from hypersearch.multi_objective import hypervolume_history

    study = check_study(study)
    history = study.history
    m = len(history.directions)
    if m < 2:
        raise ValueError("plot_hypervolume_history needs a multi-objective study.")
    ref = np.asarray(reference_point, dtype=float)
    if ref.shape != (m,) or not np.isfinite(ref).all():
        raise ValueError(f"reference_point must hold {m} finite numbers, got {reference_point!r}.")
    if not history.count(TrialState.COMPLETE):
        return HypervolumeData(np.empty(0), np.empty(0), NO_TRIALS)
    if m != 2:
        hv = np.asarray(hypervolume_history(study, reference_point), dtype=float)
        return HypervolumeData(np.arange(len(hv), dtype=float), hv)
    signs = np.array([-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in history.directions])
    values = history.values * signs
    ref = ref * signs
    usable = history.mask(TrialState.COMPLETE) & np.all(values < ref, axis=1)
    rows = np.flatnonzero(usable)
    usable[rows[~_feasible(history, rows, None)]] = False
    return HypervolumeData(
        np.arange(history.n, dtype=float), sweep_hypervolume_2d(values, usable, ref)
    )


def sweep_hypervolume_2d(values: np.ndarray, usable: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Hypervolume (minimisation) of the usable rows up to each row, kept as a sorted front.

    A new point adds the area of its box ``[p, ref]`` that the front does not
    cover yet; the front points it dominates leave the front. Each point enters
    and leaves at most once, so the sweep is ``O(n log n)``.
    """
    import bisect

    xs: list[float] = []  # front sorted by the first objective; second decreasing
    ys: list[float] = []
    out = np.empty(len(values))
    total = 0.0
    r1, r2 = float(ref[0]), float(ref[1])
    for i in range(len(values)):
        if usable[i]:
            p1, p2 = float(values[i, 0]), float(values[i, 1])
            k = bisect.bisect_right(xs, p1)
            ceiling = ys[k - 1] if k else r2
            if ceiling > p2:  # not weakly dominated by the point before it
                x, h, j = p1, ceiling, k
                while j < len(xs) and ys[j] >= p2:  # dominated by p: leaves the front
                    total += (xs[j] - x) * (h - p2)
                    x, h = xs[j], ys[j]
                    j += 1
                end = xs[j] if j < len(xs) else r1
                total += (end - x) * (h - p2)
                xs[k:j] = [p1]
                ys[k:j] = [p2]
        out[i] = total
    return out
