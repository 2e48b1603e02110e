"""Greedy hypervolume subset selection: the ``k`` points that cover the most volume.

Choosing ``k`` of ``n`` points to maximise the hypervolume of the chosen set
(HSSP) is NP-hard beyond 2 objectives; the greedy rule (add, one at a time, the
point whose gain ``HV(S + p) - HV(S)`` is largest) reaches at least ``1 - 1/e``
of the optimum because the hypervolume is monotone and submodular (Guerreiro,
Fonseca & Paquete, "Greedy hypervolume subset selection in low dimensions",
Evolutionary Computation 2016).

The gain of ``p`` is ``prod(r - p) - HV({max(s, p) : s in S})``: the volume
``p`` dominates minus the part of it that ``S`` already covers (the points of
``S`` *limited* to ``p``'s box). Submodularity means a gain can only shrink as
``S`` grows, so gains computed earlier are upper bounds: the *lazy* greedy
re-evaluates only the candidates with the largest bounds, a batch at a time,
and takes the best fresh gain once no stale bound can beat it.

In 2 and 3 objectives the limited volumes of a batch are computed together
(see :func:`_batch_hv`); beyond, one exact hypervolume per candidate.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hypersearch.multi_objective._hypervolume import _nds_hv, _prepare

_BATCH = 16
_MAX_CELLS = 1 << 21  # floats per chunk of the batched computation


def _batch_hv(boxes: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Hypervolume of each set ``boxes[c]`` (``(c, s, m)``, ``m`` in 2, 3; rows clipped to ``ref``).

    On the grid of a set's sorted first coordinates ``x_(1) <= ... <= x_(s)``, the
    cell ``[x_(i), x_(i+1))`` is covered in the second objective from the smallest
    ``y`` among points with ``x <= x_(i)`` up to ``r_2``. In 3 objectives the points
    are added in ascending ``f3``; a running minimum over them gives that 2-D area
    after each point, and the volume is ``sum_k area_k (z_(k+1) - z_(k))``.
    O(c s^2) work, vectorised.
    """
    c, s, m = boxes.shape
    if m == 3:
        order = np.argsort(boxes[:, :, 2], axis=1, kind="stable")
        boxes = np.take_along_axis(boxes, order[:, :, None], axis=1)
    x, y = boxes[:, :, 0], boxes[:, :, 1]
    xs = np.sort(x, axis=1)
    widths = np.diff(np.concatenate([xs, np.full((c, 1), ref[0])], axis=1), axis=1)
    # heights[c, j, i]: how far point j covers cell i in y (0 when x_j > cell start)
    heights = np.where(x[:, :, None] <= xs[:, None, :], ref[1] - y[:, :, None], 0.0)
    if m == 2:
        return (heights.max(axis=1) * widths).sum(axis=1)
    np.maximum.accumulate(heights, axis=1, out=heights)  # prefix: points with the smallest f3
    areas = (heights * widths[:, None, :]).sum(axis=2)  # (c, s): area after k points
    z = boxes[:, :, 2]
    depth = np.diff(np.concatenate([z, np.full((c, 1), ref[2])], axis=1), axis=1)
    return (areas * depth).sum(axis=1)


def _gains(
    points: np.ndarray,
    cand: np.ndarray,
    chosen: list[int],
    ref: np.ndarray,
    skip_self: bool = False,
) -> np.ndarray:
    """Hypervolume gain of each row ``cand`` against the set ``points[chosen]``.

    ``skip_self``: leave each candidate itself out of ``chosen`` (its box is shrunk to
    nothing), which makes the gain its exclusive contribution to ``chosen``.
    """
    p = points[cand]
    own = np.prod(np.maximum(ref - p, 0.0), axis=1)
    if not chosen:
        return own
    limited = np.minimum(np.maximum(points[chosen][None, :, :], p[:, None, :]), ref)
    if skip_self:
        where = np.searchsorted(chosen, cand)
        limited[np.arange(len(cand)), where] = ref
    m = points.shape[1]
    if m in (2, 3):
        covered = np.empty(len(cand))
        step = max(1, _MAX_CELLS // (len(chosen) ** 2))
        for lo in range(0, len(cand), step):
            covered[lo : lo + step] = _batch_hv(limited[lo : lo + step], ref)
    else:
        covered = np.array(
            [
                _nds_hv(box[np.all(box < ref, axis=1)], ref)
                if np.any(np.all(box < ref, axis=1))
                else 0.0
                for box in limited
            ]
        )
    return np.maximum(own - covered, 0.0)


def greedy_hypervolume_subset(
    points: np.ndarray, k: int, reference_point: Sequence[float] | np.ndarray
) -> np.ndarray:
    """Indices of ``k`` rows of ``points`` picked greedily by hypervolume gain.

    Args:
        points: ``(n_points, n_objectives)``, smaller is better.
        k: How many to pick, ``0 <= k <= n_points``.
        reference_point: ``n_objectives`` values bounding the volume.

    Returns:
        ``int64`` row indices in the order they were picked. Ties (the zero gains
        of duplicates, of dominated points and of points outside the reference
        box included) go to the lower index.
    """
    points, ref = _prepare(points, reference_point)
    n = len(points)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k <= n:
        raise ValueError(f"k must be an integer in [0, {n}], got {k!r}.")
    bound = np.prod(np.maximum(ref - points, 0.0), axis=1)  # gains against the empty set
    fresh = np.ones(n, dtype=bool)  # bound is the gain against the current set
    taken = np.zeros(n, dtype=bool)
    picked: list[int] = []
    while len(picked) < k:
        open_ = np.flatnonzero(~taken)
        order = open_[np.lexsort((open_, -bound[open_]))]  # best bound first, low index on ties
        best = order[0]
        if not fresh[best]:
            stale = order[~fresh[order]][:_BATCH]
            bound[stale] = _gains(points, stale, picked, ref)
            fresh[stale] = True
            continue
        picked.append(int(best))
        taken[best] = True
        fresh[:] = False
    return np.asarray(picked, dtype=np.int64)


def hypervolume_shares(
    points: np.ndarray, reference_point: Sequence[float] | np.ndarray
) -> np.ndarray:
    """Exclusive hypervolume of each point, ``HV(P) - HV(P without it)``, batched.

    The same numbers as :func:`~hypersearch.multi_objective.hypervolume_contributions`
    (dominated, duplicated and out-of-box points get 0), computed for all points
    together in 2 and 3 objectives: O(n^3) vectorised work instead of one exact
    hypervolume per point.

    Args:
        points: ``(n_points, n_objectives)``, smaller is better.
        reference_point: ``n_objectives`` values.

    Returns:
        ``float`` contributions, one per row.
    """
    points, ref = _prepare(points, reference_point)
    n = len(points)
    if n == 0:
        return np.zeros(0)
    out = np.empty(n)
    everyone = list(range(n))
    for lo in range(0, n, _BATCH):
        rows = np.arange(lo, min(n, lo + _BATCH))
        out[rows] = _gains(points, rows, everyone, ref, skip_self=True)
    return out


__all__ = ["greedy_hypervolume_subset", "hypervolume_shares"]
