"""TPE per-trial overhead at a given history size, ours vs Optuna's default TPESampler.

A study is pre-filled with ``n`` random trials over 5 floats; then ``k`` trials are
run through ask / suggest / tell, and the mean CPU time (process_time: robust on a
shared machine) per trial is printed
(ours, ours with RandomSampler for the framework's share, Optuna's TPE).

    OMP_NUM_THREADS=1 PYTHONPATH=. python bench/scripts/tpe_overhead.py --n 2000 --k 50
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import optuna

import hypersearch as hs
from hypersearch.distributions import FloatDistribution

D = 5


def _objective_params(trial) -> float:
    return float(sum((trial.suggest_float(f"x{i}", -5, 5) - 1) ** 2 for i in range(D)))


def time_ours(sampler, n: int, k: int, rng: np.random.Generator) -> float:
    study = hs.create_study(sampler=sampler)
    dists = {f"x{i}": FloatDistribution(-5, 5) for i in range(D)}
    xs = rng.uniform(-5, 5, (n, D))
    study.add_trials(
        hs.create_trial(
            params={f"x{i}": float(x[i]) for i in range(D)},
            distributions=dists,
            value=float(((x - 1) ** 2).sum()),
        )
        for x in xs
    )
    trial = study.ask()  # warm-up: first read of the pre-filled history, caches
    study.tell(trial, _objective_params(trial))
    t0 = time.process_time()
    for _ in range(k):
        trial = study.ask()
        study.tell(trial, _objective_params(trial))
    return (time.process_time() - t0) / k * 1e3


def time_optuna(n: int, k: int, rng: np.random.Generator) -> float:
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
    dists = {f"x{i}": optuna.distributions.FloatDistribution(-5, 5) for i in range(D)}
    xs = rng.uniform(-5, 5, (n, D))
    study.add_trials(
        [
            optuna.trial.create_trial(
                params={f"x{i}": float(x[i]) for i in range(D)},
                distributions=dists,
                value=float(((x - 1) ** 2).sum()),
            )
            for x in xs
        ]
    )
    trial = study.ask()  # warm-up: first read of the pre-filled history, caches
    study.tell(trial, _objective_params(trial))
    t0 = time.process_time()
    for _ in range(k):
        trial = study.ask()
        study.tell(trial, _objective_params(trial))
    return (time.process_time() - t0) / k * 1e3


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, nargs="+", default=[2000])
    ap.add_argument("--k", type=int, default=50)
    ap.add_argument("--no-optuna", action="store_true")
    args = ap.parse_args()
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    hs.logging.set_verbosity(hs.logging.ERROR)
    for n in args.n:
        rng = np.random.default_rng(0)
        ours = time_ours(hs.samplers.TPESampler(seed=0), n, args.k, rng)
        base = time_ours(hs.samplers.RandomSampler(seed=0), n, args.k, rng)
        line = f"n={n}: ours TPE {ours:.2f} ms/trial (framework with RandomSampler {base:.2f})"
        if not args.no_optuna:
            theirs = time_optuna(n, max(5, args.k // 5), rng)
            line += f"; optuna TPE {theirs:.2f} ms/trial; ratio {ours / theirs:.3f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
