"""Tune LightGBM (scikit-learn wrapper) on the breast-cancer data with the pruning callback.

``LightGBMPruningCallback(trial, "binary_logloss")`` reports the validation
log-loss after every boosting round (``eval_set`` named ``valid_0`` as LightGBM
names it) and stops a trial the pruner rejects.

Real budget: ``--trials 100 --rounds 300`` (a minute or two on one core). The
test suite runs it with ``--trials 4 --rounds 8``.

Usage: python examples/lightgbm_pruning.py [--trials N] [--rounds R] [--seed S]
"""

from __future__ import annotations

import argparse
import warnings

import lightgbm as lgb
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import hypersearch as hs
from hypersearch.integration import LightGBMPruningCallback


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

    def build(params: dict) -> lgb.LGBMClassifier:
        return lgb.LGBMClassifier(n_estimators=args.rounds, n_jobs=1, verbose=-1, **params)

    def objective(trial: hs.Trial) -> float:
        model = build(
            {
                "learning_rate": trial.suggest_float("learning_rate", 1e-3, 0.3, log=True),
                "num_leaves": trial.suggest_int("num_leaves", 4, 64, log=True),
                "min_child_samples": trial.suggest_int("min_child_samples", 5, 50),
                "reg_lambda": trial.suggest_float("reg_lambda", 1e-3, 10.0, log=True),
            }
        )
        pruning = LightGBMPruningCallback(trial, "binary_logloss")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # eval_set's newer spelling
            model.fit(x_train, y_train, eval_set=[(x_val, y_val)], callbacks=[pruning])
        return float(model.best_score_["valid_0"]["binary_logloss"])

    study = hs.create_study(
        direction="minimize",
        sampler=hs.samplers.TPESampler(seed=args.seed),
        pruner=hs.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=args.rounds // 4),
    )
    study.optimize(objective, n_trials=args.trials, timeout=1800)
    model = build(study.best_params).fit(x_rest, y_rest)
    print(study.summary())
    print(f"best validation log-loss: {study.best_value:.4f}")
    print(f"held-out test accuracy: {model.score(x_test, y_test):.4f}")


if __name__ == "__main__":
    main()
