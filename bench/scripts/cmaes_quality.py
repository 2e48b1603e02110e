"""CmaEsSampler vs optuna.samplers.CmaEsSampler: best value after N trials and per-trial overhead.

Run:  OMP_NUM_THREADS=1 PYTHONPATH=. python bench/scripts/cmaes_quality.py [--trials 300] [--seeds 3]
Needs optuna and its `cmaes` package. Runs are interleaved (ours, optuna, ours, ...) so
machine noise hits both alike; the objective is trivial, so wall time per trial is overhead.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import optuna

import hypersearch as hs
from hypersearch.samplers import CmaEsSampler


def sphere(x: np.ndarray) -> float:
    return float(np.sum((x - 1.5) ** 2))


def ellipsoid(x: np.ndarray) -> float:
    d = len(x)
    scales = 10.0 ** (6 * np.arange(d) / max(1, d - 1))
    return float(np.sum(scales * (x - 1.5) ** 2))


def rosenbrock(x: np.ndarray) -> float:
    return float(np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2))


FUNCS = {"sphere": sphere, "ellipsoid": ellipsoid, "rosenbrock": rosenbrock}


def objective(func, dim):  # type: ignore[no-untyped-def]
    def f(trial):  # type: ignore[no-untyped-def]
        x = np.array([trial.suggest_float(f"x{i}", -5, 5) for i in range(dim)])
        return func(x)

    return f


def run_ours(func, dim: int, seed: int, n: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    study = hs.create_study(sampler=CmaEsSampler(seed=seed))
    t0 = time.perf_counter()
    study.optimize(objective(func, dim), n_trials=n)
    return study.best_value, (time.perf_counter() - t0) / n


def run_optuna(func, dim: int, seed: int, n: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    study = optuna.create_study(sampler=optuna.samplers.CmaEsSampler(seed=seed))
    t0 = time.perf_counter()
    study.optimize(objective(func, dim), n_trials=n)
    return study.best_value, (time.perf_counter() - t0) / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--dims", type=int, nargs="+", default=[5, 10])
    args = parser.parse_args()
    hs.logging.set_verbosity(hs.logging.WARNING)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.simplefilter("ignore")
    wins = ties = losses = 0
    ours_t, theirs_t = [], []
    print(f"{'function':>10} {'d':>3} {'seed':>4} {'ours':>12} {'optuna':>12}  result")
    for name, func in FUNCS.items():
        for dim in args.dims:
            for seed in range(args.seeds):
                a, ta = run_ours(func, dim, seed, args.trials)
                b, tb = run_optuna(func, dim, seed, args.trials)
                ours_t.append(ta)
                theirs_t.append(tb)
                if abs(a - b) <= 1e-3 * max(abs(a), abs(b)) + 1e-10:
                    result, ties = "tie", ties + 1
                elif a < b:
                    result, wins = "win", wins + 1
                else:
                    result, losses = "loss", losses + 1
                print(f"{name:>10} {dim:>3} {seed:>4} {a:12.4g} {b:12.4g}  {result}", flush=True)
    ratio = np.median(np.array(ours_t) / np.array(theirs_t))
    print(f"wins/ties/losses vs optuna CmaEsSampler: {wins}/{ties}/{losses}")
    print(
        f"per-trial time: ours {1e3 * np.median(ours_t):.2f} ms, optuna "
        f"{1e3 * np.median(theirs_t):.2f} ms, median ratio ours/optuna {ratio:.2f}"
    )


if __name__ == "__main__":
    main()
