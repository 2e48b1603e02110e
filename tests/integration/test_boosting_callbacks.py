"""XGBoost and LightGBM pruning callbacks, native APIs and scikit-learn wrappers."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pytest
import xgboost as xgb
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

import hypersearch as hs
from hypersearch.integration import LightGBMPruningCallback, XGBoostPruningCallback

X, Y = make_classification(n_samples=300, n_features=8, random_state=0)
X_TR, X_VA, Y_TR, Y_VA = train_test_split(X, Y, random_state=0)
ROUNDS = 12


def _study(direction="minimize", prune_from=4):
    # ThresholdPruner: prunes every trial once its reports pass a bound: deterministic
    return hs.create_study(
        direction=direction,
        pruner=hs.pruners.ThresholdPruner(upper=0.0, n_warmup_steps=prune_from)
        if direction == "minimize"
        else hs.pruners.ThresholdPruner(lower=2.0, n_warmup_steps=prune_from),
    )


def _run(study, fit):
    study.optimize(fit, n_trials=1)
    return study.trials[0]


def test_xgboost_native_reports_each_round_and_prunes():
    def fit(trial):
        dtrain, dvalid = xgb.DMatrix(X_TR, Y_TR), xgb.DMatrix(X_VA, Y_VA)
        params = {"objective": "binary:logistic", "eval_metric": ["auc", "logloss"]}
        cb = XGBoostPruningCallback(trial, "validation-logloss")
        xgb.train(params, dtrain, ROUNDS, evals=[(dvalid, "validation")], callbacks=[cb])
        return 0.0

    trial = _run(_study(), fit)
    assert trial.state == hs.TrialState.PRUNED
    assert sorted(trial.intermediate_values) == [0, 1, 2, 3, 4]
    assert all(0 < v < 1 for v in trial.intermediate_values.values())


def test_xgboost_sklearn_wrapper_defaults_to_last_set_last_metric():
    seen = {}

    def fit(trial):
        cb = XGBoostPruningCallback(trial)
        model = xgb.XGBClassifier(n_estimators=6, eval_metric=["logloss", "auc"], callbacks=[cb])
        model.fit(X_TR, Y_TR, eval_set=[(X_TR, Y_TR), (X_VA, Y_VA)], verbose=False)
        seen.update(model.evals_result()["validation_1"])
        return 1.0

    study = hs.create_study(direction="maximize", pruner=hs.pruners.NopPruner())
    trial = _run(study, fit)
    assert trial.state == hs.TrialState.COMPLETE
    assert [trial.intermediate_values[i] for i in range(6)] == pytest.approx(seen["auc"])


def test_xgboost_unknown_key_is_named():
    def fit(trial):
        cb = XGBoostPruningCallback(trial, "validation-nope")
        dvalid = xgb.DMatrix(X_VA, Y_VA)
        xgb.train({}, xgb.DMatrix(X_TR, Y_TR), 2, evals=[(dvalid, "validation")], callbacks=[cb])

    with pytest.raises(ValueError, match="'validation-nope' is not among"):
        hs.create_study().optimize(fit, n_trials=1)


def test_lightgbm_native_and_cv_report_and_prune():
    def fit(trial):
        dtrain = lgb.Dataset(X_TR, Y_TR)
        dvalid = lgb.Dataset(X_VA, Y_VA, reference=dtrain)
        params = {"objective": "binary", "metric": "binary_logloss", "verbose": -1}
        cb = LightGBMPruningCallback(trial, "binary_logloss")
        lgb.train(params, dtrain, ROUNDS, valid_sets=[dtrain, dvalid], callbacks=[cb])
        return 0.0

    trial = _run(_study(), fit)
    assert trial.state == hs.TrialState.PRUNED
    assert sorted(trial.intermediate_values) == [0, 1, 2, 3, 4]

    def fit_cv(trial):
        params = {"objective": "binary", "metric": "auc", "verbose": -1}
        cb = LightGBMPruningCallback(trial)
        lgb.cv(params, lgb.Dataset(X, Y), 5, nfold=3, callbacks=[cb])
        return 1.0

    study = hs.create_study(direction="maximize", pruner=hs.pruners.NopPruner())
    assert len(_run(study, fit_cv).intermediate_values) == 5


@pytest.mark.filterwarnings("ignore:The argument 'eval_set' is deprecated")
def test_lightgbm_sklearn_wrapper_and_direction_check():
    def fit(trial):
        model = lgb.LGBMClassifier(n_estimators=5, verbose=-1)
        cb = LightGBMPruningCallback(trial, "auc")
        model.fit(X_TR, Y_TR, eval_set=[(X_VA, Y_VA)], eval_metric="auc", callbacks=[cb])
        return float(model.best_score_["valid_0"]["auc"])

    study = hs.create_study(direction="maximize", pruner=hs.pruners.NopPruner())
    trial = _run(study, fit)
    assert trial.state == hs.TrialState.COMPLETE and len(trial.intermediate_values) == 5
    with pytest.raises(ValueError, match="'auc' is higher-is-better but the study direction"):
        hs.create_study(direction="minimize").optimize(fit, n_trials=1)


def test_callbacks_outside_a_trial_are_refused():
    for callback in (XGBoostPruningCallback, LightGBMPruningCallback):
        with pytest.raises(TypeError, match="needs the running hypersearch Trial"):
            callback(hs.FixedTrial({}))
        with pytest.raises(TypeError, match="needs the running hypersearch Trial"):
            callback(None)


def test_no_validation_set_is_a_clear_error():
    def fit(trial):
        xgb.train({}, xgb.DMatrix(X_TR, Y_TR), 2, callbacks=[XGBoostPruningCallback(trial)])

    with pytest.raises(ValueError, match="found no evaluation results"):
        hs.create_study().optimize(fit, n_trials=1)
    assert np.isfinite(Y.sum())
