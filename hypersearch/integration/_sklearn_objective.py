"""SearchCV's objective: one trial = one configuration scored by cross-validation.

Three ways to spend a trial:

* plain: fit and score every fold, return the mean test score;
* ``pruning="folds"``: report the running mean after each fold (step = fold), so
  the pruner can stop a poor configuration after its first folds;
* ``pruning="epochs"`` (estimators with ``partial_fit``): one estimator per fold,
  all stepped one ``partial_fit`` epoch at a time; the mean test score over the
  folds is reported after each epoch (step = epoch), up to ``max_iter`` epochs.

What each fold measured is kept in the trial's user attribute ``CV_ATTR``, from
which ``cv_results_`` is built (a pruned trial keeps the folds it ran).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.exceptions import FitFailedWarning
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _num_samples

from hypersearch.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hypersearch.exceptions import TrialPruned
from hypersearch.trial._trial import Trial

CV_ATTR = "search_cv"


class FitFailed(Exception):
    """A configuration whose folds scored ``error_score`` = NaN: the trial is FAIL."""


def suggest(trial: Trial, name: str, dist: BaseDistribution) -> Any:
    """Ask ``trial`` for parameter ``name`` from ``dist`` through the public suggest API."""
    if isinstance(dist, FloatDistribution):
        return trial.suggest_float(name, dist.low, dist.high, step=dist.step, log=dist.log)
    if isinstance(dist, IntDistribution):
        return trial.suggest_int(name, dist.low, dist.high, step=dist.step, log=dist.log)
    if isinstance(dist, CategoricalDistribution):
        return trial.suggest_categorical(name, dist.choices)
    raise TypeError(f"Parameter {name!r}: unsupported distribution {dist!r}.")


@dataclass
class _FoldData:
    """One split's rows, cut once per search rather than once per fit or epoch."""

    x_train: Any
    y_train: Any
    x_test: Any
    y_test: Any
    fit_params: dict[str, Any]


@dataclass
class _Folds:
    """What the folds of one trial measured (NaN where a fold did not run)."""

    n: int
    test: list[float] = field(default_factory=list)
    train: list[float] = field(default_factory=list)
    fit_time: list[float] = field(default_factory=list)
    score_time: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def as_attr(self) -> dict[str, list[float]]:
        pad = [float("nan")] * (self.n - len(self.test))
        return {
            "test": [float(v) for v in self.test] + pad,
            "train": [float(v) for v in self.train] + pad if self.train else [],
            "fit_time": [float(v) for v in self.fit_time] + pad,
            "score_time": [float(v) for v in self.score_time] + pad,
        }


class CVObjective:
    """Callable objective for ``study.optimize``; see the module docstring."""

    def __init__(
        self,
        *,
        estimator: Any,
        distributions: Mapping[str, BaseDistribution],
        x: Any,
        y: Any,
        splits: Sequence[tuple[np.ndarray, np.ndarray]],
        scorer: Any,
        fit_params: Mapping[str, Any],
        pruning: str | None,
        max_iter: int,
        error_score: Any,
        return_train_score: bool,
    ) -> None:
        self.estimator = estimator
        self.distributions = dict(distributions)
        self.x, self.y = x, y
        self.splits = list(splits)
        self.scorer = scorer
        self.fit_params = dict(fit_params)
        self.pruning = pruning
        self.max_iter = max_iter
        self.error_score = error_score
        self.return_train_score = return_train_score
        self.classes = None if y is None else np.unique(y)
        self._parts: list[_FoldData | None] = [None] * len(self.splits)

    def __call__(self, trial: Trial) -> float:
        params = {name: suggest(trial, name, d) for name, d in self.distributions.items()}
        estimator = clone(self.estimator).set_params(**params)
        folds = _Folds(len(self.splits))
        try:
            if self.pruning == "epochs":
                self._by_epochs(trial, estimator, folds)
            else:
                self._fold_by_fold(trial, estimator, folds)
        finally:
            trial.set_user_attr(CV_ATTR, folds.as_attr())
        mean = float(np.mean(folds.test))
        if np.isnan(mean):
            raise FitFailed(
                f"a fold scored error_score={self.error_score!r}; the fit's error: "
                + (folds.errors[0] if folds.errors else "none (the scorer gave NaN)")
            )
        return mean

    # -- the three ways ----------------------------------------------------------
    def _fold_by_fold(self, trial: Trial, estimator: Any, folds: _Folds) -> None:
        for step in range(len(self.splits)):
            model = clone(estimator)
            started = time.perf_counter()
            fitted = self._fit(model, step, folds, partial=False)
            folds.fit_time.append(time.perf_counter() - started)
            self._score(model if fitted else None, step, folds)
            if self.pruning == "folds" and step < len(self.splits) - 1:
                trial.report(float(np.mean(folds.test)), step)
                if trial.should_prune():
                    raise TrialPruned()

    def _by_epochs(self, trial: Trial, estimator: Any, folds: _Folds) -> None:
        models = [clone(estimator) for _ in self.splits]
        fit_time = np.zeros(len(models))
        alive = [True] * len(models)
        for epoch in range(self.max_iter):
            measured = _Folds(len(models))
            for k in range(len(models)):
                started = time.perf_counter()
                alive[k] = alive[k] and self._fit(models[k], k, folds, partial=True)
                fit_time[k] += time.perf_counter() - started
                self._score(models[k] if alive[k] else None, k, measured)
            folds.test, folds.train = measured.test, measured.train
            folds.fit_time, folds.score_time = fit_time.tolist(), measured.score_time
            if epoch < self.max_iter - 1:
                trial.report(float(np.mean(folds.test)), epoch)
                if trial.should_prune():
                    raise TrialPruned()

    # -- one fold ------------------------------------------------------------------
    def _part(self, k: int) -> _FoldData:
        part = self._parts[k]
        if part is None:  # a race between trial threads only cuts the same rows twice
            train, test = self.splits[k]
            y_of = lambda rows: None if self.y is None else _safe_indexing(self.y, rows)  # noqa: E731
            part = _FoldData(
                _safe_indexing(self.x, train),
                y_of(train),
                _safe_indexing(self.x, test),
                y_of(test),
                _index_params(self.fit_params, train, _num_samples(self.x)),
            )
            self._parts[k] = part
        return part

    def _fit(self, model: Any, k: int, folds: _Folds, *, partial: bool) -> bool:
        part = self._part(k)
        try:
            if not partial:
                model.fit(part.x_train, part.y_train, **part.fit_params)
            elif is_classifier(model):
                model.partial_fit(
                    part.x_train, part.y_train, classes=self.classes, **part.fit_params
                )
            else:
                model.partial_fit(part.x_train, part.y_train, **part.fit_params)
        except Exception as err:
            if isinstance(self.error_score, str) and self.error_score == "raise":
                raise
            folds.errors.append(f"{type(err).__name__}: {err}")
            warnings.warn(
                f"Fitting failed; its fold scores error_score={self.error_score!r}. "
                f"The error: {folds.errors[-1]}",
                FitFailedWarning,
                stacklevel=2,
            )
            return False
        return True

    def _score(self, model: Any, k: int, folds: _Folds) -> None:
        part = self._part(k)
        started = time.perf_counter()
        folds.test.append(self._score_on(model, part.x_test, part.y_test))
        folds.score_time.append(time.perf_counter() - started)
        if self.return_train_score:
            folds.train.append(self._score_on(model, part.x_train, part.y_train))

    def _score_on(self, model: Any, x: Any, y: Any) -> float:
        if model is None:
            return float(self.error_score)
        return float(self.scorer(model, x, y))


def _index_params(params: Mapping[str, Any], rows: np.ndarray, n_samples: int) -> dict[str, Any]:
    """Fit parameters with one entry per sample (sample_weight, ...) cut to ``rows``."""
    out = {}
    for key, value in params.items():
        try:
            per_sample = _num_samples(value) == n_samples
        except TypeError:
            per_sample = False
        out[key] = _safe_indexing(value, rows) if per_sample else value
    return out
