"""Pareto fronts of minimised objective vectors."""

from __future__ import annotations

import numpy as np


def pareto_front_mask(values: np.ndarray) -> np.ndarray:
    """Rows of ``values`` (n, m), all minimised, that no other row dominates.

    Duplicated points are all kept. 2-D runs in O(n log n); more objectives
    compare each candidate against the current front.
    """
    values = np.asarray(values, dtype=float)
    n, m = values.shape
    if n == 0:
        return np.zeros(0, dtype=bool)
    if m == 1:
        return values[:, 0] == values[:, 0].min()
    order = np.lexsort(values.T[::-1])  # by first objective, then the others
    mask = np.zeros(n, dtype=bool)
    if m == 2:
        best_second = np.inf
        last_front: np.ndarray | None = None
        for i in order:
            v = values[i]
            if v[1] < best_second:
                mask[i] = True
                best_second = v[1]
                last_front = v
            elif last_front is not None and np.array_equal(v, last_front):
                mask[i] = True  # a duplicate of a front point
        return mask
    front: list[int] = []
    for i in order:
        v = values[i]
        if front:
            f = values[front]
            dominated = np.any(np.all(f <= v, axis=1) & np.any(f < v, axis=1))
            if dominated:
                continue
        front.append(int(i))
    mask[front] = True
    return mask


def non_dominated_ranks(values: np.ndarray) -> np.ndarray:
    """Front index (0 = Pareto front) of each row, by repeated peeling."""
    values = np.asarray(values, dtype=float)
    ranks = np.full(len(values), -1, dtype=np.int64)
    remaining = np.arange(len(values))
    rank = 0
    while len(remaining):
        mask = pareto_front_mask(values[remaining])
        ranks[remaining[mask]] = rank
        remaining = remaining[~mask]
        rank += 1
    return ranks
