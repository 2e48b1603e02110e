"""RandomForestSampler vs optuna's TPESampler on mixed / conditional spaces (100 trials).

Run:  OMP_NUM_THREADS=1 PYTHONPATH=. python bench/scripts/rf_quality.py [--trials 100] [--seeds 5]
Interleaved runs; reports best values, wins/ties/losses and the per-trial time ratio.
"""

from __future__ import annotations

import argparse
import math
import time
import warnings

import numpy as np
import optuna

import hypersearch as hs
from hypersearch.samplers import RandomForestSampler


def conditional(trial) -> float:  # type: ignore[no-untyped-def]
    kind = trial.suggest_categorical("kind", ["a", "b", "c"])
    x = trial.suggest_float("x", 1e-3, 10, log=True)
    if kind == "a":
        z = trial.suggest_int("z", 0, 10)
        return (math.log10(x) - 0.5) ** 2 + (z - 7) ** 2 / 10
    if kind == "b":
        w = trial.suggest_float("w", -1, 1)
        return 0.5 + (math.log10(x) - 0.5) ** 2 + w * w
    return 2 + math.log10(x) ** 2


def mixed(trial) -> float:  # type: ignore[no-untyped-def]
    """A toy 'training run': optimizer choice, log learning rate, ints, a step float."""
    opt = trial.suggest_categorical("opt", ["sgd", "adam", "rmsprop", "adagrad"])
    lr = trial.suggest_float("lr", 1e-5, 1.0, log=True)
    layers = trial.suggest_int("layers", 1, 8)
    width = trial.suggest_int("width", 16, 1024, log=True)
    dropout = trial.suggest_float("dropout", 0.0, 0.5, step=0.05)
    act = trial.suggest_categorical("act", ["relu", "tanh", "gelu"])
    best_lr = {"sgd": -1.0, "adam": -3.0, "rmsprop": -3.5, "adagrad": -2.0}[opt]
    loss = 0.3 * (math.log10(lr) - best_lr) ** 2
    loss += 0.05 * (layers - 4) ** 2 + 0.2 * (math.log2(width) - 8) ** 2 / 4
    loss += (dropout - 0.2) ** 2 * 4 + {"relu": 0.05, "tanh": 0.2, "gelu": 0.0}[act]
    loss += {"sgd": 0.3, "adam": 0.0, "rmsprop": 0.1, "adagrad": 0.25}[opt]
    return loss


FUNCS = {"conditional": conditional, "mixed": mixed}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    hs.logging.set_verbosity(hs.logging.WARNING)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.simplefilter("ignore")
    wins = ties = losses = 0
    ratios = []
    print(f"{'function':>12} {'seed':>4} {'rf':>10} {'optuna-tpe':>10}  result")
    for name, func in FUNCS.items():
        for seed in range(args.seeds):
            study = hs.create_study(sampler=RandomForestSampler(seed=seed))
            t0 = time.perf_counter()
            study.optimize(func, n_trials=args.trials)
            ta = time.perf_counter() - t0
            ostudy = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
            t0 = time.perf_counter()
            ostudy.optimize(func, n_trials=args.trials)
            tb = time.perf_counter() - t0
            a, b = study.best_value, ostudy.best_value
            ratios.append(ta / tb)
            if abs(a - b) <= 1e-3 * max(abs(a), abs(b)) + 1e-10:
                result, ties = "tie", ties + 1
            elif a < b:
                result, wins = "win", wins + 1
            else:
                result, losses = "loss", losses + 1
            print(f"{name:>12} {seed:>4} {a:10.4g} {b:10.4g}  {result}", flush=True)
    print(f"wins/ties/losses vs optuna TPESampler: {wins}/{ties}/{losses}")
    print(f"median per-trial time ratio rf/tpe: {np.median(ratios):.2f}")


if __name__ == "__main__":
    main()
