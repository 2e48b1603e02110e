"""The AutoSampler's own cost per trial: AutoSampler vs the sampler it delegates to.

A study is first filled with ``n`` random trials of an overhead-suite space, then its
sampler is set to (a) an ``AutoSampler`` or (b) the sampler the AutoSampler chose there
(built the same way, same seed); ``k`` trials of ask / suggest / tell follow and the mean
CPU time per trial (process_time) is printed, a and b interleaved over ``--reps``.

    OMP_NUM_THREADS=1 PYTHONPATH=. python bench/scripts/auto_overhead.py --n 300 --k 50
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import hypersearch as hs
from bench.suites.overhead_spaces import SPACES
from hypersearch.samplers import AutoSampler, RandomSampler
from hypersearch.samplers._auto._build import build


def filled_study(space: str, n: int) -> hs.Study:
    study = hs.create_study(sampler=RandomSampler(seed=0))
    study.optimize(SPACES[space], n_trials=n)
    return study


def time_per_trial(study: hs.Study, sampler, space: str, k: int) -> float:
    study.sampler = sampler
    objective = SPACES[space]
    trial = study.ask()  # warm-up: caches, imports
    study.tell(trial, objective(trial))
    t0 = time.process_time()
    for _ in range(k):
        trial = study.ask()
        study.tell(trial, objective(trial))
    return (time.process_time() - t0) / k * 1e3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--spaces", default="floats5,mixed,conditional")
    args = parser.parse_args()
    hs.logging.set_verbosity(hs.logging.WARNING)
    for space in args.spaces.split(","):
        auto_ms, plain_ms, chosen = [], [], ""
        for _ in range(args.reps):
            auto = AutoSampler(seed=0)
            auto.plan_optimize(n_trials=args.k)  # a trial-count plan: the model is kept
            auto_ms.append(time_per_trial(filled_study(space, args.n), auto, space, args.k))
            chosen = auto.current
            plain = build(chosen, 0, None)
            plain_ms.append(time_per_trial(filled_study(space, args.n), plain, space, args.k))
        a, p = float(np.median(auto_ms)), float(np.median(plain_ms))
        print(
            f"{space} n={args.n}: auto {a:.2f} ms/trial ({chosen}) | {chosen} alone {p:.2f} "
            f"ms/trial | auto - alone {a - p:+.2f} ms ({a / p:.3f}x)"
        )


if __name__ == "__main__":
    main()
