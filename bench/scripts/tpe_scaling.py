"""TPE cost per trial as the history grows: hypersearch vs Optuna, side by side in one process.

Two ways to reach a history of ``n`` trials on 5 floats (x_i in [-5, 5], a shifted sphere):

* ``prefilled``: the study is filled with ``n`` finished trials through ``add_trials`` /
  ``create_trial`` (uniform random points), then ``k`` trials run ask + suggest + tell;
  the first one is a warm-up (first read of the history) and is not counted. This is how
  Optuna is measured at sizes where growing its study would take too long.
* ``grown``: ``study.optimize`` with the sampler itself up to ``n``; the cost per trial is
  the mean over the last ``--window`` trials before each checkpoint (the study's own good
  set, as in a real run).

Time is this process's CPU time (robust on a shared machine); the libraries alternate
rep by rep and the table gives the median over reps and ratio = optuna / ours.

    OMP_NUM_THREADS=1 PYTHONPATH=. python bench/scripts/tpe_scaling.py \\
        --sizes 1000 2000 5000 10000 --reps 3 --grown 10000 --optuna-grown 2000

With ``PYTHONPATH`` pointing at another checkout, the same script measures that
hypersearch (the "before" column of bench/results/tpe-scaling.md).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import optuna

import hypersearch as hs

D = 5
SHIFT = np.linspace(-2.0, 2.0, D)


def objective(trial: Any) -> float:
    return float(sum((trial.suggest_float(f"x{i}", -5, 5) - SHIFT[i]) ** 2 for i in range(D)))


def _study(lib: str) -> Any:
    if lib == "hs":
        return hs.create_study(sampler=hs.samplers.TPESampler(seed=0))
    return optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))


def prefill(lib: str, n: int, seed: int) -> Any:
    study = _study(lib)
    mod: Any = hs if lib == "hs" else optuna
    dist = (hs.distributions if lib == "hs" else optuna.distributions).FloatDistribution(-5, 5)
    xs = np.random.default_rng(seed).uniform(-5, 5, (n, D))
    study.add_trials(
        [
            mod.trial.create_trial(
                params={f"x{i}": float(x[i]) for i in range(D)},
                distributions={f"x{i}": dist for i in range(D)},
                value=float(((x - SHIFT) ** 2).sum()),
            )
            for x in xs
        ]
    )
    return study


def time_trials(study: Any, k: int) -> float:
    """Mean CPU ms of ask + suggest + tell over ``k`` trials, after one warm-up trial."""
    trial = study.ask()
    study.tell(trial, objective(trial))
    t0 = time.process_time()
    for _ in range(k):
        trial = study.ask()
        study.tell(trial, objective(trial))
    return (time.process_time() - t0) / k * 1e3


def grown_curve(lib: str, checkpoints: list[int], window: int) -> dict[int, float]:
    """Mean CPU ms per trial over the ``window`` trials before each checkpoint."""
    study = _study(lib)
    clock = time.process_time
    spent = np.zeros(max(checkpoints))
    for i in range(len(spent)):
        t0 = clock()
        trial = study.ask()
        study.tell(trial, objective(trial))
        spent[i] = clock() - t0
    return {n: float(spent[n - window : n].mean() * 1e3) for n in checkpoints}


def optuna_k(n: int, k: int) -> int:
    """Fewer Optuna trials at large sizes (each costs ~n/100 ms there)."""
    return max(3, min(k, int(k * 1000 / n)))


def row(n: int, ours: list[float], theirs: list[float]) -> str:
    a = statistics.median(ours)
    if not theirs:
        return f"| {n} | {a:.3f} | – | – |"
    b = statistics.median(theirs)
    return f"| {n} | {a:.3f} | {b:.2f} | {b / a:.1f}x |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000, 10000])
    ap.add_argument("--k", type=int, default=40, help="timed trials per rep (ours)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--no-optuna", action="store_true")
    ap.add_argument("--grown", type=int, default=0, help="grow our study to this size")
    ap.add_argument("--optuna-grown", type=int, default=0, help="grow Optuna's to this size")
    ap.add_argument("--window", type=int, default=100)
    args = ap.parse_args()
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    hs.logging.set_verbosity(hs.logging.ERROR)
    print(f"hypersearch from {hs.__file__}; optuna {optuna.__version__}")
    print("\nprefilled: CPU ms per trial (median over reps)\n")
    print("| n | hypersearch ms | optuna ms | ratio |\n|---|---|---|---|")
    for n in args.sizes:
        res: dict[str, list[float]] = {"hs": [], "optuna": []}
        for rep in range(args.reps):
            order = ["hs", "optuna"] if rep % 2 == 0 else ["optuna", "hs"]
            for lib in order:
                if lib == "optuna" and args.no_optuna:
                    continue
                k = args.k if lib == "hs" else optuna_k(n, args.k)
                res[lib].append(time_trials(prefill(lib, n, rep), k))
        print(row(n, res["hs"], res["optuna"]), flush=True)
    runs: list[tuple[str, int, Callable[[], dict[int, float]]]] = []
    if args.grown:
        runs.append(("hypersearch", args.grown, lambda: grown("hs", args.grown, args)))
    if args.optuna_grown and not args.no_optuna:
        runs.append(("optuna", args.optuna_grown, lambda: grown("optuna", args.optuna_grown, args)))
    for label, size, run in runs:
        print(
            f"\ngrown ({label}, one run to {size}): CPU ms per trial, mean of the last {args.window}\n"
        )
        print("| n | ms |\n|---|---|")
        for n, ms in run().items():
            print(f"| {n} | {ms:.3f} |", flush=True)


def grown(lib: str, size: int, args: argparse.Namespace) -> dict[int, float]:
    points = [n for n in sorted({*args.sizes, size}) if n <= size and n >= args.window]
    return grown_curve(lib, points, args.window)


if __name__ == "__main__":
    main()
