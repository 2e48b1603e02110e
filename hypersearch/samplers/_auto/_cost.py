"""The cost rule: which samplers a trial's wall-clock time can afford.

Inputs, all read from the storage: each finished trial's duration
(``datetime_complete - datetime_start``) and the AutoSampler's own sampling time
in it (trial system attribute ``auto:overhead``, written by the AutoSampler; this
worker's own trials it knows exactly). The objective's own time is the difference.
Sampling time is CPU time (``time.thread_time``): on a loaded machine the wall time of
the same work is several times larger (bench/results/strategy-sampler-cpu.md: GP 241 ms
wall for 33 ms of CPU at load 14), and the objective's time slows down alike.

The rule compares *progress per second*. A trial sampled by a model is worth
``WORTH[m]`` random trials (measured, see below), and costs ``T + O[m]``
seconds (``T``: the objective's time, ``O[m]``: the sampler's overhead). With
``k`` workers sharing one process the sampler is the serial part, so ``T`` is
divided by ``k``. When wall-clock time is what the study spends (a ``timeout``,
no ``n_trials``), the sampler with the most worth per second wins; when only a
trial count is declared, faster sampling buys no extra trials, so TPE-like
samplers are always kept and the GP is kept unless its overhead exceeds both
the objective's time and ``OVERHEAD_FLOOR_S`` (the user's wait at most doubles).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import median

import numpy as np

from hypersearch import _keys
from hypersearch.study._history import History

OVERHEAD_KEY = _keys.AUTO_OVERHEAD

# Levels: what the cost allows. 3: a GP; 2: a GP of light effort (GPSampler(effort="light"));
# 1: TPE, CMA-ES, NSGA (ms per trial); 0: random / QMC.
GP_LEVEL, GP_LIGHT_LEVEL, MODEL_LEVEL, RANDOM_LEVEL = 3, 2, 1, 0

# Reference sampler CPU time per trial (seconds), used until the AutoSampler measured its
# own: bench/results/strategy-sampler-cpu.md ("after", the GP of s8-gp), 5 floats, n in
# (50, 100]: GP 24.6 ms (its other history sizes: GP_REFERENCE_S), TPE 1.49 ms, random 0.151 ms.
REFERENCE_OVERHEAD_S = {GP_LEVEL: 0.0246, MODEL_LEVEL: 0.00149, RANDOM_LEVEL: 0.000151}
# The GP's CPU time per trial by history size (same file: (midpoint of the window, seconds)).
GP_REFERENCE_S = ((20, 0.0163), (40, 0.0145), (75, 0.0246), (125, 0.0325), (175, 0.0415))
# Past GP_REFERENCE_S's last window the GP's time grows as n ** GP_GROWTH (gp_reference).
GP_GROWTH = 0.73
# How many random trials one model-guided trial is worth, from regret at equal trial counts:
# bench/results/quality-bbob.md, TPE at 50 trials (median regret 0.0106) beats random at 200
# (0.0237), so TPE >= 4; bench/results/quality-hpo.md GP at 50 (4.94e-05) beats TPE at 100
# (5.40e-05), and quality-gp-bbob.md GP at 50 (0.00344) ~ TPE at 100 (0.0037): GP ~ 2 x TPE.
# The strategy suite's cheap regime (10 ms trials, wall-clock budget) puts it higher: at 100
# median-trial costs the GP with ~43 trials beats TPE with ~80 on mfh3-bad and lcbench (10/0/0,
# 9/0/1), loses on sklearn-dt-digits (0/4/6), ties 4 (10 seeds), and at 30 it ranks best on
# average (strategy.md, strategy-b100.md): GP = 2.5 x TPE, so a 10 ms objective takes the GP
# while it costs < ~19 ms a trial (n < ~50).
# The light GP: GP_LIGHT_WORTH random trials a trial, LIGHT_CPU_RATIO of the GP's CPU time
# (bench/results/gp-light.md).
GP_LIGHT_WORTH = 8.5
LIGHT_CPU_RATIO = 0.35
WORTH = {GP_LEVEL: 10.0, GP_LIGHT_LEVEL: GP_LIGHT_WORTH, MODEL_LEVEL: 4.0, RANDOM_LEVEL: 1.0}
# With a trial-count budget: the GP may take this long per trial whatever the objective's time
# (ours takes ~16 ms of CPU a trial at n <= 30 in 5-D: strategy-sampler-cpu.md).
OVERHEAD_FLOOR_S = 0.01
# Trials looked at (the most recent finished ones) and the fewest that make a measurement.
WINDOW = 20
MIN_MEASURED = 5
# Trials store their sampling time every this many (and when it matters: see should_record).
RECORD_EVERY = 4
# A level goes back up only when the rule holds with this much to spare (no flip-flopping).
HYSTERESIS = 2.0
# From the light GP back to the full one (a switch costs one fresh fit, not a model's history).
EFFORT_HYSTERESIS = 1.1


# One finished trial: (duration, sampling time if known, the level that sampled it: None when
# unknown (another worker's record), WARMUP when the sampler's first trial (imports, first fit)).
Timing = tuple[float, "float | None", "int | None"]
WARMUP = -1
# This worker's own trials: number -> (sampling time, level or WARMUP), exact and unstored.
Local = dict[int, tuple[float, int]]


@dataclass(frozen=True)
class CostFacts:
    """Measured per-trial times (seconds, medians over the window)."""

    objective_s: float
    overhead_s: float  # the AutoSampler's sampling time, as measured
    n_measured: int


def measure(
    history: History,
    finished: np.ndarray,
    cache: dict[int, Timing],
    local: Local | None = None,
    level_now: int | None = None,
) -> CostFacts | None:
    """Median objective and sampling time over the last ``WINDOW`` finished trials.

    A trial's duration includes its sampling. The sampling time is known for this worker's
    own trials (``local``) and for trials that recorded it (see :func:`should_record`); the
    objective's time is the median of duration minus sampling over those. Only where fewer
    than ``MIN_MEASURED`` are known (another worker's trials) do the others count the median
    sampling time. The sampling overhead is the median of the last few trials sampled at
    ``level_now``, leaving out a sampler's first trial (its imports and first fit: the first
    TPE trial took 123 ms where the next took ~1 ms, and the objective then read as 0 ms).
    ``cache`` keeps each finished trial's timing: it does not change.
    """
    numbers = np.flatnonzero(finished)[-WINDOW:].tolist()
    own = local or {}
    pairs = [(n, t) for n in numbers if (t := _timing(history, n, cache, own)) is not None]
    timings = [t for _, t in pairs]
    if len(cache) > 4 * WINDOW:  # keep the window's trials only
        kept = {n: cache[n] for n in numbers if n in cache}
        cache.clear()
        cache.update(kept)
    if len(timings) < MIN_MEASURED:
        return None
    # the overhead over the last few of this level only: it jumps when a model ends its start-up
    recorded = [
        spent
        for _, spent, level in timings
        if spent is not None and level != WARMUP and level in (None, level_now)
    ][-MIN_MEASURED:]
    overhead = median(recorded) if recorded else 0.0
    known = [took - spent for took, spent, _ in timings if spent is not None]
    if len(known) < MIN_MEASURED:
        fill = _typical_sampling(pairs)
        known = [took - (fill if s is None else s) for took, s, _ in timings]
    return CostFacts(max(0.0, median(known)), overhead, len(timings))


def _typical_sampling(pairs: list[tuple[int, Timing]]) -> float:
    """What an unrecorded trial's sampling took: the median of the every-``RECORD_EVERY``-th
    records (a sampler's first trial and the slow ones are recorded too, and would bias it);
    else the median of any record, at most ``OVERHEAD_FLOOR_S`` (slower ones are recorded)."""
    regular = [t[1] for n, t in pairs if t[1] is not None and n % RECORD_EVERY == 0]
    if regular:
        return median(regular)
    recorded = [t[1] for _, t in pairs if t[1] is not None]
    return min(median(recorded), OVERHEAD_FLOOR_S) if recorded else 0.0


def should_record(number: int, spent: float, first_of_its_sampler: bool) -> bool:
    """Whether a trial stores its sampling time: each write costs (~1.5 ms on SQLite, loaded).

    Every ``RECORD_EVERY``-th trial, the first trial a newly chosen sampler samples, and any
    trial whose sampling took ``OVERHEAD_FLOOR_S`` or more (where the write is cheap beside it).
    """
    return number % RECORD_EVERY == 0 or first_of_its_sampler or spent >= OVERHEAD_FLOOR_S


def _timing(history: History, number: int, cache: dict[int, Timing], local: Local) -> Timing | None:
    if number in cache:
        return cache[number]
    trial = history.trial(number)
    if trial.datetime_start is None or trial.datetime_complete is None:
        return None
    took = (trial.datetime_complete - trial.datetime_start).total_seconds()
    if number in local:
        spent, level = local[number]
        timing: Timing = (took, spent, level)
    else:
        stored = trial.system_attrs.get(OVERHEAD_KEY)
        timing = (took, None if stored is None else float(stored), None)
    cache[number] = timing
    return timing


def gp_reference(n_trials: int) -> float:
    """The GP's reference CPU time per trial at ``n_trials`` (``GP_REFERENCE_S``, interpolated).

    Past the last measured window it grows as ``n ** 0.73``, the growth from n=125 to 175
    (41.5 / 32.5 = 1.28 = 1.4 ** 0.73); below the first it is flat.
    """
    sizes = [n for n, _ in GP_REFERENCE_S]
    seconds = [t for _, t in GP_REFERENCE_S]
    if n_trials <= sizes[-1]:
        return float(np.interp(n_trials, sizes, seconds))
    return seconds[-1] * (n_trials / sizes[-1]) ** GP_GROWTH


def overheads(measured: CostFacts, level_now: int, n_trials: int) -> dict[int, float]:
    """Per-level sampler overhead: the measured one for the level sampling now, else the
    reference; the two GP efforts are scaled from each other (``LIGHT_CPU_RATIO``)."""
    table = dict(REFERENCE_OVERHEAD_S)
    table[GP_LEVEL] = gp_reference(n_trials)
    if measured.overhead_s > 0.0:
        table[level_now] = measured.overhead_s
    if level_now == GP_LIGHT_LEVEL and measured.overhead_s > 0.0:
        table[GP_LEVEL] = measured.overhead_s / LIGHT_CPU_RATIO
    else:
        table[GP_LIGHT_LEVEL] = LIGHT_CPU_RATIO * table[GP_LEVEL]
    return table


def affordable_level(
    measured: CostFacts | None,
    level_now: int,
    previous: int,
    workers: int,
    time_bound: bool,
    n_trials: int = 100,
) -> int:
    """The most expensive level the measured cost affords.

    ``level_now``: the level of the sampler that sampled the recent trials (whose overhead
    was measured); ``previous``: the level at the last choice; ``n_trials``: finished trials.
    """
    if measured is None:
        return previous
    cost = overheads(measured, level_now, n_trials)
    objective = measured.objective_s / max(1, workers)
    best = _best_level(cost, objective, time_bound, slack=1.0)
    if best <= previous:
        return best
    # going back up: only when the higher level wins with HYSTERESIS to spare
    return max(previous, _best_level(cost, objective, time_bound, slack=HYSTERESIS))


def _best_level(cost: dict[int, float], objective: float, time_bound: bool, slack: float) -> int:
    if time_bound:
        rate = {lv: WORTH[lv] / (objective + cost[lv]) for lv in cost}
        best = RANDOM_LEVEL
        for level in (MODEL_LEVEL, GP_LIGHT_LEVEL, GP_LEVEL):
            step = min(slack, EFFORT_HYSTERESIS) if best == GP_LIGHT_LEVEL else slack
            if rate[level] > step * rate[best]:
                best = level
        return best
    allowed = max(objective, OVERHEAD_FLOOR_S) / slack
    for level in (GP_LEVEL, GP_LIGHT_LEVEL):
        if cost[level] <= allowed:
            return level
    return MODEL_LEVEL


def describe(measured: CostFacts | None) -> str:
    if measured is None:
        return "no trial timed yet"
    return (
        f"objective {_ms(measured.objective_s)}/trial, sampling {_ms(measured.overhead_s)}/trial "
        f"(median of {measured.n_measured})"
    )


def _ms(seconds: float) -> str:
    if not math.isfinite(seconds):
        return str(seconds)
    return f"{seconds * 1e3:.3g} ms" if seconds < 1.0 else f"{seconds:.3g} s"


__all__ = [
    "OVERHEAD_KEY",
    "WARMUP",
    "CostFacts",
    "Local",
    "affordable_level",
    "describe",
    "measure",
]
