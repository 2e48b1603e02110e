"""Exact hypervolume of minimised point sets, and each point's contribution.

The hypervolume of a set ``P`` with reference point ``r`` is the Lebesgue
measure of ``{x : p <= x <= r for some p in P}``; it grows whenever a new point
improves the front, which makes it the usual single-number score of a
multi-objective search.

Algorithms:

* 2 objectives: sort the front by f1; the area is a sum of rectangles, O(n log n).
* 3 objectives: a sweep along f3 that keeps the 2-D staircase of (f1, f2) and
  its dominated area, updated as points arrive (each point is inserted and
  removed once): O(n log n) comparisons.
* 4: a sweep along f4 over 3-D cross-sections (HSO with the 3-D base).
* 5 or more: WFG (While, Bradstreet & Barone 2012): the volume is the sum of
  exclusive volumes ``incl(p_k) - HV(nds(limit(p_{k+1..}, p_k)))``, recursing
  until the 3-D sweep takes over.

When to use which: :func:`hypervolume` to score a study (or compare samplers);
:func:`hypervolume_contributions` to select points (the smallest exclusive
contribution is the least useful point of a front).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

import numpy as np

from hypersearch.multi_objective._pareto import pareto_front_mask


def _prepare(
    points: np.ndarray, reference_point: Sequence[float] | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    points = np.asarray(points, dtype=float)
    ref = np.asarray(reference_point, dtype=float)
    if points.ndim == 1 and points.size == 0:
        points = points.reshape(0, len(ref))
    if points.ndim != 2:
        raise ValueError(
            f"points must be a 2-D array (n_points, n_objectives), got shape {points.shape}."
        )
    if ref.ndim != 1 or len(ref) != points.shape[1]:
        raise ValueError(
            f"reference_point must have one value per objective ({points.shape[1]}), got {reference_point!r}."
        )
    if np.isnan(points).any() or np.isnan(ref).any():
        raise ValueError("points and reference_point must not contain NaN.")
    return points, ref


def hypervolume(points: np.ndarray, reference_point: Sequence[float] | np.ndarray) -> float:
    """Volume dominated by ``points`` (minimised) and bounded by ``reference_point``.

    Points not strictly better than the reference in every objective add nothing.

    Args:
        points: ``(n_points, n_objectives)``, smaller is better.
        reference_point: ``n_objectives`` values, worse than the points of interest.

    Returns:
        The hypervolume, ``0.0`` when no point dominates the reference point.
    """
    points, ref = _prepare(points, reference_point)
    points = points[np.all(points < ref, axis=1)]
    if len(points) == 0:
        return 0.0
    if points.shape[1] == 1:
        return float(ref[0] - points[:, 0].min())
    if points.shape[1] == 2:  # sort by (f1, f2); the front is where f2 hits a new minimum
        order = np.lexsort((points[:, 1], points[:, 0]))
        x, y = points[order, 0], points[order, 1]
        prev = np.concatenate(([ref[1]], np.minimum.accumulate(y)[:-1]))
        on = y < prev
        return _hv2d(np.column_stack([x[on], y[on]]), ref)
    points = np.unique(points[pareto_front_mask(points)], axis=0)
    return _hv(points, ref)


def _hv(front: np.ndarray, ref: np.ndarray) -> float:
    """Hypervolume of distinct, mutually non-dominated points, all below ``ref``."""
    n, m = front.shape
    if n == 1:
        return float(np.prod(ref - front[0]))
    if m == 2:
        return _hv2d(front, ref)
    if m == 3:
        return _hv3d(front, ref)
    if m == 4:
        return _slice4d(front, ref)
    return _wfg(front, ref)


def _hv2d(front: np.ndarray, ref: np.ndarray) -> float:
    order = np.argsort(front[:, 0], kind="stable")
    x = front[order, 0]
    y = front[order, 1]  # decreasing along a front
    widths = np.diff(np.append(x, ref[0]))
    return float(np.sum(widths * (ref[1] - y)))


def _hv3d(points: np.ndarray, ref: np.ndarray) -> float:
    order = np.argsort(points[:, 2], kind="stable")
    xs_all = points[order, 0].tolist()
    ys_all = points[order, 1].tolist()
    zs_all = points[order, 2].tolist() + [float(ref[2])]
    rx, ry = float(ref[0]), float(ref[1])
    xs: list[float] = []  # staircase: x ascending, y descending
    ys: list[float] = []
    area = 0.0
    volume = 0.0
    for i in range(len(xs_all)):
        px, py = xs_all[i], ys_all[i]
        j = bisect_right(xs, px) - 1
        if not (j >= 0 and ys[j] <= py):
            lo = bisect_left(xs, px)
            hi = lo
            while hi < len(xs) and ys[hi] >= py:
                hi += 1
            right_x = xs[hi] if hi < len(xs) else rx
            left_y = ys[lo - 1] if lo > 0 else ry
            before = 0.0
            seg_x = px
            seg_h = ry - left_y
            for k in range(lo, hi):
                before += (xs[k] - seg_x) * seg_h
                seg_x = xs[k]
                seg_h = ry - ys[k]
            before += (right_x - seg_x) * seg_h
            area += (right_x - px) * (ry - py) - before
            xs[lo:hi] = [px]
            ys[lo:hi] = [py]
        volume += area * (zs_all[i + 1] - zs_all[i])
    return volume


def _slice4d(points: np.ndarray, ref: np.ndarray) -> float:
    # Sweep along f4: between consecutive f4 levels the cross-section is the
    # 3-D volume of the points seen so far.
    points = points[np.argsort(points[:, 3], kind="stable")]
    levels = np.append(points[:, 3], ref[3])
    volume = 0.0
    for i in range(len(points)):
        height = levels[i + 1] - levels[i]
        if height > 0:
            volume += _nds_hv(points[: i + 1, :3], ref[:3]) * height
    return volume


def _wfg(front: np.ndarray, ref: np.ndarray) -> float:
    # Worst-first in the first objective keeps the limited sets small.
    front = front[np.argsort(-front[:, 0], kind="stable")]
    total = 0.0
    for k in range(len(front)):
        p = front[k]
        total += float(np.prod(ref - p))
        rest = front[k + 1 :]
        if len(rest):
            total -= _nds_hv(np.maximum(rest, p), ref)
    return total


def _nds_hv(points: np.ndarray, ref: np.ndarray) -> float:
    points = np.unique(points, axis=0)
    if len(points) > 1:
        points = points[pareto_front_mask(points)]
    return _hv(points, ref)


def hypervolume_contributions(
    points: np.ndarray, reference_point: Sequence[float] | np.ndarray
) -> np.ndarray:
    """Exclusive hypervolume of each point: ``HV(P) - HV(P without the point)``.

    Dominated points, points outside the reference box and duplicated points
    contribute 0 (removing one copy loses nothing).

    Args:
        points: ``(n_points, n_objectives)``, smaller is better.
        reference_point: ``n_objectives`` values.

    Returns:
        ``float`` contributions, one per row.
    """
    points, ref = _prepare(points, reference_point)
    n, m = points.shape
    out = np.zeros(n)
    inside = np.flatnonzero(np.all(points < ref, axis=1))
    if len(inside) == 0:
        return out
    sub = points[inside]
    front = inside[pareto_front_mask(sub)]
    _, first, counts = np.unique(points[front], axis=0, return_index=True, return_counts=True)
    rows = front[first[counts == 1]]  # a duplicated point loses nothing when one copy goes
    for r in rows:
        p = points[r]
        others = sub[np.any(sub != p, axis=1)]
        excl = float(np.prod(ref - p))
        if len(others):
            excl -= _nds_hv(np.maximum(others, p), ref)
        out[r] = max(excl, 0.0)
    return out
