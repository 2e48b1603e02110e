"""Quality cost of GPSampler's data window (``max_points``), ours only.

Runs the same seeds with a small window and with no window (``max_points``
above the trial budget) on a problem of the bench's registry (default: BBOB f8,
Rosenbrock, in 5-D) and prints the final regrets (best minus the optimum) and
wall seconds side by side. Results: ``bench/results/script-gp-window.md``.

Usage::

    PYTHONPATH=. python bench/scripts/gp_window.py --trials 250 --window 100 --seeds 3 --problem bbob-f08-d05
"""

from __future__ import annotations

import argparse
import os
import time

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402

from bench.optimizers.optuna_like import OptunaLikeOptimizer  # noqa: E402
from bench.problems import PROBLEMS  # noqa: E402


def regret_and_seconds(max_points: int, problem_name: str, trials: int, seed: int):
    problem = PROBLEMS.make(problem_name, seed)
    optimizer = OptunaLikeOptimizer("hypersearch", "GPSampler", max_points=max_points)
    t0 = time.perf_counter()
    values = optimizer.minimize(problem, trials, seed)
    return min(values) - (problem.optimum or 0.0), time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=250)
    ap.add_argument("--window", type=int, default=100)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--problem", default="bbob-f08-d05")
    args = ap.parse_args()
    import hypersearch

    hypersearch.logging.set_verbosity(hypersearch.logging.WARNING)
    rows = []
    for seed in range(args.seeds):
        small = regret_and_seconds(args.window, args.problem, args.trials, seed)
        full = regret_and_seconds(args.trials + 1, args.problem, args.trials, seed)
        rows.append((small, full))
        print(
            f"seed {seed}: window {small[0]:.3g} ({small[1]:.0f}s) | full {full[0]:.3g} ({full[1]:.0f}s)",
            flush=True,
        )
    w = np.array([r[0][0] for r in rows])
    f = np.array([r[1][0] for r in rows])
    print(
        f"{args.problem} median regret: window={args.window} {np.median(w):.3g} | full {np.median(f):.3g}"
    )


if __name__ == "__main__":
    main()
