"""scikit-learn: :class:`SearchCV`, a hyperparameter search by cross-validation.

``SearchCV(estimator, param_distributions).fit(X, y)`` runs a study whose
trials each score one configuration by cross-validation, then refits the best
one on all the data. It is a drop-in for scikit-learn's ``RandomizedSearchCV``
(same ``cv_results_`` keys, ``best_*_`` attributes and delegated methods) and
for Optuna's ``OptunaSearchCV`` (also importable under that name).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from copy import deepcopy
from typing import Any

import numpy as np

from hypersearch._imports import require

require("sklearn", extra="sklearn")

from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier  # noqa: E402
from sklearn.metrics import check_scoring  # noqa: E402
from sklearn.model_selection import check_cv  # noqa: E402
from sklearn.utils import check_random_state  # noqa: E402
from sklearn.utils.metaestimators import available_if  # noqa: E402
from sklearn.utils.validation import check_is_fitted, indexable  # noqa: E402

from hypersearch.distributions import BaseDistribution  # noqa: E402
from hypersearch.integration._sklearn_objective import CVObjective, FitFailed  # noqa: E402
from hypersearch.integration._sklearn_results import (  # noqa: E402
    FINISHED,
    build_cv_results,
    check_distributions,
    check_error_score,
    check_estimator_arg,
    check_positive_int,
    pruning_mode,
)
from hypersearch.study._direction import StudyDirection  # noqa: E402
from hypersearch.study._study import Study  # noqa: E402

__all__ = ["OptunaSearchCV", "SearchCV"]


def _delegates(method: str) -> Callable[[Any], bool]:
    """available_if check: the refit best estimator (or, before fit, the estimator) has it."""

    def check(self: SearchCV) -> bool:
        if hasattr(self, "best_estimator_"):
            getattr(self.best_estimator_, method)
        else:
            getattr(self.estimator, method)
        return True

    return check


class SearchCV(MetaEstimatorMixin, BaseEstimator):
    """Hyperparameter search by cross-validation, driven by a hypersearch study.

    Args:
        estimator: A scikit-learn estimator (or Pipeline) to tune.
        param_distributions: Parameter name (``step__param`` inside a Pipeline) ->
            hypersearch distribution (``FloatDistribution``, ``IntDistribution``,
            ``CategoricalDistribution``) or a list of choices.
        cv: Anything ``sklearn.model_selection.check_cv`` takes (default 5 folds,
            stratified for classifiers).
        enable_pruning: Report and prune inside a trial. ``"folds"`` (or ``True``):
            report the running mean test score after each fold, so a poor configuration
            stops after its first folds; works with every estimator and never costs
            more fits than plain CV. ``"epochs"``: step all folds together one
            ``partial_fit`` epoch at a time (up to ``max_iter``) and report after each
            epoch; it pays only when an epoch costs far more than scikit-learn's
            per-call overhead of ``partial_fit`` and scoring (large data). ``False``: no
            pruning.
        error_score: ``"raise"`` or the score of a fold whose fit fails (NaN fails the trial).
        max_iter: Epochs per trial with ``enable_pruning="epochs"``.
        n_jobs: Trials run at once (threads).
        n_trials: Trials this ``fit`` runs (None: until ``timeout``).
        random_state: Seed of the default sampler (int, RandomState or None).
        refit: Refit the best configuration on the whole data (``best_estimator_``);
            a callable ``refit(cv_results_) -> index`` picks the row instead.
        return_train_score: Also score each fold's training part.
        scoring: One metric: a scorer name, a callable ``scorer(est, X, y)`` or None
            (the estimator's ``score``).
        study: A maximizing study to run in (resume a stored one); default: a new
            in-memory study with TPE seeded by ``random_state``. ``clone`` shares it.
        timeout: Seconds after which no new trial starts.
        callbacks: ``callback(study, frozen_trial)`` after each trial.
        catch: Exception types that fail a trial without stopping the search.

    Attributes:
        cv_results_: scikit-learn's keys (``mean_test_score``, ``split0_test_score``,
            ``params``, ``param_<name>``, ``rank_test_score``, fit / score times, ...)
            plus ``state`` and ``trial_number``; one row per finished trial of the study.
        best_index_, best_params_, best_score_, best_estimator_, refit_time_,
        scorer_, n_splits_, study_ (not pickled), trials_, n_trials_ (finished trials of
            the study), n_iter_ (trials this fit ran), multimetric_.
    """

    def __init__(
        self,
        estimator: Any,
        param_distributions: Mapping[str, BaseDistribution | list[Any]],
        *,
        cv: Any = None,
        enable_pruning: bool | str = False,
        error_score: Any = np.nan,
        max_iter: int = 100,
        n_jobs: int = 1,
        n_trials: int | None = 10,
        random_state: Any = None,
        refit: bool | Callable[[dict[str, Any]], int] = True,
        return_train_score: bool = False,
        scoring: Any = None,
        study: Study | None = None,
        timeout: float | None = None,
        callbacks: Iterable[Callable[..., None]] | None = None,
        catch: tuple[type[BaseException], ...] = (),
    ) -> None:
        self.estimator = estimator
        self.param_distributions = param_distributions
        self.cv = cv
        self.enable_pruning = enable_pruning
        self.error_score = error_score
        self.max_iter = max_iter
        self.n_jobs = n_jobs
        self.n_trials = n_trials
        self.random_state = random_state
        self.refit = refit
        self.return_train_score = return_train_score
        self.scoring = scoring
        self.study = study
        self.timeout = timeout
        self.callbacks = callbacks
        self.catch = catch

    # -- scikit-learn protocol -------------------------------------------------------
    def __sklearn_tags__(self) -> Any:
        from sklearn.utils import get_tags

        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags = deepcopy(inner.classifier_tags)
        tags.regressor_tags = deepcopy(inner.regressor_tags)
        tags.target_tags = deepcopy(inner.target_tags)
        tags.input_tags.pairwise = inner.input_tags.pairwise
        tags.input_tags.sparse = inner.input_tags.sparse
        return tags

    def __sklearn_clone__(self) -> SearchCV:
        """A clone with unfitted copies of every parameter except ``study``, which it shares."""
        params = self.get_params(deep=False)
        study = params.pop("study")
        return type(self)(**{k: clone(v, safe=False) for k, v in params.items()}, study=study)

    # -- fitting ---------------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None, groups: Any = None, **fit_params: Any) -> SearchCV:
        """Run ``n_trials`` trials (each a cross-validation), then refit the best one.

        Args:
            X: Training data.
            y: Targets (None for unsupervised estimators).
            groups: Group labels for group-aware ``cv`` splitters.
            **fit_params: Passed to the estimator's ``fit`` (per-sample ones cut per fold).
        """
        distributions = self._check_args()
        X, y = indexable(X, y)
        splitter = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        splits = list(splitter.split(X, y, groups))
        self.n_splits_ = len(splits)
        self.scorer_ = check_scoring(self.estimator, scoring=self.scoring)
        self.multimetric_ = False
        study = self._study()
        n_before = len(study.get_trials(deepcopy=False, states=FINISHED))
        objective = CVObjective(
            estimator=self.estimator,
            distributions=distributions,
            x=X,
            y=y,
            splits=splits,
            scorer=self.scorer_,
            fit_params=fit_params,
            pruning=pruning_mode(self.enable_pruning, self.estimator),
            max_iter=self.max_iter,
            error_score=self.error_score,
            return_train_score=self.return_train_score,
        )
        study.optimize(
            objective,
            n_trials=self.n_trials,
            timeout=self.timeout,
            n_jobs=self.n_jobs,
            catch=(FitFailed, *tuple(self.catch)),
            callbacks=self.callbacks,
        )
        self.study_ = study
        self._set_results(study, n_before)
        if self.refit:
            self._refit(X, y, fit_params)
        return self

    def __getstate__(self) -> dict[str, Any]:
        """Pickles without the live study (its storage holds locks and connections)."""
        state = dict(super().__getstate__())
        state.pop("study_", None)
        return state

    def _check_args(self) -> dict[str, BaseDistribution]:
        check_estimator_arg(self.estimator)
        distributions = check_distributions(self.estimator, self.param_distributions)
        check_positive_int("n_trials", self.n_trials, allow_none=True)
        check_positive_int("max_iter", self.max_iter)
        check_error_score(self.error_score)
        if self.n_trials is None and self.timeout is None:
            raise ValueError("n_trials and timeout are both None: the search would never end.")
        if isinstance(self.scoring, (list, tuple, set, dict)):
            raise ValueError(
                f"scoring must be one metric (a name, a callable or None), got {self.scoring!r}; "
                "SearchCV does not do multi-metric searches."
            )
        if not (isinstance(self.refit, bool) or callable(self.refit)):
            raise ValueError(f"refit must be a bool or a callable, got {self.refit!r}.")
        return distributions

    def _study(self) -> Study:
        if self.study is None:
            from hypersearch.samplers import TPESampler
            from hypersearch.study._api import create_study

            seed = None
            if self.random_state is not None:
                seed = int(check_random_state(self.random_state).randint(2**31 - 1))
            return create_study(direction="maximize", sampler=TPESampler(seed=seed))
        if not isinstance(self.study, Study):
            raise TypeError(f"study must be a hypersearch Study or None, got {self.study!r}.")
        if self.study.directions != [StudyDirection.MAXIMIZE]:
            raise ValueError(
                f"study {self.study.study_name!r} must have direction='maximize' "
                "(scikit-learn scores are higher-is-better)."
            )
        return self.study

    def _set_results(self, study: Study, n_before: int) -> None:
        trials = study.get_trials(deepcopy=False, states=FINISHED)
        self.trials_ = trials
        self.n_trials_ = len(trials)
        self.n_iter_ = len(trials) - n_before
        self.cv_results_ = build_cv_results(trials, self.n_splits_, self.return_train_score)
        if callable(self.refit):
            self.best_index_ = int(self.refit(self.cv_results_))
        else:
            mean = self.cv_results_["mean_test_score"]
            if len(mean) == 0 or np.isnan(mean).all():
                raise ValueError(_none_completed(study.study_name, trials))
            self.best_index_ = int(np.flatnonzero(self.cv_results_["rank_test_score"] == 1)[0])
        self.best_params_ = dict(self.cv_results_["params"][self.best_index_])
        self.best_score_ = float(self.cv_results_["mean_test_score"][self.best_index_])
        self.best_trial_ = trials[self.best_index_]

    def _refit(self, X: Any, y: Any, fit_params: Mapping[str, Any]) -> None:
        estimator = clone(self.estimator).set_params(**self.best_params_)
        started = time.perf_counter()
        if y is None:
            estimator.fit(X, **fit_params)
        else:
            estimator.fit(X, y, **fit_params)
        self.refit_time_ = time.perf_counter() - started
        self.best_estimator_ = estimator

    # -- delegation to the refit best estimator --------------------------------------------
    def _best(self, method: str) -> Any:
        check_is_fitted(self)
        if not self.refit:
            raise AttributeError(
                f"{method} is not available with refit=False; call fit with refit=True."
            )
        return getattr(self.best_estimator_, method)

    @property
    def classes_(self) -> np.ndarray:
        """The refit best estimator's classes."""
        return self._best("classes_")  # type: ignore[no-any-return]

    @property
    def n_features_in_(self) -> int:
        """Features seen by the refit best estimator."""
        return self._best("n_features_in_")  # type: ignore[no-any-return]

    @property
    def feature_names_in_(self) -> np.ndarray:
        return self._best("feature_names_in_")  # type: ignore[no-any-return]

    @available_if(_delegates("predict"))
    def predict(self, X: Any) -> Any:
        """``best_estimator_.predict``."""
        return self._best("predict")(X)

    @available_if(_delegates("predict_proba"))
    def predict_proba(self, X: Any) -> Any:
        """``best_estimator_.predict_proba``."""
        return self._best("predict_proba")(X)

    @available_if(_delegates("predict_log_proba"))
    def predict_log_proba(self, X: Any) -> Any:
        """``best_estimator_.predict_log_proba``."""
        return self._best("predict_log_proba")(X)

    @available_if(_delegates("decision_function"))
    def decision_function(self, X: Any) -> Any:
        """``best_estimator_.decision_function``."""
        return self._best("decision_function")(X)

    @available_if(_delegates("transform"))
    def transform(self, X: Any) -> Any:
        """``best_estimator_.transform``."""
        return self._best("transform")(X)

    @available_if(_delegates("inverse_transform"))
    def inverse_transform(self, X: Any) -> Any:
        """``best_estimator_.inverse_transform``."""
        return self._best("inverse_transform")(X)

    @available_if(_delegates("score_samples"))
    def score_samples(self, X: Any) -> Any:
        """``best_estimator_.score_samples``."""
        return self._best("score_samples")(X)

    def score(self, X: Any, y: Any = None) -> float:
        """The search's scorer on ``(X, y)`` with the refit best estimator."""
        self._best("fit")
        return float(self.scorer_(self.best_estimator_, X, y))


def _none_completed(study_name: str, trials: list[Any]) -> str:
    reasons = sorted({str(t.system_attrs.get("fail_reason", t.state.name)) for t in trials})
    return (
        f"No trial of study {study_name!r} completed ({len(trials)} finished: every fit failed "
        f"or was pruned). Their reasons: {'; '.join(reasons)[:2000]}"
    )


OptunaSearchCV = SearchCV
"""Optuna's name for :class:`SearchCV` (same class)."""
