"""Run one study on a Ray cluster: every worker shares a PostgreSQL study.

``study.optimize(objective, n_trials=N, n_jobs=W, executor=RayExecutor())`` sends W
workers as Ray tasks; each loads the study from PostgreSQL by name and
runs its share of the N trials (the count is exact; trial numbers are unique).
By default a local Ray cluster is started; pass
``--address auto`` (or ``ray://host:10001``) to use a running one. Each trial fits an SGD
classifier on the digits data (3-fold cross-validation).

Real budget: ``--trials 1000 --workers 4`` against a PostgreSQL server. The
test suite runs it with ``--trials 6 --workers 2`` in a fresh schema.

Usage: python examples/ray_postgresql.py [--storage URL] [--trials N] [--workers W] [--address A]
"""

from __future__ import annotations

import argparse

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import cross_val_score

import hypersearch as hs
from hypersearch.integration import RayExecutor


def objective(trial: hs.Trial) -> float:
    x, y = load_digits(return_X_y=True)
    model = SGDClassifier(
        alpha=trial.suggest_float("alpha", 1e-6, 1e-1, log=True),
        penalty=trial.suggest_categorical("penalty", ["l2", "l1", "elasticnet"]),
        max_iter=20,
        tol=None,
        random_state=0,
    )
    return float(np.mean(cross_val_score(model, x / 16.0, y, cv=3)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storage", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--study-name", default="digits-sgd-ray")
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--address", default=None, help="a running Ray cluster (auto, ray://...)")
    args = parser.parse_args(argv)

    study = hs.create_study(
        study_name=args.study_name,
        storage=args.storage,
        load_if_exists=True,
        direction="maximize",
        sampler=hs.samplers.RandomSampler(),
    )
    before = len(study.trials)
    init = {"num_cpus": args.workers} if args.address is None else {}
    with RayExecutor(address=args.address, init_kwargs=init) as executor:
        study.optimize(objective, n_trials=args.trials, n_jobs=args.workers, executor=executor)
    trials = study.trials[before:]
    numbers = {t.number for t in trials}
    print(study.summary())
    print(f"trials run: {len(trials)}, unique numbers: {len(numbers)}")
    print(f"best cross-validated accuracy: {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
