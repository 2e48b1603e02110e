"""The good / bad split of the history that TPE's two estimators are fitted on.

A split is any callable ``(history, exclude, constant_liar, gamma) -> (below,
above)`` returning two boolean row masks; :func:`split_single` and
:func:`split_multi` are the two built in. Both rank the finished trials:

1. COMPLETE trials by value (one objective) or non-domination rank, ties at the
   cut broken by crowding distance (several objectives);
2. then PRUNED trials by ``(-last reported step, last reported value)``: a trial
   pruned later got further and is ranked better; one with no report comes last.

With ``n`` finished (COMPLETE or PRUNED) trials, the ``gamma(n)`` best go
*below* (the good set), the rest *above*. RUNNING trials other than ``exclude``
(the trial being sampled) go *above* when ``constant_liar`` is on: workers in
parallel then avoid what the others are trying. FAIL trials and NaN values are left out;
``+-inf`` values are clipped to the finite extremes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from hypersearch.multi_objective import crowding_distance, pareto_front_mask
from hypersearch.study._direction import StudyDirection
from hypersearch.study._history import History
from hypersearch.trial._state import TrialState

Split = Callable[[History, int, bool, Callable[[int], int]], tuple[np.ndarray, np.ndarray]]


def _finite(values: np.ndarray) -> np.ndarray:
    """Clip +-inf to the finite extremes of each column (NaN kept)."""
    if np.isfinite(values[~np.isnan(values)]).all():
        return values
    out = values.copy()
    for j in range(out.shape[1]):
        col = out[:, j]
        finite = col[np.isfinite(col)]
        hi = finite.max() if len(finite) else 0.0
        lo = finite.min() if len(finite) else 0.0
        col[col == np.inf] = hi + 1.0 + abs(hi)
        col[col == -np.inf] = lo - 1.0 - abs(lo)
    return out


def _rows(history: History, exclude: int, constant_liar: bool):
    states = history.states
    values = _finite(history.signed_values())
    complete = np.flatnonzero((states == int(TrialState.COMPLETE)) & ~np.isnan(values).any(axis=1))
    pruned = np.flatnonzero(states == int(TrialState.PRUNED))
    if constant_liar:
        running = np.flatnonzero(states == int(TrialState.RUNNING))
        running = running[running != exclude]
    else:
        running = np.zeros(0, dtype=np.int64)
    return values, complete, pruned, running


def _pruned_order(history: History, pruned: np.ndarray) -> np.ndarray:
    sign = -1.0 if history.directions[0] == StudyDirection.MAXIMIZE else 1.0
    report = sign * history.last_report[pruned]
    report = np.where(np.isnan(report), np.inf, report)
    return pruned[np.lexsort((report, -history.last_step[pruned]))]


def _masks(n: int, below: np.ndarray, above: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    b = np.zeros(n, dtype=bool)
    b[below] = True
    a = np.zeros(n, dtype=bool)
    for rows in above:
        a[rows] = True
    return b, a


def split_single(
    history: History, exclude: int, constant_liar: bool, gamma: Callable[[int], int]
) -> tuple[np.ndarray, np.ndarray]:
    """Single objective: the ``gamma(n)`` best finished trials below."""
    values, complete, pruned, running = _rows(history, exclude, constant_liar)
    n_fin = len(complete) + len(pruned)
    n_below = _n_below(gamma, n_fin, n_fin)
    if n_below <= len(complete):  # only the best complete ones: a partial sort is enough
        v = values[complete, 0]
        if 0 < n_below < len(complete):
            below = complete[np.argpartition(v, n_below - 1)[:n_below]]
        else:
            below = complete[:n_below] if n_below else complete[:0]
    else:
        below = np.concatenate([complete, _pruned_order(history, pruned)[: n_below - len(complete)]])
    b, a = _masks(history.n, below, [complete, pruned, running])
    a &= ~b
    return b, a


def split_multi(
    history: History, exclude: int, constant_liar: bool, gamma: Callable[[int], int]
) -> tuple[np.ndarray, np.ndarray]:
    """Several objectives: complete trials by non-domination rank, crowding distance at the cut."""
    values, complete, pruned, running = _rows(history, exclude, constant_liar)
    n_fin = len(complete) + len(pruned)
    n_below = _n_below(gamma, n_fin, n_fin)
    chosen: list[np.ndarray] = []
    remaining = complete
    taken = 0
    while taken < n_below and len(remaining):
        front = pareto_front_mask(values[remaining])
        rows = remaining[front]
        if taken + len(rows) > n_below:
            crowd = crowding_distance(values[rows])
            rows = rows[np.argsort(-crowd, kind="stable")[: n_below - taken]]
        chosen.append(rows)
        taken += len(rows)
        remaining = remaining[~front]
    if taken < n_below:
        extra = _pruned_order(history, pruned)[: n_below - taken]
        chosen.append(extra)
    below = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)
    b, a = _masks(history.n, below, [complete, pruned, running])
    a &= ~b
    return b, a


def _n_below(gamma: Callable[[int], int], n: int, n_finished: int) -> int:
    k = int(gamma(n))
    if k < 0:
        raise ValueError(f"gamma({n}) must be >= 0, got {k}.")
    return min(k, n_finished)


__all__ = ["Split", "split_multi", "split_single"]
