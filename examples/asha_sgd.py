"""Asynchronous successive halving on a real learning curve: SGD on scikit-learn's digits.

Each trial trains a linear ``SGDClassifier`` epoch by epoch with ``partial_fit`` and
reports its validation accuracy after every epoch. A successive-halving pruner
(asynchronous SHA, the stopping variant of ASHA; ``--pruner hyperband`` for Hyperband)
keeps only the best third of the trials at each rung (epochs 1, 3, 9, 27, ...), so most
of the budget goes to promising configurations. The sampler is :class:`BOHBSampler`
(TPE fitted on the highest rung that has enough results); ``--sampler tpe`` for plain TPE.

The script then runs the same study *without* pruning, with the same sampler seed, and
prints what pruning saved: epochs trained against ``n_trials x max_epochs`` and the best
validation accuracy of both runs.

Usage: python examples/asha_sgd.py [--trials N] [--epochs E] [--seed S]
                                   [--sampler bohb|tpe] [--pruner sha|hyperband]
                                   [--no-baseline]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import hypersearch as hs


def load_data(seed: int) -> tuple[np.ndarray, ...]:
    x, y = load_digits(return_X_y=True)
    x_train, x_val, y_train, y_val = train_test_split(
        x, y, test_size=0.3, stratify=y, random_state=seed
    )
    scaler = StandardScaler().fit(x_train)
    return scaler.transform(x_train), scaler.transform(x_val), y_train, y_val


def make_objective(data: tuple[np.ndarray, ...], max_epochs: int, seed: int, counter: list[int]):
    x_train, x_val, y_train, y_val = data
    classes = np.unique(y_train)

    def objective(trial: hs.Trial) -> float:
        model = SGDClassifier(
            loss=trial.suggest_categorical("loss", ["hinge", "log_loss", "modified_huber"]),
            penalty=trial.suggest_categorical("penalty", ["l2", "l1", "elasticnet"]),
            alpha=trial.suggest_float("alpha", 1e-7, 1e-1, log=True),
            learning_rate=trial.suggest_categorical(
                "learning_rate", ["optimal", "invscaling", "adaptive"]
            ),
            eta0=trial.suggest_float("eta0", 1e-4, 1.0, log=True),
            random_state=seed,
        )
        rng = np.random.default_rng(seed + trial.number)
        accuracy = 0.0
        for epoch in range(1, max_epochs + 1):
            order = rng.permutation(len(x_train))
            model.partial_fit(x_train[order], y_train[order], classes=classes)
            counter[0] += 1
            accuracy = float(model.score(x_val, y_val))
            trial.report(accuracy, epoch)
            if trial.should_prune():
                raise hs.TrialPruned()
        return accuracy

    return objective


def run(args: argparse.Namespace, *, prune: bool) -> tuple[hs.Study, int, float]:
    """One study; returns it, the epochs it trained and its wall time."""
    if args.sampler == "bohb":
        sampler: hs.samplers.BaseSampler = hs.samplers.BOHBSampler(seed=args.seed)
    else:
        sampler = hs.samplers.TPESampler(seed=args.seed)
    if not prune:
        pruner: hs.pruners.BasePruner = hs.pruners.NopPruner()
    elif args.pruner == "hyperband":
        pruner = hs.pruners.HyperbandPruner(
            min_resource=1, max_resource=args.epochs, reduction_factor=3
        )
    else:
        pruner = hs.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    study = hs.create_study(direction="maximize", sampler=sampler, pruner=pruner)
    counter = [0]
    objective = make_objective(load_data(args.seed), args.epochs, args.seed, counter)
    start = time.perf_counter()
    study.optimize(objective, n_trials=args.trials)
    return study, counter[0], time.perf_counter() - start


def best_accuracy(study: hs.Study) -> float:
    """Best validation accuracy seen at any epoch (pruned trials' reports count too)."""
    return max(max(t.intermediate_values.values()) for t in study.trials if t.intermediate_values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=60)
    parser.add_argument("--epochs", type=int, default=27)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sampler", choices=["bohb", "tpe"], default="bohb")
    parser.add_argument("--pruner", choices=["sha", "hyperband"], default="sha")
    parser.add_argument("--no-baseline", action="store_true", help="skip the no-pruning run")
    args = parser.parse_args()
    hs.logging.set_verbosity(hs.logging.WARNING)
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    warnings.filterwarnings("ignore", message=".*samples parameter.*on its own.*")

    full = args.trials * args.epochs
    study, epochs, seconds = run(args, prune=True)
    pruned = sum(t.state == hs.TrialState.PRUNED for t in study.trials)
    print(f"{args.sampler} + {args.pruner}: {args.trials} trials, {pruned} pruned, {seconds:.1f} s")
    print(f"epochs run: {epochs} of {full} ({100.0 * (1 - epochs / full):.0f}% saved)")
    print(
        f"best validation accuracy with pruning: {best_accuracy(study):.4f} "
        f"(trial {study.best_trial.number}, {study.best_params})"
    )
    print(f"budget: {study.budget()}")
    if args.no_baseline:
        return
    base, base_epochs, base_seconds = run(args, prune=False)
    print(
        f"without pruning (same sampler seed): epochs run: {base_epochs} of {full}, "
        f"{base_seconds:.1f} s"
    )
    print(f"best validation accuracy without pruning: {best_accuracy(base):.4f}")
    print(
        f"budget saved: {base_epochs / max(epochs, 1):.1f}x fewer epochs, "
        f"{base_seconds / max(seconds, 1e-9):.1f}x less time; accuracy difference "
        f"{best_accuracy(study) - best_accuracy(base):+.4f}"
    )


if __name__ == "__main__":
    main()
