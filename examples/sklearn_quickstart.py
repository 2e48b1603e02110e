"""Tune a gradient-boosting classifier on scikit-learn's digits data.

The main job of the README: a real tuning run. Each trial is scored by
cross-validation on a training split, fold by fold, so the pruner can stop a
poor configuration after its first folds. The best configuration is then scored
once on a held-out test split the search never saw (``study.set_holdout`` /
``evaluate_holdout``: guarding against overfitting the search; looking again after
more trials warns), and the budget spent is printed with the result.

The study lives in the SQLite file ``hypersearch.db`` (the embedded default):
run the script again and it resumes the same study; inspect it with
``hypersearch summary --storage sqlite:///hypersearch.db --study-name digits-hgb``.

A progress bar shows the trials; after the first few the script prints how long
the rest should take, and it says so when the timeout stopped the run early. The
model trains on one thread (``--threads``): on a small shared machine, OpenMP
threads that compete for the cores are many times slower than one.

Usage: python examples/sklearn_quickstart.py [--trials N] [--storage URL] [--seed S]
       [--timeout SECONDS] [--threads T]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold, train_test_split
from threadpoolctl import threadpool_limits
from tqdm import tqdm

import hypersearch as hs

ESTIMATE_AT = (3, 10)  # finished trials at which the time estimate is printed


def make_objective(x: np.ndarray, y: np.ndarray, seed: int):
    folds = list(StratifiedKFold(n_splits=3, shuffle=True, random_state=seed).split(x, y))

    def objective(trial: hs.Trial) -> float:
        model = build_model(trial, seed)
        scores = []
        for step, (fit_idx, val_idx) in enumerate(folds):
            model.fit(x[fit_idx], y[fit_idx])
            scores.append(model.score(x[val_idx], y[val_idx]))
            trial.report(float(np.mean(scores)), step)
            if trial.should_prune():
                raise hs.TrialPruned()
        return float(np.mean(scores))

    return objective


def build_model(trial: hs.Trial | hs.FixedTrial, seed: int) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(
        learning_rate=trial.suggest_float("learning_rate", 1e-3, 0.5, log=True),
        max_leaf_nodes=trial.suggest_int("max_leaf_nodes", 4, 64, log=True),
        min_samples_leaf=trial.suggest_int("min_samples_leaf", 2, 40),
        l2_regularization=trial.suggest_float("l2_regularization", 1e-6, 1.0, log=True),
        max_iter=trial.suggest_int("max_iter", 10, 60, step=10),
        random_state=seed,
    )


class TimeEstimate:
    """A callback: after the first trials, print how long the rest of the run should take.

    The estimate is the mean time of this run's trials so far times the trials left;
    the first trials run to the end (the pruner waits for 5 of them), so the later
    estimate, once pruning has started, is the better one.
    """

    def __init__(self, n_trials: int, timeout: float) -> None:
        self.n_trials, self.timeout = n_trials, timeout
        self.start = time.monotonic()
        self.cpu_start = time.process_time()
        self.seconds: list[float] = []

    def __call__(self, study: hs.Study, trial: hs.FrozenTrial) -> None:
        if trial.datetime_start is not None and trial.datetime_complete is not None:
            self.seconds.append((trial.datetime_complete - trial.datetime_start).total_seconds())
        done = len(self.seconds)
        if done not in ESTIMATE_AT or done >= self.n_trials:
            return
        per_trial = sum(self.seconds) / done
        left = per_trial * (self.n_trials - done)
        elapsed = time.monotonic() - self.start
        note = ""
        if elapsed + left > self.timeout:
            note = f"; the {self.timeout:.0f} s timeout will stop it first"
        tqdm.write(
            f"{done} trials done, {per_trial:.1f} s each: the other {self.n_trials - done} "
            f"should take about {left / 60:.1f} min more{note}."
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument(
        "--storage",
        default="sqlite:///hypersearch.db",
        help="storage URL (default: the SQLite file hypersearch.db; a second run resumes the study)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds (default 600)")
    parser.add_argument("--threads", type=int, default=1, help="threads the model may use")
    args = parser.parse_args()
    hs.logging.set_verbosity(hs.logging.WARNING)  # the progress bar replaces the trial lines

    x, y = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.25, stratify=y, random_state=args.seed
    )
    study = hs.create_study(
        study_name="digits-hgb",
        storage=args.storage,
        direction="maximize",
        load_if_exists=True,
        sampler=hs.samplers.TPESampler(seed=args.seed),
        pruner=hs.pruners.MedianPruner(n_startup_trials=5),
    )
    before = len(study.trials)

    def test_accuracy(trial: hs.FixedTrial) -> float:
        """The held-out evaluation: fit on the whole training split, score on the test split."""
        return build_model(trial, args.seed).fit(x_train, y_train).score(x_test, y_test)

    study.set_holdout(test_accuracy)  # kept apart from the trials: the search never sees it
    estimate = TimeEstimate(args.trials, args.timeout)
    with threadpool_limits(limits=args.threads):
        study.optimize(
            make_objective(x_train, y_train, args.seed),
            n_trials=args.trials,
            timeout=args.timeout,
            callbacks=[estimate],
            show_progress_bar=True,
        )
        held_out = study.evaluate_holdout()  # once; a later look after more trials warns
    elapsed = time.monotonic() - estimate.start
    cpu = time.process_time() - estimate.cpu_start
    ran = len(study.trials) - before
    print()
    if ran < args.trials:
        print(
            f"The {args.timeout:.0f} s timeout stopped the run after {ran} of {args.trials} "
            "trials; run the script again to continue the same study."
        )
    print(f"This run: {ran} trials in {elapsed:.0f} s ({cpu:.0f} s of CPU time).")
    print(study.summary())
    print(f"Cross-validated accuracy of the best trial: {study.best_value:.4f}")
    print(f"Held-out test accuracy of the best parameters: {held_out.value:.4f}")


if __name__ == "__main__":
    main()
