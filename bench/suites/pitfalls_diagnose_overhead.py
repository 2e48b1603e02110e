"""Pitfalls, diagnose overhead: what the checks during ``optimize`` cost per trial.

Two measurements. (1) ``diagnose(study)`` alone on studies of n random-sampled
trials (5 parameters: 3 floats, one log, an int and a categorical), and what it
costs per trial when run at the checkpoints (20, 40, 80, ..., 640, then every 500)
up to n. (2) ``study.optimize`` with a trivial objective and the random sampler,
``diagnose=True`` against ``diagnose=False``, interleaved repetitions in one
process: the median time per trial of each and their ratio.
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

import numpy as np

from bench.suites.common import SuiteOptions, log

PART = "diagnose-overhead"


def _objective(trial) -> float:  # type: ignore[no-untyped-def]
    x = trial.suggest_float("x", -5.0, 5.0)
    y = trial.suggest_float("y", -5.0, 5.0)
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    n = trial.suggest_int("n", 1, 64)
    c = trial.suggest_categorical("c", ["a", "b", "c"])
    return x * x + 0.5 * y * y + (math.log10(lr) + 3) ** 2 + 0.01 * n + (c == "a")


def _study(n: int):  # type: ignore[no-untyped-def]
    import hypersearch as hs

    hs.logging.set_verbosity(hs.logging.ERROR)
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    study.optimize(_objective, n_trials=n, diagnose=False)
    return study


def _checkpoints(n: int) -> list[int]:
    from hypersearch.diagnostics._hook import next_checkpoint

    points, point = [], next_checkpoint(0)
    while point <= n:
        points.append(point)
        point = next_checkpoint(point)
    return points


def _time(fn, reps: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def run(opts: SuiteOptions) -> Path:
    from hypersearch.diagnostics import diagnose

    sizes = [100, 500] if opts.quick else [100, 500, 1000, 2000, 5000]
    reps = 1 if opts.quick else 3
    log(f"pitfalls diagnose-overhead: diagnose at {sizes} trials")
    study = _study(max(sizes))
    cost: dict[int, float] = {}
    for point in sorted(set(_checkpoints(max(sizes))) | set(sizes)):
        prefix = _study(point) if point != max(sizes) else study
        cost[point] = _time(lambda s=prefix: diagnose(s), reps)
    lines = _header(opts)
    lines += [
        "### `diagnose(study)` alone, and spread over the trials by the checkpoints",
        "",
        "| trials | one `diagnose` (ms) | checks up to here | their sum per trial (ms) |",
        "|---|---|---|---|",
    ]
    for n in sizes:
        points = _checkpoints(n)
        total = sum(cost[p] for p in points)
        lines.append(f"| {n} | {1e3 * cost[n]:.1f} | {len(points)} | {1e3 * total / n:.3f} |")
    lines += ["", *_optimize_rows(opts)]
    out = opts.out("pitfalls-diagnose-overhead", "md")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    return out


def _optimize_rows(opts: SuiteOptions) -> list[str]:
    import hypersearch as hs

    n = 200 if opts.quick else 2000
    reps = 1 if opts.quick else 5
    log(f"pitfalls diagnose-overhead: optimize {n} trials x {reps} reps, on and off")
    times: dict[bool, list[float]] = {True: [], False: []}
    for rep in range(reps):
        for flag in (True, False) if rep % 2 == 0 else (False, True):
            study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=rep))
            start = time.perf_counter()
            study.optimize(_objective, n_trials=n, diagnose=flag)
            times[flag].append((time.perf_counter() - start) / n)
    on, off = float(np.median(times[True])), float(np.median(times[False]))
    return [
        f"### `study.optimize` ({n} trials, random sampler, in memory), median of {reps}",
        "",
        "| diagnose | ms per trial | ratio to off |",
        "|---|---|---|",
        f"| off | {1e3 * off:.3f} | 1.00 |",
        f"| on (default) | {1e3 * on:.3f} | {on / off:.2f} |",
        "",
    ]


def _header(opts: SuiteOptions) -> list[str]:
    load = os.getloadavg()
    return [
        "# Pitfalls: what the diagnostics cost",
        "",
        (__doc__ or "").split("\n\n", 1)[1].strip(),
        "",
        f"Command: `python -m bench pitfalls --part diagnose-overhead"
        f"{' --quick' if opts.quick else ''}`; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
        f"; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} cores.",
        "",
    ]
