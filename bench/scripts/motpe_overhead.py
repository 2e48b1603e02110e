"""Multi-objective TPE per-trial overhead, ours vs Optuna's default TPESampler.

Both studies are pre-filled with the same ``n`` random DTLZ2 trials (12 floats, 3
objectives); then ``k`` trials per library, interleaved one by one, run through ask /
12 suggests / tell. Printed: the median CPU time (process_time: robust on a shared
machine) per trial of each and their ratio.

    OMP_NUM_THREADS=1 PYTHONPATH=. python bench/scripts/motpe_overhead.py --n 500 --k 20
"""

from __future__ import annotations

import argparse
import math
import time
import warnings

import numpy as np
import optuna

import hypersearch as hs

D, M = 12, 3


def dtlz2(x: np.ndarray) -> tuple[float, ...]:
    g = float(((x[M - 1 :] - 0.5) ** 2).sum())
    a, b = x[0] * math.pi / 2, x[1] * math.pi / 2
    return (
        (1 + g) * math.cos(a) * math.cos(b),
        (1 + g) * math.cos(a) * math.sin(b),
        (1 + g) * math.sin(a),
    )


def prefill(lib, sampler, xs: np.ndarray):
    study = lib.create_study(directions=["minimize"] * M, sampler=sampler)
    dists = {f"x{i}": lib.distributions.FloatDistribution(0.0, 1.0) for i in range(D)}
    for x in xs:
        study.add_trial(
            lib.trial.create_trial(
                params={f"x{i}": float(x[i]) for i in range(D)},
                distributions=dists,
                values=dtlz2(x),
            )
        )
    return study


def one_trial(study) -> float:
    start = time.process_time()
    trial = study.ask()
    x = np.array([trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(D)])
    study.tell(trial, dtlz2(x))
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    hs.logging.set_verbosity(hs.logging.WARNING)
    warnings.filterwarnings("ignore")
    xs = np.random.default_rng(args.seed).random((args.n, D))
    ours = prefill(hs, hs.samplers.TPESampler(seed=args.seed), xs)
    peer = prefill(optuna, optuna.samplers.TPESampler(seed=args.seed), xs)
    t_ours, t_peer = [], []
    for _ in range(args.k):
        t_ours.append(one_trial(ours))
        t_peer.append(one_trial(peer))
    a, b = float(np.median(t_ours)), float(np.median(t_peer))
    print(
        f"n={args.n} k={args.k}: hypersearch {1e3 * a:.1f} ms/trial, optuna {1e3 * b:.1f} "
        f"ms/trial, optuna / hypersearch = {b / a:.1f}x"
    )


if __name__ == "__main__":
    main()
