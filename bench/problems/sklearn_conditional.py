"""A conditional scikit-learn tuning task: the model family, then that family's settings.

``sklearn-cond-digits``: an SVC (kernel rbf / poly / linear; ``gamma`` only for rbf and
poly, ``degree`` only for poly), a k-nearest-neighbours classifier or a decision tree, on
600 rows of the digits data (a fixed random subsample: the full 1,797 rows
make a bad SVC take ~0.7 s per 3-fold CV), 3-fold CV error.  Deterministic: fixed rows,
split and model seeds, one thread; ~0.02-0.15 s of CPU per evaluation.  Only
define-by-run methods can search it (``bench.space.When``); it is not in the quality
suite's problem registry, whose adapters need flat spaces.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from bench.problems.base import Problem
from bench.space import Cat, Float, Int, Params, Space, When

N_ROWS = 600

SPACE = Space(
    (
        Cat("model", ("svc", "knn", "tree")),
        Cat("svc_kernel", ("rbf", "poly", "linear")),
        Float("svc_C", 1e-3, 1e3, log=True),
        Float("svc_gamma", 1e-5, 1.0, log=True),
        Int("svc_degree", 2, 5),
        Int("knn_neighbors", 1, 50, log=True),
        Cat("knn_weights", ("uniform", "distance")),
        Int("tree_max_depth", 1, 32, log=True),
        Int("tree_min_samples_leaf", 1, 32, log=True),
        Cat("tree_criterion", ("gini", "entropy")),
    ),
    (
        When("svc_kernel", "model", ("svc",)),
        When("svc_C", "model", ("svc",)),
        When("svc_gamma", "svc_kernel", ("rbf", "poly")),
        When("svc_degree", "svc_kernel", ("poly",)),
        When("knn_neighbors", "model", ("knn",)),
        When("knn_weights", "model", ("knn",)),
        When("tree_max_depth", "model", ("tree",)),
        When("tree_min_samples_leaf", "model", ("tree",)),
        When("tree_criterion", "model", ("tree",)),
    ),
)


@cache
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn import datasets

    x, y = datasets.load_digits(return_X_y=True)
    rows = np.random.default_rng(0).permutation(len(y))[:N_ROWS]
    return x[rows], y[rows]


def _model(p: Params) -> object:
    if p["model"] == "svc":
        from sklearn.svm import SVC

        kernel = p["svc_kernel"]
        return SVC(
            C=p["svc_C"],
            kernel=kernel,
            gamma=p.get("svc_gamma", "scale"),  # unused by the linear kernel
            degree=p.get("svc_degree", 3),  # used by the poly kernel only
        )
    if p["model"] == "knn":
        from sklearn.neighbors import KNeighborsClassifier

        return KNeighborsClassifier(n_neighbors=p["knn_neighbors"], weights=p["knn_weights"])
    from sklearn.tree import DecisionTreeClassifier

    return DecisionTreeClassifier(
        max_depth=p["tree_max_depth"],
        min_samples_leaf=p["tree_min_samples_leaf"],
        criterion=p["tree_criterion"],
        random_state=0,
    )


def cv_error(params: Params) -> float:
    """3-fold CV error of the configuration (its inactive parameters must be absent)."""
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    unknown = set(params) - set(SPACE.active(params))
    if unknown:
        raise ValueError(f"inactive parameters given: {sorted(unknown)}")
    x, y = _digits()
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    return float(1.0 - np.mean(cross_val_score(_model(params), x, y, cv=cv, n_jobs=1)))


def make_cond_digits(seed: int = 0) -> Problem:
    return Problem("sklearn-cond-digits", SPACE, cv_error, None, group="sklearn", n_reference=24)
