"""The noisy problems of the pitfalls suite's seeds part (a helper module, not a part).

Each problem draws its noise from ``trial.seed``, so a re-evaluation with a new
seed is a new draw, and has a *true* score: the noise-free value (synthetic) or
the mean over many splits the search never sees (scikit-learn). Lower is better.

* ``branin-noise1`` / ``branin-noise3``: Branin plus N(0, sd^2), sd 1 and 3
  (homoscedastic; minimum 0.398).
* ``hetero-quad``: a quadratic bowl on [0, 1]^2 (minimum 0 at u = 0.35, v = 0.5)
  whose noise grows with ``u``: sd 0.02 + 0.6 u^2 (0.09 at the optimum, 0.62 at
  u = 1, where the mean is 0.85 worse). The shape of a learning rate: large values
  are a little worse on average and much less stable, so lucky draws come from there.
* ``svc-cancer``: an RBF SVC on scikit-learn's breast-cancer data, error on a random
  30% validation split drawn from ``trial.seed``; ``C`` and ``gamma`` on log scales.
* ``sgd-cancer``: a linear SVM trained by SGD (constant step ``eta0``, penalty
  ``alpha``, both on log scales, 10 epochs) on the same data; ``trial.seed`` draws the
  split and SGD's shuffling. Large steps train unstably: the split-to-split spread
  there is several times that of the good region (measured: 0.9 points of error at
  the best settings, 1.5-8 points at large steps).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

TRUE_SPLITS = 50  # the many-seed estimate of a scikit-learn configuration's true error
TRUE_SEED_BASE = 10**6  # true-score splits: never a seed the search draws from


@dataclass(frozen=True)
class Problem:
    name: str
    space: Callable[[Any], dict[str, float]]  # trial -> params (suggests them)
    noisy: Callable[[dict[str, float], int], float]  # (params, seed) -> observed value
    true: Callable[[dict[str, float]], float]  # params -> true value (lower is better)
    note: str


def _branin(x: float, y: float) -> float:
    a, b, c = 1.0, 5.1 / (4 * math.pi**2), 5 / math.pi
    return a * (y - b * x**2 + c * x - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x) + 10


def _branin_space(trial: Any) -> dict[str, float]:
    return {"x": trial.suggest_float("x", -5, 10), "y": trial.suggest_float("y", 0, 15)}


def _branin_problem(sd: float) -> Problem:
    def noisy(p: dict[str, float], seed: int) -> float:
        return _branin(p["x"], p["y"]) + sd * float(np.random.default_rng(seed).normal())

    return Problem(
        f"branin-noise{sd:g}",
        _branin_space,
        noisy,
        lambda p: _branin(p["x"], p["y"]),
        f"Branin + N(0, {sd:g}^2); true = noise-free",
    )


def _bowl(p: dict[str, float]) -> float:
    return 2.0 * (p["u"] - 0.35) ** 2 + (p["v"] - 0.5) ** 2


def _hetero_noisy(p: dict[str, float], seed: int) -> float:
    sd = 0.02 + 0.6 * p["u"] ** 2
    return _bowl(p) + sd * float(np.random.default_rng(seed).normal())


_DATA: dict[str, tuple[np.ndarray, np.ndarray]] = {}
_TRUE_CACHE: dict[tuple[str, tuple[float, ...]], float] = {}


def _cancer() -> tuple[np.ndarray, np.ndarray]:
    if "cancer" not in _DATA:
        from sklearn.datasets import load_breast_cancer
        from sklearn.preprocessing import StandardScaler

        x, y = load_breast_cancer(return_X_y=True)
        _DATA["cancer"] = StandardScaler().fit_transform(x), y
    return _DATA["cancer"]


def _split(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from sklearn.model_selection import train_test_split

    x, y = _cancer()
    return train_test_split(x, y, test_size=0.3, stratify=y, random_state=seed % (2**31 - 1))


def _svc_error(p: dict[str, float], seed: int) -> float:
    from sklearn.svm import SVC

    xf, xv, yf, yv = _split(seed)
    return 1.0 - float(SVC(C=p["C"], gamma=p["gamma"]).fit(xf, yf).score(xv, yv))


def _sgd_error(p: dict[str, float], seed: int) -> float:
    import warnings

    from sklearn.linear_model import SGDClassifier

    xf, xv, yf, yv = _split(seed)
    model = SGDClassifier(
        alpha=p["alpha"],
        learning_rate="constant",
        eta0=p["eta0"],
        max_iter=10,
        tol=None,
        random_state=seed % (2**31 - 1),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no convergence warnings: 10 epochs is the budget
        model.fit(xf, yf)
    return 1.0 - float(model.score(xv, yv))


def _many_splits(name: str, error: Callable[[dict[str, float], int], float]) -> Callable:
    def true(p: dict[str, float]) -> float:
        key = (name, tuple(float(p[k]) for k in sorted(p)))
        if key not in _TRUE_CACHE:
            errors = [error(p, TRUE_SEED_BASE + i) for i in range(TRUE_SPLITS)]
            _TRUE_CACHE[key] = float(np.mean(errors))
        return _TRUE_CACHE[key]

    return true


PROBLEMS = {
    "branin-noise1": _branin_problem(1.0),
    "branin-noise3": _branin_problem(3.0),
    "hetero-quad": Problem(
        "hetero-quad",
        lambda t: {"u": t.suggest_float("u", 0.0, 1.0), "v": t.suggest_float("v", 0.0, 1.0)},
        _hetero_noisy,
        _bowl,
        "bowl + N(0, (0.02 + 0.6 u^2)^2); true = noise-free",
    ),
    "svc-cancer": Problem(
        "svc-cancer",
        lambda t: {
            "C": t.suggest_float("C", 1e-2, 1e3, log=True),
            "gamma": t.suggest_float("gamma", 1e-5, 1.0, log=True),
        },
        _svc_error,
        _many_splits("svc", _svc_error),
        f"RBF SVC; observed = error on a random 30% split; true = mean over {TRUE_SPLITS} others",
    ),
    "sgd-cancer": Problem(
        "sgd-cancer",
        lambda t: {
            "alpha": t.suggest_float("alpha", 1e-6, 1.0, log=True),
            "eta0": t.suggest_float("eta0", 1e-4, 10.0, log=True),
        },
        _sgd_error,
        _many_splits("sgd", _sgd_error),
        f"SGD linear SVM; seed = split + shuffling; true = mean over {TRUE_SPLITS} other seeds",
    ),
}
