"""SearchCV: scikit-learn's SearchCV contract, pruning, resume and bad input."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, make_regression
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier
from sklearn.model_selection import RandomizedSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import hypersearch as hs
from hypersearch.distributions import CategoricalDistribution, FloatDistribution
from hypersearch.integration import OptunaSearchCV, SearchCV

X, Y = load_iris(return_X_y=True)
C_SPACE = {"C": FloatDistribution(1e-3, 10.0, log=True)}


def _search(**kwargs):
    kwargs.setdefault("n_trials", 4)
    kwargs.setdefault("cv", 3)
    kwargs.setdefault("random_state", 0)
    return SearchCV(LogisticRegression(max_iter=300), dict(C_SPACE), **kwargs)


def test_fit_gives_sklearn_cv_results_keys_and_consistent_best():
    search = _search(return_train_score=True).fit(X, Y)
    ours = set(search.cv_results_)
    theirs = RandomizedSearchCV(
        LogisticRegression(max_iter=300), {"C": [0.1, 1.0]}, n_iter=2, cv=3, return_train_score=True
    ).fit(X, Y)
    assert set(theirs.cv_results_) <= ours
    results = search.cv_results_
    assert len(results["params"]) == search.n_trials_ == search.n_iter_ == 4
    assert results["params"][search.best_index_] == search.best_params_
    assert results["rank_test_score"][search.best_index_] == 1
    assert search.best_score_ == pytest.approx(np.max(results["mean_test_score"]))
    assert search.best_score_ == pytest.approx(search.study_.best_value)
    splits = np.array([results[f"split{k}_test_score"] for k in range(3)])
    assert np.allclose(splits.mean(axis=0), results["mean_test_score"])
    assert list(results["param_C"]) == [p["C"] for p in results["params"]]
    assert search.predict(X).shape == Y.shape and search.predict_proba(X).shape == (150, 3)
    assert search.score(X, Y) == pytest.approx(search.best_estimator_.score(X, Y))
    assert list(search.classes_) == [0, 1, 2] and search.n_features_in_ == 4
    assert search.refit_time_ > 0 and search.n_splits_ == 3
    assert OptunaSearchCV is SearchCV


def test_same_random_state_same_trials():
    first = _search(random_state=3).fit(X, Y).cv_results_["params"]
    assert _search(random_state=3).fit(X, Y).cv_results_["params"] == first


def test_scoring_and_regressor_and_scorer_name():
    x, y = make_regression(n_samples=60, n_features=4, noise=1.0, random_state=0)
    search = SearchCV(
        Ridge(),
        {"alpha": FloatDistribution(1e-3, 100.0, log=True)},
        scoring="neg_mean_absolute_error",
        n_trials=3,
        cv=2,
        random_state=0,
    ).fit(x, y)
    assert search.best_score_ < 0
    assert search.score(x, y) <= 0


def test_inside_a_pipeline_and_tuning_a_pipeline():
    inner = make_pipeline(StandardScaler(), LogisticRegression(max_iter=300))
    search = SearchCV(
        inner, {"logisticregression__C": FloatDistribution(0.01, 10.0, log=True)}, n_trials=3, cv=2
    )
    outer = make_pipeline(StandardScaler(), search).fit(X, Y)
    assert outer.score(X, Y) > 0.8
    assert "logisticregression__C" in outer[-1].best_params_


def test_clone_gives_unfitted_copy_sharing_the_study():
    study = hs.create_study(direction="maximize", sampler=hs.samplers.RandomSampler(seed=0))
    search = _search(study=study).fit(X, Y)
    twin = clone(search)
    assert twin.study is study and not hasattr(twin, "best_estimator_")
    assert twin.get_params()["estimator__max_iter"] == 300


def test_resume_a_stored_study_adds_trials(tmp_path):
    url = f"sqlite:///{tmp_path / 'search.db'}"
    study = hs.create_study(study_name="cv", storage=url, direction="maximize")
    _search(study=study, n_trials=3).fit(X, Y)
    resumed = hs.load_study(study_name="cv", storage=url)
    search = _search(study=resumed, n_trials=2).fit(X, Y)
    assert search.n_iter_ == 2 and search.n_trials_ == 5
    assert len(search.cv_results_["mean_test_score"]) == 5


def test_pruning_by_partial_fit_epochs_reports_each_epoch():
    study = hs.create_study(
        direction="maximize",
        sampler=hs.samplers.RandomSampler(seed=1),
        pruner=hs.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=0),
    )
    search = SearchCV(
        SGDClassifier(random_state=0),
        {"alpha": FloatDistribution(1e-5, 10.0, log=True)},
        enable_pruning="epochs",
        max_iter=6,
        n_trials=10,
        cv=3,
        study=study,
    ).fit(X, Y)
    states = list(search.cv_results_["state"])
    assert "PRUNED" in states and "COMPLETE" in states
    complete = study.get_trials(states=(hs.TrialState.COMPLETE,))
    assert all(sorted(t.intermediate_values) == list(range(5)) for t in complete)
    pruned = [i for i, s in enumerate(states) if s == "PRUNED"]
    assert np.isnan(search.cv_results_["mean_test_score"][pruned]).all()
    assert not np.isnan(search.cv_results_["split0_test_score"][pruned]).any()
    assert states[search.best_index_] == "COMPLETE"


@pytest.mark.parametrize(
    ("estimator", "enable_pruning"),
    [
        (LogisticRegression(max_iter=300), True),
        (SGDClassifier(random_state=0, max_iter=5, tol=None), True),  # True: folds, not epochs
        (SGDClassifier(random_state=0, max_iter=5, tol=None), "folds"),
    ],
)
def test_pruning_fold_by_fold(estimator, enable_pruning):
    name = "C" if isinstance(estimator, LogisticRegression) else "alpha"
    lower = 0.9 if name == "C" else 0.8  # 5 SGD epochs on unscaled iris: 0.7-0.96 a fold
    study = hs.create_study(
        direction="maximize",
        sampler=hs.samplers.RandomSampler(seed=0),
        pruner=hs.pruners.ThresholdPruner(lower=lower),
    )
    search = SearchCV(
        estimator,
        {name: FloatDistribution(1e-5, 10.0, log=True)},
        enable_pruning=enable_pruning,
        n_trials=8,
        cv=3,
        study=study,
    ).fit(X, Y)
    for trial in study.get_trials(states=(hs.TrialState.PRUNED,)):
        running_means = list(trial.intermediate_values.values())
        assert list(trial.intermediate_values) in ([0], [0, 1])  # a report after each fold
        assert running_means[-1] < lower <= min(running_means[:-1], default=1.0)
        row = list(search.cv_results_["trial_number"]).index(trial.number)
        assert np.isnan(search.cv_results_["split2_test_score"][row])  # the last fold never ran
    for trial in study.get_trials(states=(hs.TrialState.COMPLETE,)):
        assert list(trial.intermediate_values) == [0, 1]  # one report per fold but the last
    assert study.get_trials(states=(hs.TrialState.PRUNED,))


def test_pruning_mode_is_checked():
    with pytest.raises(ValueError, match="enable_pruning must be False, True, 'folds' or 'epochs'"):
        _search(enable_pruning="epoch").fit(X, Y)
    with pytest.raises(ValueError, match="needs an estimator with partial_fit; LogisticRegression"):
        _search(enable_pruning="epochs").fit(X, Y)


class _FailsForSomeC(LogisticRegression):
    def fit(self, X, y, sample_weight=None):
        if self.C > 1.0:
            raise RuntimeError("C too large for this test")
        return super().fit(X, y, sample_weight)


def test_error_score_number_nan_and_raise():
    space = {"C": CategoricalDistribution([0.5, 5.0])}
    study = hs.create_study(direction="maximize", sampler=hs.samplers.BruteForceSampler(seed=0))
    with pytest.warns(FitFailedWarning, match="C too large"):
        search = SearchCV(_FailsForSomeC(), space, error_score=-1.0, n_trials=2, study=study)
        search.fit(X, Y)
    assert sorted(search.cv_results_["mean_test_score"]) == [-1.0, pytest.approx(0.96, abs=0.05)]
    with pytest.warns(FitFailedWarning):
        brute = hs.create_study(direction="maximize", sampler=hs.samplers.BruteForceSampler())
        search = SearchCV(_FailsForSomeC(), {"C": [5.0, 0.5]}, n_trials=2, study=brute)
        search.fit(X, Y)
    failed = search.cv_results_["state"] == "FAIL"
    assert failed.any() and np.isnan(search.cv_results_["split0_test_score"][failed]).all()
    assert search.best_params_ == {"C": 0.5}
    with pytest.raises(RuntimeError, match="C too large"):
        SearchCV(_FailsForSomeC(), {"C": [5.0]}, error_score="raise", n_trials=1).fit(X, Y)


def test_every_fit_failing_names_the_error():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="No trial .* completed.*C too large"):
            SearchCV(_FailsForSomeC(), {"C": [5.0]}, n_trials=2).fit(X, Y)


def test_refit_false_and_callable_refit():
    search = _search(refit=False).fit(X, Y)
    assert not hasattr(search, "best_estimator_")
    with pytest.raises(AttributeError, match="refit=False"):
        search.predict(X)
    lowest = _search(refit=lambda results: int(np.argmin(results["mean_test_score"]))).fit(X, Y)
    assert lowest.best_score_ == pytest.approx(np.min(lowest.cv_results_["mean_test_score"]))


def test_threads_timeout_and_pickle():
    search = _search(n_trials=None, timeout=0.5, n_jobs=2).fit(X, Y)
    assert search.n_trials_ >= 1
    again = pickle.loads(pickle.dumps(search))
    assert not hasattr(again, "study_")
    assert np.array_equal(again.predict(X), search.predict(X))


def test_fit_params_are_cut_per_fold():
    weights = np.ones(len(Y))
    search = _search(n_trials=2).fit(X, Y, sample_weight=weights)
    assert search.best_score_ > 0.8


def test_not_an_estimator_is_refused():
    with pytest.raises(TypeError, match="estimator must be a scikit-learn estimator"):
        SearchCV(object(), {}).fit(X, Y)
    with pytest.raises(TypeError, match="a class, not an instance"):
        SearchCV(LogisticRegression, C_SPACE).fit(X, Y)


def test_distributions_must_match_the_estimator():
    with pytest.raises(ValueError, match="'gamma'.*not a parameter of LogisticRegression"):
        SearchCV(LogisticRegression(), {"gamma": FloatDistribution(0.1, 1.0)}).fit(X, Y)
    with pytest.raises(TypeError, match="Parameter 'C': choice {} has type dict"):
        SearchCV(LogisticRegression(), {"C": (0.1, 1.0, "x", {})}).fit(X, Y)
    with pytest.raises(TypeError, match=r"param_distributions\['C'\]"):
        SearchCV(LogisticRegression(), {"C": 1.0}).fit(X, Y)
    with pytest.raises(TypeError, match="must be a dict"):
        SearchCV(LogisticRegression(), [("C", 1.0)]).fit(X, Y)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_trials": 0}, "n_trials must be an integer >= 1"),
        ({"n_trials": None}, "would never end"),
        ({"max_iter": 0}, "max_iter must be"),
        ({"error_score": "ignore"}, "error_score must be 'raise' or a number"),
        ({"scoring": ["accuracy", "f1_macro"]}, "one metric"),
        ({"refit": "accuracy"}, "refit must be a bool or a callable"),
        ({"study": "cv"}, "study must be a hypersearch Study"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        _search(**kwargs).fit(X, Y)


def test_a_minimizing_study_is_refused():
    study = hs.create_study(direction="minimize")
    with pytest.raises(ValueError, match="direction='maximize'"):
        _search(study=study).fit(X, Y)
