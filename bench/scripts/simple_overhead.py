"""Per-trial overhead of the model-free samplers vs Optuna's, interleaved in one process.

Run:  PYTHONPATH=. python bench/scripts/simple_overhead.py [n_trials]
Prints seconds per trial for each pair and the ratio hypersearch / optuna (< 1: we are faster),
and, for QMC, the discrepancy of the points (lower is more even) against random search.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import optuna
from scipy.stats import qmc

import hypersearch as hs
from hypersearch import samplers as hss

optuna.logging.set_verbosity(optuna.logging.WARNING)
hs.logging.set_verbosity(hs.logging.WARNING)
N = int(sys.argv[1]) if len(sys.argv) > 1 else 400


def flat(trial):  # same code for both libraries
    x = trial.suggest_float("x", -5, 5)
    y = trial.suggest_float("y", 1e-3, 10, log=True)
    k = trial.suggest_int("k", 0, 9)
    c = trial.suggest_categorical("c", ["a", "b", "c", "d"])
    return x * x + np.log(y) ** 2 + k + (c == "a")


def discrete(trial):
    kind = trial.suggest_categorical("kind", ["a", "b"])
    if kind == "a":
        return trial.suggest_int("i", 0, N // 2 - 1)
    return trial.suggest_float("f", 0, N // 2 - 1, step=1.0)


def grid_obj(trial):
    return trial.suggest_int("i", 0, 19) + trial.suggest_int("j", 0, N // 20 - 1)


grid = {"i": list(range(20)), "j": list(range(N // 20))}
CASES = {
    "qmc": (lambda: hss.QMCSampler(seed=0), lambda: optuna.samplers.QMCSampler(seed=0), flat),
    "grid": (lambda: hss.GridSampler(grid, seed=0),
             lambda: optuna.samplers.GridSampler(grid, seed=0), grid_obj),
    "brute_force": (lambda: hss.BruteForceSampler(seed=0),
                    lambda: optuna.samplers.BruteForceSampler(seed=0), discrete),
}


def run(create, sampler, obj) -> tuple[float, int]:
    study = create(sampler=sampler)
    t0 = time.perf_counter()
    study.optimize(obj, n_trials=N)
    return time.perf_counter() - t0, len(study.trials)


for name, (ours, theirs, obj) in CASES.items():
    t_ours, t_theirs = [], []
    for _ in range(3):  # interleaved
        dt, n1 = run(hs.create_study, ours(), obj)
        t_ours.append(dt / n1)
        dt, n2 = run(optuna.create_study, theirs(), obj)
        t_theirs.append(dt / n2)
    a, b = min(t_ours), min(t_theirs)
    print(f"{name:12s} hypersearch {a * 1e3:7.3f} ms/trial  optuna {b * 1e3:7.3f} ms/trial  "
          f"ratio {a / b:5.2f}  (trials {n1} vs {n2})")

study = hs.create_study(sampler=hss.QMCSampler(seed=0))
study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), n_trials=257)
pts = np.array([[t.params["x"], t.params["y"]] for t in study.trials[1:]])
rnd = np.random.default_rng(0).random((256, 2))
print(f"discrepancy of 256 points: qmc {qmc.discrepancy(pts):.2e}  random {qmc.discrepancy(rnd):.2e}")
