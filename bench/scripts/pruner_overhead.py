"""Per-report pruning overhead: hypersearch vs Optuna, same loop, interleaved.

Each library runs the same objective: ``n_trials`` trials, each reporting up
to ``n_steps`` values (a deterministic curve per trial) and asking
``should_prune()`` after every report. Only the time spent inside
``report`` + ``should_prune`` is counted (this thread's CPU time by default,
``--wall`` for wall clock); trials of the two libraries run alternately so
machine noise hits both alike.

    PYTHONPATH=. python bench/scripts/pruner_overhead.py [--trials 200] [--steps 100]
"""

from __future__ import annotations

import argparse
import math
import time
import warnings
from collections.abc import Callable
from typing import Any

import optuna

import hypersearch as hs


def curve(number: int, step: int) -> float:
    """A learning curve: trial-specific level and speed, a small wiggle."""
    level = 0.1 + ((number * 7919) % 101) / 101.0
    speed = 0.5 + ((number * 104729) % 37) / 37.0
    return level + math.exp(-speed * step / 20.0) + 0.01 * math.sin(number + step)


def clock_overhead(clock: Callable[[], float], n: int = 20000) -> float:
    """Mean seconds an empty ``t0 = clock(); clock() - t0`` interval reads (subtracted)."""
    spent = 0.0
    for _ in range(n):
        t0 = clock()
        spent += clock() - t0
    return spent / n


def make_pairs() -> dict[str, tuple[Callable[[], Any], Callable[[], Any]]]:
    return {
        "median": (lambda: hs.pruners.MedianPruner(), lambda: optuna.pruners.MedianPruner()),
        "sha": (
            lambda: hs.pruners.SuccessiveHalvingPruner(),
            lambda: optuna.pruners.SuccessiveHalvingPruner(),
        ),
        "hyperband": (
            lambda: hs.pruners.HyperbandPruner(),
            lambda: optuna.pruners.HyperbandPruner(),
        ),
    }


class Runner:
    """One study of one library, advanced one trial at a time."""

    def __init__(self, lib: str, pruner: Any, n_steps: int, obey: bool, cpu: bool) -> None:
        self.lib = lib
        self.cpu = cpu
        self.obey = obey
        self.n_steps = n_steps
        if lib == "hs":
            self.study = hs.create_study(pruner=pruner, sampler=hs.samplers.RandomSampler(seed=0))
            self.pruned = hs.TrialState.PRUNED
        else:
            self.study = optuna.create_study(
                pruner=pruner, sampler=optuna.samplers.RandomSampler(seed=0)
            )
            self.pruned = optuna.trial.TrialState.PRUNED
        self.seconds = 0.0
        self.calls = 0
        self.n_pruned = 0

    def one_trial(self) -> None:
        trial = self.study.ask()
        trial.suggest_float("x", 0.0, 1.0)
        number = trial.number
        clock = time.thread_time if self.cpu else time.perf_counter
        spent = 0.0
        for step in range(self.n_steps):
            value = curve(number, step)
            t0 = clock()
            trial.report(value, step)
            prune = trial.should_prune()
            spent += clock() - t0
            self.calls += 1
            if prune:
                self.n_pruned += 1
                if self.obey:
                    self.seconds += spent
                    self.study.tell(trial, state=self.pruned)
                    return
        self.seconds += spent
        self.study.tell(trial, curve(number, self.n_steps - 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--only", default="")
    parser.add_argument("--hs-only", action="store_true", help="skip Optuna (scaling runs)")
    parser.add_argument(
        "--wall",
        action="store_true",
        help="time with perf_counter (default: this thread's CPU time, robust on a busy machine)",
    )
    parser.add_argument(
        "--obey",
        action="store_true",
        help="stop pruned trials (default: every trial runs all steps, decisions are counted)",
    )
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    hs.logging.set_verbosity(hs.logging.WARNING)
    warnings.simplefilter("ignore")
    mode = "pruned trials stop" if args.obey else "decisions counted, never obeyed"
    clock = "wall clock" if args.wall else "thread CPU time"
    print(
        f"{args.trials} trials x {args.steps} steps, report + should_prune per step ({mode}, {clock})"
    )
    overhead = clock_overhead(time.perf_counter if args.wall else time.thread_time)
    print(f"(clock overhead {1e6 * overhead:.2f} us per interval, subtracted)")
    print(
        f"{'pruner':<10} {'hs us/call':>11} {'optuna us/call':>15} {'ratio':>7}  prune decisions hs/optuna"
    )
    for name, (ours, theirs) in make_pairs().items():
        if args.only and name != args.only:
            continue
        hs_run = Runner("hs", ours(), args.steps, args.obey, not args.wall)
        op_run = Runner("optuna", theirs(), args.steps, args.obey, not args.wall)
        for _ in range(args.trials):
            hs_run.one_trial()
            if not args.hs_only:
                op_run.one_trial()
        a = 1e6 * (hs_run.seconds / hs_run.calls - overhead)
        b = (
            1e6 * (op_run.seconds / max(op_run.calls, 1) - overhead)
            if not args.hs_only
            else math.nan
        )
        print(f"{name:<10} {a:11.1f} {b:15.1f} {b / a:6.1f}x  {hs_run.n_pruned}/{op_run.n_pruned}")


if __name__ == "__main__":
    main()
