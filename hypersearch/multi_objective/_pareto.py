"""Pareto fronts and non-dominated sorting of minimised objective vectors.

A point ``q`` dominates ``p`` when ``q <= p`` in every objective and ``q != p``.
Identical points never dominate each other, so duplicates share a front.

Every function first removes duplicates with ``np.unique(axis=0)``, which also
sorts the rows lexicographically: a point can then only be dominated by points
before it. On that order:

* 2 objectives: the front is the running minimum of the second objective
  (vectorised); ranks go to the first front whose smallest second objective
  lies above the point's (binary search; fronts' minima never decrease).
* 3 objectives: each front keeps its 2-D staircase of (f2, f3); a point is
  dominated by a front iff the staircase's last point with ``f2 <= p2`` has
  ``f3 <= p3``. Fronts are nested, so the point's rank is found by binary
  search over the fronts: O(n log n log k) for k fronts.
* 4 or more: fronts are peeled one after another; each front is found by a
  vectorised filter (the first remaining point is on the front; drop what it
  dominates), handing over to a binary search over fronts with vectorised
  checks when a front is large.
* The Pareto front alone (3+ objectives) uses the same filter first.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right

import numpy as np


def _check(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if values.ndim != 2:
        raise ValueError(
            f"values must be a 2-D array (n_points, n_objectives), got shape {values.shape}."
        )
    if np.isnan(values).any():
        raise ValueError("values must not contain NaN.")
    return values


def pareto_front_mask(values: np.ndarray) -> np.ndarray:
    """Rows of ``values`` that no other row dominates (all objectives minimised).

    Args:
        values: ``(n_points, n_objectives)`` objective vectors, smaller is better.

    Returns:
        A boolean mask of length ``n_points``; duplicated front points are all kept.
    """
    values = _check(values)
    n, m = values.shape
    if n == 0:
        return np.zeros(0, dtype=bool)
    if m == 1:
        return values[:, 0] == values[:, 0].min()
    if m == 2:  # lexsort; a group of equal points is on the front iff its first is
        order = np.lexsort((values[:, 1], values[:, 0]))
        x, y = values[order, 0], values[order, 1]
        leader = np.concatenate(([True], (x[1:] != x[:-1]) | (y[1:] != y[:-1])))
        prev_min = np.concatenate(([np.inf], np.minimum.accumulate(y)[:-1]))
        on = (y < prev_min)[leader][np.cumsum(leader) - 1]
        mask = np.empty(n, dtype=bool)
        mask[order] = on
        return mask
    unique, inverse = np.unique(values, axis=0, return_inverse=True)
    return _front_nd(unique)[inverse.reshape(-1)]


def non_dominated_ranks(values: np.ndarray) -> np.ndarray:
    """Non-domination rank of each row: 0 for the Pareto front, 1 for the next, ...

    Rank ``k`` holds the rows that only rows of ranks ``< k`` dominate (the
    fronts of NSGA-II's fast non-dominated sort, computed without pairwise
    comparison of all rows).

    Args:
        values: ``(n_points, n_objectives)`` objective vectors, smaller is better.

    Returns:
        ``int64`` ranks, one per row.
    """
    values = _check(values)
    n, m = values.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if m == 1:
        return np.unique(values[:, 0], return_inverse=True)[1].reshape(-1).astype(np.int64)
    if m == 2:  # the sweep takes equal rows itself: no np.unique (pruners call this often)
        order = np.lexsort((values[:, 1], values[:, 0]))
        out = np.empty(n, dtype=np.int64)
        out[order] = _ranks_2d(values[order], False)
        return out
    unique, inverse = np.unique(values, axis=0, return_inverse=True)
    return _ranks_unique(unique)[inverse.reshape(-1)]


def _ranks_unique(points: np.ndarray, first_front_only: bool = False) -> np.ndarray:
    """Ranks of distinct, lexicographically sorted points (-1: not in front 0)."""
    m = points.shape[1]
    if m == 2:
        return _ranks_2d(points, first_front_only)
    if m == 3:
        return _ranks_3d(points, first_front_only)
    ranks = np.full(len(points), -1, dtype=np.int64)
    left = np.arange(len(points))
    rank = 0
    while len(left):  # peel fronts; each peel is the filter below
        on = _front_nd(points[left])
        ranks[left[on]] = rank
        left = left[~on]
        rank += 1
        if first_front_only:
            break
    return ranks


_FILTER_STEPS = 128


def _front_nd(points: np.ndarray) -> np.ndarray:
    """Front mask of distinct, lexicographically sorted points with 3+ objectives.

    The first remaining point is always on the front (its dominators would
    precede it and were removed only when a front point dominated them, and so
    it); each step removes what it dominates, a vectorised pass. Small fronts
    (typical of random or early-search data) finish in a few passes; after
    ``_FILTER_STEPS`` passes the survivors go to the sweep, which needs no
    pass per front point.
    """
    on = np.zeros(len(points), dtype=bool)
    idx = np.arange(len(points))
    cand = points
    for _ in range(_FILTER_STEPS):
        if len(idx) == 0:
            return on
        on[idx[0]] = True
        keep = np.any(cand[1:] < cand[0], axis=1)
        idx = idx[1:][keep]
        cand = cand[1:][keep]
    if len(idx):
        sweep = _ranks_3d if points.shape[1] == 3 else _ranks_nd
        on[idx[sweep(cand, True) == 0]] = True
    return on


def _ranks_2d(points: np.ndarray, first_front_only: bool) -> np.ndarray:
    """Ranks of lexicographically sorted 2-D points; equal points share a rank."""
    ranks = np.empty(len(points), dtype=np.int64)
    minima: list[float] = []  # smallest f2 of each front, non-decreasing
    last_x = last_y = math.nan
    k = 0
    for i, (x, y) in enumerate(zip(points[:, 0].tolist(), points[:, 1].tolist())):
        if x != last_x or y != last_y:
            k = bisect_right(minima, y)
            if k == len(minima):
                minima.append(y)
            else:
                minima[k] = y
            last_x, last_y = x, y
        ranks[i] = k
    if first_front_only:
        ranks[ranks > 0] = -1
    return ranks


class _Staircase:
    """The 2-D non-dominated points (f2 ascending, f3 descending) of one front."""

    __slots__ = ("ys", "zs")

    def __init__(self) -> None:
        self.ys: list[float] = []
        self.zs: list[float] = []

    def dominates(self, y: float, z: float) -> bool:
        i = bisect_right(self.ys, y) - 1
        return i >= 0 and self.zs[i] <= z

    def insert(self, y: float, z: float) -> None:
        lo = bisect_left(self.ys, y)
        hi = lo
        ys, zs = self.ys, self.zs
        while hi < len(ys) and zs[hi] >= z:
            hi += 1
        ys[lo:hi] = [y]
        zs[lo:hi] = [z]


def _ranks_3d(points: np.ndarray, first_front_only: bool) -> np.ndarray:
    ranks = np.full(len(points), -1, dtype=np.int64)
    fronts: list[_Staircase] = []
    ys = points[:, 1].tolist()
    zs = points[:, 2].tolist()
    for i in range(len(points)):
        y, z = ys[i], zs[i]
        lo, hi = 0, len(fronts)  # first front that does not dominate the point
        while lo < hi:
            mid = (lo + hi) // 2
            if fronts[mid].dominates(y, z):
                lo = mid + 1
            else:
                hi = mid
        if first_front_only and lo > 0:
            continue
        if lo == len(fronts):
            fronts.append(_Staircase())
        fronts[lo].insert(y, z)
        ranks[i] = lo
    return ranks


def _ranks_nd(points: np.ndarray, first_front_only: bool) -> np.ndarray:
    n, m = points.shape
    ranks = np.full(n, -1, dtype=np.int64)
    buffers: list[np.ndarray] = []
    sizes: list[int] = []
    rest = points[:, 1:]  # the first objective is already ordered
    for i in range(n):
        p = rest[i]
        lo, hi = 0, len(buffers)
        while lo < hi:
            mid = (lo + hi) // 2
            front = buffers[mid][: sizes[mid]]
            if np.any(np.all(front <= p, axis=1)):
                lo = mid + 1
            else:
                hi = mid
        if first_front_only and lo > 0:
            continue
        if lo == len(buffers):
            buffers.append(np.empty((16, m - 1)))
            sizes.append(0)
        if sizes[lo] == len(buffers[lo]):
            grown = np.empty((2 * len(buffers[lo]), m - 1))
            grown[: sizes[lo]] = buffers[lo]
            buffers[lo] = grown
        buffers[lo][sizes[lo]] = p
        sizes[lo] += 1
        ranks[i] = lo
    return ranks


def crowding_distance(values: np.ndarray) -> np.ndarray:
    """NSGA-II crowding distance of the points of one front (boundary points: inf)."""
    n, m = values.shape
    dist = np.zeros(n)
    if n <= 2:
        return np.full(n, np.inf)
    for j in range(m):
        order = np.argsort(values[:, j], kind="stable")
        col = values[order, j]
        span = col[-1] - col[0]
        dist[order[0]] = dist[order[-1]] = np.inf
        if span > 0:
            dist[order[1:-1]] += (col[2:] - col[:-2]) / span
    return dist
