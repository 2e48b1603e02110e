"""SearchCV: checking its arguments and building ``cv_results_`` from the study."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hypersearch.distributions import BaseDistribution, CategoricalDistribution
from hypersearch.integration._sklearn_objective import CV_ATTR
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

FINISHED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)


def check_estimator_arg(estimator: Any) -> None:
    """``estimator`` must look like a scikit-learn estimator: fit, get_params, set_params."""
    missing = [m for m in ("fit", "get_params", "set_params") if not hasattr(estimator, m)]
    if isinstance(estimator, type) or missing:
        what = "a class, not an instance" if isinstance(estimator, type) else f"no {missing}"
        raise TypeError(
            f"estimator must be a scikit-learn estimator instance (with fit, get_params and "
            f"set_params); got {estimator!r} ({what})."
        )


def check_distributions(estimator: Any, distributions: Any) -> dict[str, BaseDistribution]:
    """The search space: names must be ``estimator``'s parameters (``step__param`` for nested).

    A list or tuple is read as a categorical distribution over its items.
    """
    if not isinstance(distributions, Mapping):
        raise TypeError(
            "param_distributions must be a dict of parameter name -> distribution, "
            f"got {type(distributions).__name__}."
        )
    valid = estimator.get_params(deep=True)
    out: dict[str, BaseDistribution] = {}
    for name, dist in distributions.items():
        if name not in valid:
            raise ValueError(
                f"param_distributions has {name!r}, which is not a parameter of "
                f"{type(estimator).__name__}; its parameters are {sorted(valid)}."
            )
        if isinstance(dist, (list, tuple)):
            dist = CategoricalDistribution(dist, name=name)
        if not isinstance(dist, BaseDistribution):
            raise TypeError(
                f"param_distributions[{name!r}] must be a hypersearch distribution "
                f"(FloatDistribution, IntDistribution, CategoricalDistribution) or a list of "
                f"choices, got {dist!r}."
            )
        out[name] = dist
    return out


PRUNING_MODES = ("folds", "epochs")


def pruning_mode(enable_pruning: Any, estimator: Any) -> str | None:
    """``enable_pruning`` as a mode: None (off), ``"folds"`` (also ``True``) or ``"epochs"``."""
    if enable_pruning is False or enable_pruning is None:
        return None
    mode = "folds" if enable_pruning is True else enable_pruning
    if mode not in PRUNING_MODES:
        raise ValueError(
            f"enable_pruning must be False, True, 'folds' or 'epochs', got {enable_pruning!r}."
        )
    if mode == "epochs" and not hasattr(estimator, "partial_fit"):
        raise ValueError(
            f"enable_pruning='epochs' needs an estimator with partial_fit; "
            f"{type(estimator).__name__} has none (use 'folds')."
        )
    return str(mode)


def check_positive_int(name: str, value: Any, *, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}.")


def check_error_score(error_score: Any) -> None:
    if isinstance(error_score, str) and error_score == "raise":
        return
    if isinstance(error_score, bool) or not isinstance(error_score, numbers.Real):
        raise ValueError(f"error_score must be 'raise' or a number, got {error_score!r}.")


def build_cv_results(
    trials: Sequence[FrozenTrial], n_splits: int, return_train_score: bool
) -> dict[str, Any]:
    """The keys of scikit-learn's ``cv_results_``, one row per finished trial.

    A COMPLETE trial's ``mean_test_score`` is its value; a PRUNED or FAILED trial's is
    NaN (it ranks last) while its ``split*`` columns keep the folds it ran.
    """
    folds = [_folds(t, n_splits) for t in trials]
    results: dict[str, Any] = {}
    for key in ("fit_time", "score_time"):
        table = np.array([f["fit_time" if key == "fit_time" else "score_time"] for f in folds])
        table = table.reshape(len(trials), n_splits)
        results[f"mean_{key}"] = _nanmean_rows(table)
        results[f"std_{key}"] = _nanstd_rows(table)
    names = sorted({name for t in trials for name in t.params})
    for name in names:
        column = np.ma.MaskedArray(np.empty(len(trials), dtype=object), mask=True)
        for row, trial in enumerate(trials):
            if name in trial.params:
                column[row] = trial.params[name]
        results[f"param_{name}"] = column
    results["params"] = [dict(t.params) for t in trials]
    _add_scores(results, "test", [f["test"] for f in folds], n_splits, trials)
    results["rank_test_score"] = _rank(results["mean_test_score"])
    if return_train_score:
        _add_scores(results, "train", [f["train"] for f in folds], n_splits, trials)
    results["state"] = np.array([t.state.name for t in trials])
    results["trial_number"] = np.array([t.number for t in trials], dtype=int)
    return results


def _folds(trial: FrozenTrial, n_splits: int) -> dict[str, list[float]]:
    nan = [float("nan")] * n_splits
    stored = trial.user_attrs.get(CV_ATTR) or {}
    return {
        key: list(stored.get(key) or nan)[:n_splits] + nan[len(stored.get(key) or nan) :]
        for key in ("test", "train", "fit_time", "score_time")
    }


def _add_scores(
    results: dict[str, Any],
    kind: str,
    rows: list[list[float]],
    n_splits: int,
    trials: Sequence[FrozenTrial],
) -> None:
    table = np.array(rows, dtype=float).reshape(len(trials), n_splits)
    for k in range(n_splits):
        results[f"split{k}_{kind}_score"] = table[:, k]
    complete = np.array([t.state == TrialState.COMPLETE for t in trials], dtype=bool)
    mean = np.where(complete, table.mean(axis=1) if n_splits else np.nan, np.nan)
    if kind == "test":  # a COMPLETE trial's value is its mean test score
        values = [t.value if t.state == TrialState.COMPLETE else np.nan for t in trials]
        mean = np.array(values, dtype=float)
    results[f"mean_{kind}_score"] = mean
    results[f"std_{kind}_score"] = np.where(complete, table.std(axis=1), np.nan)


def _rank(mean: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    keyed = np.where(np.isnan(mean), np.inf, -mean)
    return np.asarray(rankdata(keyed, method="min"), dtype=np.int32)


def _nanmean_rows(table: np.ndarray) -> np.ndarray:
    out = np.full(table.shape[0], np.nan)
    ran = ~np.isnan(table).all(axis=1)
    out[ran] = np.nanmean(table[ran], axis=1)
    return out


def _nanstd_rows(table: np.ndarray) -> np.ndarray:
    out = np.full(table.shape[0], np.nan)
    ran = ~np.isnan(table).all(axis=1)
    out[ran] = np.nanstd(table[ran], axis=1)
    return out
