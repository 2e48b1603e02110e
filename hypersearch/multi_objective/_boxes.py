"""Disjoint boxes that tile the region a front does not dominate (for EHVI).

For a set ``P`` of minimised points and a reference point ``r``, the
non-dominated region is ``N = {y <= r : no p in P has p <= y}``. A new point
``y`` improves the hypervolume by exactly the volume of ``N`` it dominates:

    HVI(y) = vol({z : y <= z} & N) = sum_b prod_j max(0, u_bj - max(l_bj, y_j))

when ``N`` is the disjoint union of boxes ``[l_b, u_b]``. Lower bounds may be
``-inf`` (the region is unbounded below); upper bounds are finite (``<= r``).
That sum is what expected-hypervolume-improvement acquisitions integrate.

Algorithms (``k`` front points):

* 2 objectives: the staircase. With the front sorted by ``f1`` (so ``f2``
  falls), box ``i`` spans ``f1`` in ``[p_i.f1, p_{i+1}.f1]`` and ``f2`` below
  ``p_i.f2``: ``k + 1`` boxes.
* 3 objectives: a sweep along ``f3`` that keeps the 2-D staircase boxes of
  the points seen so far; inserting a point closes (at its ``f3``) the boxes
  it changes and opens their replacements, so each box is made and closed
  once: at most ``3k + 1`` boxes.
* 4 or more: the same sweep along the last objective over the generic
  ``(m-1)``-D tiling, where inserting ``p`` splits every open box ``B`` it
  cuts into ``B \\ {y >= p}`` (at most ``m - 1`` pieces). Exact, but the box
  count grows quickly with the front; callers cap the front.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

import numpy as np

from hypersearch.multi_objective._pareto import pareto_front_mask


def non_dominated_boxes(
    points: np.ndarray, reference_point: Sequence[float] | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint boxes ``[lower_b, upper_b]`` whose union is the non-dominated region.

    Args:
        points: ``(n_points, n_objectives)`` minimised objective vectors; any
            points (dominated ones, ones beyond the reference point and
            duplicates are ignored).
        reference_point: ``n_objectives`` values bounding the region above.

    Returns:
        ``(lower, upper)``, each ``(n_boxes, n_objectives)``; ``lower`` may hold
        ``-inf``. Boxes of zero volume are dropped.
    """
    points = np.asarray(points, dtype=float)
    ref = np.asarray(reference_point, dtype=float)
    if ref.ndim != 1 or len(ref) < 2 or not np.all(np.isfinite(ref)):
        raise ValueError(
            f"reference_point must be 2 or more finite numbers, got {reference_point!r}."
        )
    m = len(ref)
    if points.size == 0:
        points = points.reshape(0, m)
    if points.ndim != 2 or points.shape[1] != m:
        raise ValueError(
            f"points must have shape (n, {m}) to match the reference point, got {points.shape}."
        )
    if np.isnan(points).any():
        raise ValueError("points must not contain NaN.")
    points = points[np.all(points < ref, axis=1)]
    if len(points):
        points = np.unique(points[pareto_front_mask(points)], axis=0)
    if m == 2:
        lower, upper = _boxes_2d(points, ref)
    elif m == 3:
        lower, upper = _boxes_3d(points, ref)
    else:
        lower, upper = _boxes_nd(points, ref)
    keep = np.all(upper > lower, axis=1)
    return lower[keep], upper[keep]


def _boxes_2d(front: np.ndarray, ref: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    front = front[np.argsort(front[:, 0], kind="stable")]
    x_lo = np.r_[-np.inf, front[:, 0]]
    x_hi = np.r_[front[:, 0], ref[0]]
    y_hi = np.r_[ref[1], front[:, 1]]
    lower = np.column_stack([x_lo, np.full_like(x_lo, -np.inf)])
    upper = np.column_stack([x_hi, y_hi])
    return lower, upper


def _boxes_3d(front: np.ndarray, ref: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rx, ry, rz = (float(v) for v in ref)
    # Staircase of (f1, f2) seen so far: xs ascending, ys descending. Box j of the
    # 2-D tiling spans [x_{j-1}, x_j] x (-inf, y_{j-1}] with x_{-1} = -inf, y_{-1} = ry,
    # x_t = rx; ``starts[j]`` is the f3 level where box j opened.
    xs: list[float] = []
    ys: list[float] = []
    starts: list[float] = [-np.inf]
    closed: list[tuple[float, float, float, float, float]] = []  # x_lo, x_hi, y_hi, z_lo, z_hi

    def box(j: int) -> tuple[float, float, float]:
        x_lo = xs[j - 1] if j > 0 else -np.inf
        x_hi = xs[j] if j < len(xs) else rx
        y_hi = ys[j - 1] if j > 0 else ry
        return x_lo, x_hi, y_hi

    for px, py, pz in front[np.argsort(front[:, 2], kind="stable")].tolist():
        j = bisect_right(xs, px) - 1
        if j >= 0 and ys[j] <= py:
            continue  # dominated in (f1, f2) by an earlier (lower f3) point: no change
        lo = bisect_left(xs, px)
        hi = lo
        while hi < len(xs) and ys[hi] >= py:
            hi += 1
        # Boxes lo .. hi change: lo narrows to end at px, lo+1 .. hi vanish, and
        # a new box [px, next x] x (-inf, py] opens.
        for j in range(lo, hi + 1):
            x_lo, x_hi, y_hi = box(j)
            closed.append((x_lo, x_hi, y_hi, starts[j], pz))
        xs[lo:hi] = [px]
        ys[lo:hi] = [py]
        starts[lo : hi + 1] = [pz, pz]
    for j in range(len(xs) + 1):
        x_lo, x_hi, y_hi = box(j)
        closed.append((x_lo, x_hi, y_hi, starts[j], rz))
    arr = np.array(closed, dtype=float).reshape(-1, 5)
    lower = np.column_stack([arr[:, 0], np.full(len(arr), -np.inf), arr[:, 3]])
    upper = np.column_stack([arr[:, 1], arr[:, 2], arr[:, 4]])
    return lower, upper


def _boxes_nd(front: np.ndarray, ref: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m = len(ref)
    d = m - 1
    # Open boxes of the (m-1)-D tiling, with the last-objective level they opened at.
    lo = np.full((1, d), -np.inf)
    up = ref[:d].reshape(1, d).copy()
    start = np.array([-np.inf])
    done_lo: list[np.ndarray] = []
    done_up: list[np.ndarray] = []
    for p in front[np.argsort(front[:, d], kind="stable")]:
        q, level = p[:d], p[d]
        cut = np.all(up > q, axis=1)  # the box meets {y >= q} with volume
        if not cut.any():
            continue
        done_lo.append(np.column_stack([lo[cut], start[cut]]))
        done_up.append(np.column_stack([up[cut], np.full(int(cut.sum()), level)]))
        new_lo, new_up = [lo[~cut]], [up[~cut]]
        c_lo, c_up = lo[cut], up[cut]
        for j in range(d):  # piece j: y_i >= q_i for i < j, y_j < q_j
            piece_lo, piece_up = c_lo.copy(), c_up.copy()
            piece_lo[:, :j] = np.maximum(c_lo[:, :j], q[:j])
            piece_up[:, j] = np.minimum(c_up[:, j], q[j])
            ok = np.all(piece_up > piece_lo, axis=1)
            new_lo.append(piece_lo[ok])
            new_up.append(piece_up[ok])
        n_new = sum(len(a) for a in new_lo[1:])
        lo, up = np.vstack(new_lo), np.vstack(new_up)
        start = np.r_[start[~cut], np.full(n_new, level)]
    done_lo.append(np.column_stack([lo, start]))
    done_up.append(np.column_stack([up, np.full(len(up), ref[d])]))
    return np.vstack(done_lo), np.vstack(done_up)
