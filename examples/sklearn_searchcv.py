"""Tune an SGD classifier on scikit-learn's digits data with SearchCV.

``SearchCV`` is a scikit-learn meta-estimator: a ``RandomizedSearchCV`` whose
candidates come from a study (TPE by default). With ``enable_pruning=True`` every
trial reports its running mean validation accuracy after each fold, so the
median pruner stops a poor configuration after its first folds instead of
fitting all of them (``enable_pruning="epochs"`` would instead step the folds one
``partial_fit`` epoch at a time; a Pipeline has no ``partial_fit``, and on data
this small one ``fit`` per fold is faster). The search sits inside a Pipeline (the
scaler is fit inside each fold), and the best pipeline is scored once on a
held-out test split.

Real budget: ``--trials 60 --max-iter 30`` (SGD epochs per fit; under a minute on one core). The
test suite runs it with ``--trials 6 --max-iter 4``.

Usage: python examples/sklearn_searchcv.py [--trials N] [--max-iter E] [--storage URL] [--seed S]
"""

from __future__ import annotations

import argparse

from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import hypersearch as hs
from hypersearch.distributions import CategoricalDistribution, FloatDistribution
from hypersearch.integration import SearchCV


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=60)
    parser.add_argument("--max-iter", type=int, default=30)
    parser.add_argument("--storage", default=None, help="storage URL (default: in memory)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    x, y = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(x, y, stratify=y, random_state=args.seed)
    study = hs.create_study(
        study_name="digits-sgd-searchcv",
        storage=args.storage,
        load_if_exists=True,
        direction="maximize",
        sampler=hs.samplers.TPESampler(seed=args.seed),
        pruner=hs.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=0),
    )
    space = {
        "sgdclassifier__alpha": FloatDistribution(1e-6, 1e-1, log=True),
        "sgdclassifier__loss": CategoricalDistribution(["hinge", "log_loss", "modified_huber"]),
        "sgdclassifier__penalty": CategoricalDistribution(["l2", "l1", "elasticnet"]),
    }
    sgd = SGDClassifier(max_iter=args.max_iter, tol=None, random_state=args.seed)
    pipeline = make_pipeline(StandardScaler(), sgd)
    search = SearchCV(
        pipeline,
        space,
        cv=3,
        n_trials=args.trials,
        enable_pruning=True,
        study=study,
        timeout=600,
    )
    search.fit(x_train, y_train)
    states = list(search.cv_results_["state"])
    print(study.summary())
    print(f"trials: {len(states)} (pruned {states.count('PRUNED')})")
    print(f"best parameters: {search.best_params_}")
    print(f"best cross-validated accuracy: {search.best_score_:.4f}")
    print(f"held-out test accuracy: {search.score(x_test, y_test):.4f}")


if __name__ == "__main__":
    main()
