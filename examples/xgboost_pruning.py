"""Tune XGBoost (native API) on the breast-cancer data with the pruning callback.

Each trial boosts up to ``--rounds`` rounds; ``XGBoostPruningCallback``
reports the validation log-loss after every round and stops a trial the
pruner rejects. The best parameters are then refit with the scikit-learn
wrapper (same callback shape: ``XGBClassifier(callbacks=[...])``) and scored on
a held-out test split.

Real budget: ``--trials 100 --rounds 300`` (a minute or two on one core). The
test suite runs it with ``--trials 4 --rounds 8``.

Usage: python examples/xgboost_pruning.py [--trials N] [--rounds R] [--seed S]
"""

from __future__ import annotations

import argparse

import xgboost as xgb
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import hypersearch as hs
from hypersearch.integration import XGBoostPruningCallback


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    x, y = load_breast_cancer(return_X_y=True)
    x_rest, x_test, y_rest, y_test = train_test_split(x, y, stratify=y, random_state=args.seed)
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest, y_rest, stratify=y_rest, random_state=args.seed
    )
    dtrain, dvalid = xgb.DMatrix(x_train, y_train), xgb.DMatrix(x_val, y_val)

    def objective(trial: hs.Trial) -> float:
        params = {
            "objective": "binary:logistic",
            "eval_metric": "logloss",
            "nthread": 1,
            "eta": trial.suggest_float("eta", 1e-3, 0.5, log=True),
            "max_depth": trial.suggest_int("max_depth", 2, 8),
            "subsample": trial.suggest_float("subsample", 0.5, 1.0),
            "lambda": trial.suggest_float("lambda", 1e-3, 10.0, log=True),
        }
        pruning = XGBoostPruningCallback(trial, "validation-logloss")
        booster = xgb.train(
            params, dtrain, args.rounds, evals=[(dvalid, "validation")], callbacks=[pruning]
        )
        return float(booster.eval(dvalid).split(":")[1])

    study = hs.create_study(
        direction="minimize",
        sampler=hs.samplers.TPESampler(seed=args.seed),
        pruner=hs.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=args.rounds // 4),
    )
    study.optimize(objective, n_trials=args.trials, timeout=1800)
    best = dict(study.best_params)
    model = xgb.XGBClassifier(
        n_estimators=args.rounds,
        learning_rate=best.pop("eta"),
        reg_lambda=best.pop("lambda"),
        n_jobs=1,
        **best,
    ).fit(x_rest, y_rest)
    print(study.summary())
    print(f"best validation log-loss: {study.best_value:.4f}")
    print(f"held-out test accuracy: {model.score(x_test, y_test):.4f}")


if __name__ == "__main__":
    main()
