"""Real (small) tuning tasks: scikit-learn models on bundled data sets, 3-fold CV error.

Deterministic: fixed CV split and model seeds, one thread.  Each evaluation takes
~0.05-0.5 s, so these dominate the quality suite's wall time.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np

from bench.problems.base import Problem
from bench.space import Cat, Float, Int, Params, Space


@cache
def _data(name: str) -> tuple[np.ndarray, np.ndarray]:
    from sklearn import datasets

    loader = {
        "digits": datasets.load_digits,
        "breast_cancer": datasets.load_breast_cancer,
        "wine": datasets.load_wine,
    }[name]
    x, y = loader(return_X_y=True)
    return x, y


def _cv_error(model: object, data: str) -> float:
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    x, y = _data(data)
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    return float(1.0 - np.mean(cross_val_score(model, x, y, cv=cv, n_jobs=1)))


def _svc(p: Params) -> object:
    from sklearn.svm import SVC

    return SVC(C=p["C"], gamma=p["gamma"])


def _random_forest(p: Params) -> object:
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(
        n_estimators=p["n_estimators"],
        max_depth=p["max_depth"],
        min_samples_split=p["min_samples_split"],
        max_features=p["max_features"],
        criterion=p["criterion"],
        random_state=0,
        n_jobs=1,
    )


def _hist_gradient_boosting(p: Params) -> object:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        learning_rate=p["learning_rate"],
        max_leaf_nodes=p["max_leaf_nodes"],
        min_samples_leaf=p["min_samples_leaf"],
        l2_regularization=p["l2_regularization"],
        max_iter=50,
        early_stopping=False,
        random_state=0,
    )


def _decision_tree(p: Params) -> object:
    from sklearn.tree import DecisionTreeClassifier

    return DecisionTreeClassifier(
        criterion=p["criterion"],
        max_depth=p["max_depth"],
        min_samples_split=p["min_samples_split"],
        min_samples_leaf=p["min_samples_leaf"],
        max_features=p["max_features"],
        random_state=0,
    )


TASKS: dict[str, tuple[str, Callable[[Params], object], Space]] = {
    "svc-digits": (
        "digits",
        _svc,
        Space((Float("C", 1e-3, 1e3, log=True), Float("gamma", 1e-5, 1.0, log=True))),
    ),
    "rf-breast_cancer": (
        "breast_cancer",
        _random_forest,
        Space(
            (
                Int("n_estimators", 10, 100, log=True),
                Int("max_depth", 1, 16),
                Int("min_samples_split", 2, 20),
                Float("max_features", 0.05, 1.0),
                Cat("criterion", ("gini", "entropy")),
            )
        ),
    ),
    "hgb-wine": (
        "wine",
        _hist_gradient_boosting,
        Space(
            (
                Float("learning_rate", 1e-3, 1.0, log=True),
                Int("max_leaf_nodes", 2, 64, log=True),
                Int("min_samples_leaf", 1, 40),
                Float("l2_regularization", 1e-6, 10.0, log=True),
            )
        ),
    ),
    # ~10-60 ms per evaluation: a cheap tabular (int + categorical) task whose cost varies.
    "dt-digits": (
        "digits",
        _decision_tree,
        Space(
            (
                Cat("criterion", ("gini", "entropy", "log_loss")),
                Int("max_depth", 1, 32, log=True),
                Int("min_samples_split", 2, 64, log=True),
                Int("min_samples_leaf", 1, 32, log=True),
                Cat("max_features", ("sqrt", "log2", None)),
            )
        ),
    ),
}


def make_sklearn_task(task: str, seed: int = 0) -> Problem:
    data, build, space = TASKS[task]
    return Problem(
        f"sklearn-{task}",
        space,
        lambda p: _cv_error(build(p), data),
        None,
        group="sklearn",
        n_reference=24,
    )
