r"""fANOVA (Hutter et al., 2014): the variance of each parameter's marginal over a forest.

A regression tree cuts the (scaled) search space into boxes, each with a constant
prediction. With :math:`|B|` a box's volume as a fraction of the space, the tree's
mean is :math:`\mu = \sum_B |B| v_B` and its variance :math:`V = \sum_B |B|(v_B -
\mu)^2`. The marginal of parameter :math:`d`, averaged over all other parameters,
is piecewise constant between the tree's split points on :math:`d`:

.. math:: m_d(x) = \sum_{B \ni x} v_B \, |B| / w_{B,d},

with :math:`w_{B,d}` the box's width along :math:`d` (as a fraction of the domain).
Its variance :math:`V_d = \int (m_d - \mu)^2` over :math:`V` is the fraction of
the tree's variance that :math:`d` explains alone (its main effect); the
importance is the mean fraction over the trees. The marginal is built with a
difference array over the sorted box edges, so a tree costs
:math:`O(L \log L)` per parameter for :math:`L` leaves.
"""

from __future__ import annotations

import numpy as np

from hypersearch.importance._base import BaseImportanceEvaluator, check_positive_int
from hypersearch.importance._data import ImportanceData
from hypersearch.importance._forest import LeafBoxes, fit_forest, leaf_boxes


class FanovaImportanceEvaluator(BaseImportanceEvaluator):
    """fANOVA importances on a random forest (see the module docstring).

    Needs scikit-learn (extra ``sklearn``).

    Args:
        n_trees: Trees in the forest.
        max_depth: Their maximum depth.
        seed: Seed of the forest (bootstrap and feature draws).
    """

    def __init__(self, *, n_trees: int = 64, max_depth: int = 64, seed: int | None = None) -> None:
        self._n_trees = check_positive_int("n_trees", n_trees)
        self._max_depth = check_positive_int("max_depth", max_depth)
        self._seed = seed

    def scores(self, data: ImportanceData) -> np.ndarray:
        forest, low, high = fit_forest(
            data, n_trees=self._n_trees, max_depth=self._max_depth, seed=self._seed
        )
        fractions = []
        for estimator in forest.estimators_:
            boxes = leaf_boxes(estimator.tree_, low, high)
            result = main_effect_fractions(boxes, low, high)
            if result is not None:
                fractions.append(result)
        if not fractions:
            return np.zeros(len(data.names))
        return np.mean(fractions, axis=0)


def main_effect_fractions(boxes: LeafBoxes, low: np.ndarray, high: np.ndarray) -> np.ndarray | None:
    """``V_d / V`` for every parameter of one tree; None for a constant tree."""
    span = high - low
    widths = (boxes.high - boxes.low) / span
    volume = np.prod(widths, axis=1)
    mean = float(volume @ boxes.value)
    total = float(volume @ (boxes.value - mean) ** 2)
    if total <= 0.0:
        return None
    out = np.empty(len(span))
    for d in range(len(span)):
        edges = np.unique(np.concatenate([boxes.low[:, d], boxes.high[:, d]]))
        start = np.searchsorted(edges, boxes.low[:, d])
        stop = np.searchsorted(edges, boxes.high[:, d])
        contribution = boxes.value * volume / widths[:, d]
        steps = np.bincount(start, contribution, len(edges)) - np.bincount(
            stop, contribution, len(edges)
        )
        marginal = np.cumsum(steps)[:-1]
        cell = np.diff(edges) / span[d]
        out[d] = float(cell @ (marginal - mean) ** 2) / total
    return out
