"""A random forest on the importance arrays, and the leaf boxes of its trees.

The forest is scikit-learn's (extra ``sklearn``). Parameters a trial lacks are
put at ``-0.125``: each column with such trials gets the domain
``[-0.25, 1]``, the absent trials one cell of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from hypersearch._imports import require
from hypersearch.importance._data import ImportanceData

ABSENT = -0.125
ABSENT_LOW = -0.25


def forest_inputs(data: ImportanceData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x, low, high)``: the matrix with absent values filled and each column's domain."""
    x = data.x.copy()
    missing = np.isnan(x)
    x[missing] = ABSENT
    low = np.where(missing.any(axis=0), ABSENT_LOW, 0.0)
    high = np.ones(x.shape[1])
    return x, low, high


def fit_forest(
    data: ImportanceData, *, n_trees: int, max_depth: int, seed: int | None
) -> tuple[Any, np.ndarray, np.ndarray]:
    """A fitted ``RandomForestRegressor`` and the domain bounds of its inputs."""
    ensemble = require("sklearn.ensemble", extra="sklearn")
    x, low, high = forest_inputs(data)
    forest = ensemble.RandomForestRegressor(
        n_estimators=n_trees,
        max_depth=max_depth,
        min_samples_split=2,
        min_samples_leaf=1,
        random_state=seed,
        n_jobs=1,
    )
    forest.fit(x, data.y)
    return forest, low, high


@dataclass(frozen=True)
class LeafBoxes:
    """The leaves of one tree: ``low``/``high`` ``(n_leaves, d)`` and ``value`` ``(n_leaves,)``."""

    low: np.ndarray
    high: np.ndarray
    value: np.ndarray


def leaf_boxes(tree: Any, low: np.ndarray, high: np.ndarray) -> LeafBoxes:
    """Walk a scikit-learn tree level by level, narrowing each node's box at its split."""
    left, right = tree.children_left, tree.children_right
    feature, threshold = tree.feature, tree.threshold
    n_nodes = tree.node_count
    lo = np.empty((n_nodes, len(low)))
    hi = np.empty((n_nodes, len(high)))
    lo[0], hi[0] = low, high
    level = np.array([0])
    while len(level):
        inner = level[left[level] >= 0]
        if not len(inner):
            break
        f, t = feature[inner], threshold[inner]
        kids_l, kids_r = left[inner], right[inner]
        lo[kids_l], hi[kids_l] = lo[inner], hi[inner]
        lo[kids_r], hi[kids_r] = lo[inner], hi[inner]
        hi[kids_l, f] = np.minimum(hi[inner, f], t)
        lo[kids_r, f] = np.maximum(lo[inner, f], t)
        level = np.concatenate([kids_l, kids_r])
    leaves = np.flatnonzero(left < 0)
    return LeafBoxes(lo[leaves], hi[leaves], tree.value[leaves, 0, 0].astype(float))
