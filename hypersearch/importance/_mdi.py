"""Mean decrease in impurity: how much a forest's splits on a parameter reduce the error."""

from __future__ import annotations

import numpy as np

from hypersearch.importance._base import BaseImportanceEvaluator, check_positive_int
from hypersearch.importance._data import ImportanceData
from hypersearch.importance._forest import fit_forest


class MeanDecreaseImpurityImportanceEvaluator(BaseImportanceEvaluator):
    """Impurity-based importances of a random forest (scikit-learn's ``feature_importances_``).

    Fast, but biased towards parameters with many distinct values. Needs
    scikit-learn (extra ``sklearn``).

    Args:
        n_trees: Trees in the forest.
        max_depth: Their maximum depth.
        seed: Seed of the forest.
    """

    def __init__(self, *, n_trees: int = 64, max_depth: int = 64, seed: int | None = None) -> None:
        self._n_trees = check_positive_int("n_trees", n_trees)
        self._max_depth = check_positive_int("max_depth", max_depth)
        self._seed = seed

    def scores(self, data: ImportanceData) -> np.ndarray:
        forest, _, _ = fit_forest(
            data, n_trees=self._n_trees, max_depth=self._max_depth, seed=self._seed
        )
        return np.asarray(forest.feature_importances_, dtype=float)
