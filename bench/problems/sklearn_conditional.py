"""Conditional scikit-learn tuning tasks: the model family, then that family's settings.

``sklearn-cond-digits``: an SVC (kernel rbf / poly / linear; ``gamma`` only for rbf and
poly, ``degree`` only for poly), a k-nearest-neighbours classifier or a decision tree, on
600 rows of the digits data (a fixed random subsample: the full 1,797 rows
make a bad SVC take ~0.7 s per 3-fold CV), 3-fold CV error.  ``sklearn-cond-diabetes``:
the same families as regressors (SVR) on the diabetes data (442 rows), 3-fold CV mean
squared error of the standardised target, a continuous score (digits' error moves in
steps of 1/600 and has wide plateaus).  Deterministic: fixed rows, split and model seeds,
one thread; ~0.01-0.25 s of CPU per evaluation.  Only
define-by-run methods can search it (``bench.space.When``); it is not in the quality
suite's problem registry, whose adapters need flat spaces.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from bench.problems.base import Problem
from bench.space import Cat, Float, Int, Params, Space, When

N_ROWS = 600


def family_space(svm: str, c_high: float) -> Space:
    """``model`` in (svm, knn, tree), then the settings of the chosen one (``svm`` prefixes)."""
    return Space(
        (
            Cat("model", (svm, "knn", "tree")),
            Cat(f"{svm}_kernel", ("rbf", "poly", "linear")),
            Float(f"{svm}_C", 1e-3, c_high, log=True),
            Float(f"{svm}_gamma", 1e-5, 1.0, log=True),
            Int(f"{svm}_degree", 2, 5),
            Int("knn_neighbors", 1, 50, log=True),
            Cat("knn_weights", ("uniform", "distance")),
            Int("tree_max_depth", 1, 32, log=True),
            Int("tree_min_samples_leaf", 1, 32, log=True),
            Cat("tree_criterion", ("gini", "entropy") if svm == "svc" else ("squared_error",)),
        ),
        (
            When(f"{svm}_kernel", "model", (svm,)),
            When(f"{svm}_C", "model", (svm,)),
            When(f"{svm}_gamma", f"{svm}_kernel", ("rbf", "poly")),
            When(f"{svm}_degree", f"{svm}_kernel", ("poly",)),
            When("knn_neighbors", "model", ("knn",)),
            When("knn_weights", "model", ("knn",)),
            When("tree_max_depth", "model", ("tree",)),
            When("tree_min_samples_leaf", "model", ("tree",)),
            When("tree_criterion", "model", ("tree",)),
        ),
    )


SPACE = family_space("svc", 1e3)
# SVR: C up to 1e2 and at most SVR_MAX_ITER solver iterations (a linear or poly SVR with a
# large C otherwise takes ~1 s on 442 rows); the tree has one criterion (a 1-choice Cat).
REG_SPACE = family_space("svr", 1e2)
SVR_MAX_ITER = 20_000


@cache
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn import datasets

    x, y = datasets.load_digits(return_X_y=True)
    rows = np.random.default_rng(0).permutation(len(y))[:N_ROWS]
    return x[rows], y[rows]


@cache
def _diabetes() -> tuple[np.ndarray, np.ndarray]:
    """Features and target standardised (the SVR's epsilon and C assume unit scales)."""
    from sklearn import datasets

    x, y = datasets.load_diabetes(return_X_y=True)
    return x / x.std(axis=0), (y - y.mean()) / y.std()


def _svm(p: Params, svm: str) -> object:
    from sklearn.svm import SVC, SVR

    settings = dict(
        C=p[f"{svm}_C"],
        kernel=p[f"{svm}_kernel"],
        gamma=p.get(f"{svm}_gamma", "scale"),  # unused by the linear kernel
        degree=p.get(f"{svm}_degree", 3),  # used by the poly kernel only
    )
    return SVC(**settings) if svm == "svc" else SVR(**settings, max_iter=SVR_MAX_ITER)


def _model(p: Params, regression: bool) -> object:
    from sklearn import neighbors, tree

    if p["model"] in ("svc", "svr"):
        return _svm(p, str(p["model"]))
    if p["model"] == "knn":
        knn = neighbors.KNeighborsRegressor if regression else neighbors.KNeighborsClassifier
        return knn(n_neighbors=p["knn_neighbors"], weights=p["knn_weights"])
    dt = tree.DecisionTreeRegressor if regression else tree.DecisionTreeClassifier
    return dt(
        max_depth=p["tree_max_depth"],
        min_samples_leaf=p["tree_min_samples_leaf"],
        criterion=p["tree_criterion"],
        random_state=0,
    )


def _check_active(space: Space, params: Params) -> None:
    unknown = set(params) - set(space.active(params))
    if unknown:
        raise ValueError(f"inactive parameters given: {sorted(unknown)}")


def cv_error(params: Params) -> float:
    """3-fold CV error on digits (the configuration's inactive parameters must be absent)."""
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    _check_active(SPACE, params)
    x, y = _digits()
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    return float(1.0 - np.mean(cross_val_score(_model(params, False), x, y, cv=cv, n_jobs=1)))


def cv_mse(params: Params) -> float:
    """3-fold CV mean squared error on diabetes (standardised target: ~1 - R^2)."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import KFold, cross_val_score

    _check_active(REG_SPACE, params)
    x, y = _diabetes()
    cv = KFold(n_splits=3, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # SVR_MAX_ITER reached: by design
        scores = cross_val_score(
            _model(params, True), x, y, cv=cv, scoring="neg_mean_squared_error", n_jobs=1
        )
    return float(-np.mean(scores))


def make_cond_digits(seed: int = 0) -> Problem:
    return Problem("sklearn-cond-digits", SPACE, cv_error, None, group="sklearn", n_reference=24)


def make_cond_diabetes(seed: int = 0) -> Problem:
    return Problem(
        "sklearn-cond-diabetes", REG_SPACE, cv_mse, None, group="sklearn", n_reference=24
    )
