"""Pitfalls, diagnose overhead: what the checks during ``optimize`` cost per trial.

Two measurements. (1) ``diagnose(study)`` alone on studies of n random-sampled
trials (5 parameters: 3 floats, one log, an int and a categorical), and what it
costs per trial when run at the checkpoints (20, 40, 80, ..., 640, then every 500 or 25%)
up to n. (2) ``study.optimize`` with a trivial objective and the random sampler,
``diagnose=True`` against ``diagnose=False``, interleaved repetitions in one
process: the median time per trial of each, their ratio, and the time spent inside the
checks themselves (on a loaded machine the end-to-end ratio is noisy; the time inside
the checks is what they cost).
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
    n_random, n_tpe = (200, 50) if opts.quick else (2000, 500)
    reps = 1 if opts.quick else 5
    lines = [
        f"### `study.optimize` (in memory), on against off, median of {reps} interleaved runs",
        "",
        "| sampler | trials | diagnose off: ms per trial | on (default): ms per trial | ratio "
        "| time inside the checks: ms per trial (share of the run) |",
        "|---|---|---|---|---|---|",
    ]
    for name, n in (("RandomSampler", n_random), ("TPESampler", n_tpe)):
        off, on, inside = _on_off(name, n, reps)
        lines.append(
            f"| {name} | {n} | {1e3 * off:.3f} | {1e3 * on:.3f} | {on / off:.2f} "
            f"| {1e3 * inside:.3f} ({inside / on:.1%}) |"
        )
    return lines + [""]


def _on_off(sampler: str, n: int, reps: int) -> tuple[float, float, float]:
    """Seconds per trial: off, on, and inside the checks (on)."""
    import hypersearch as hs
    from hypersearch.diagnostics import _hook

    log(f"pitfalls diagnose-overhead: {sampler}, {n} trials x {reps} reps, on and off")
    real = _hook.log_new_findings
    spent: list[float] = []

    def timed(study):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return real(study)
        finally:
            spent.append(time.perf_counter() - start)

    _hook.log_new_findings = timed
    times: dict[bool, list[float]] = {True: [], False: []}
    inside: list[float] = []
    try:
        for rep in range(reps):
            for flag in (True, False) if rep % 2 == 0 else (False, True):
                study = hs.create_study(sampler=getattr(hs.samplers, sampler)(seed=rep))
                spent.clear()
                start = time.perf_counter()
                study.optimize(_objective, n_trials=n, diagnose=flag)
                times[flag].append((time.perf_counter() - start) / n)
                if flag:
                    inside.append(sum(spent) / n)
    finally:
        _hook.log_new_findings = real
    return (
        float(np.median(times[False])),
        float(np.median(times[True])),
        float(np.median(inside)),
    )


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
