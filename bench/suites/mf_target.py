"""Issue #5's multi-fidelity target: time to reach Optuna TPE + Hyperband's final error.

Per problem, with the runs of every method on the same seeds and the same budget T:

* target ``A`` = the median over seeds of the reference method's final incumbent
  (``optuna-tpe-hyperband``);
* one run's time-to-target ``t`` = the first simulated time its incumbent is ``<= A``, as a
  fraction of T (``inf``: never within T);
* a method's time ``t_A`` = the *survival median* of its runs' times: the first time by which
  at least half of its runs have reached A, i.e. the ``ceil(n / 2)``-th smallest time
  (``inf`` when fewer than half of the runs ever reach it).  Unlike ``np.median`` over
  times with ``inf`` for "never", this is finite for the reference method itself (half
  of its runs end at or below their own median final value);
* ratio vs the reference = ``t_A(reference) / t_A(method)`` (0 when the method's median
  run never gets there); "half the time" means ratio >= 2;
* speed-up vs random search without pruning = ``t_A(random) / t_A(method)``.  Random search
  is simulated past T (to a horizon H x T, see the suite) so that its time is measured,
  not cut at T; when its median run never reaches A within H x T the speed-up is only
  known to exceed ``H / t_A(method)``; that lower bound is used (and printed with ``>``).  A method whose
  median run never reaches A scores 0 on both ratios.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

REFERENCE = "optuna-tpe-hyperband"
BASELINE = "random"
HALF_TIME_RATIO = 2.0  # "at most half the simulated time of the reference"
RANDOM_SPEEDUP = 3.0  # "at least 3x faster than random search without pruning"


def survival_median(times: Sequence[float]) -> float:
    """First time by which at least half of the runs reached the target (inf: never).

    ``times`` holds one time-to-target per run, ``inf`` for a run that never reached it.
    The answer is the ``ceil(n / 2)``-th smallest value (NaN for no runs).
    """
    if not times:
        return math.nan
    if any(math.isnan(t) for t in times):
        raise ValueError(f"survival_median: times must not be NaN, got {list(times)!r}.")
    ordered = sorted(times)
    return ordered[math.ceil(len(ordered) / 2) - 1]


@dataclass(frozen=True)
class Speedup:
    """A ratio of times ``slow / fast``; ``lower_bound``: ``slow`` was censored at T."""

    value: float
    lower_bound: bool = False

    def __str__(self) -> str:
        if math.isnan(self.value):
            return "n/a"
        if self.value == 0.0:
            return "none"
        return f"{'>' if self.lower_bound else ''}{self.value:.3g}x"


def speedup(slow: float, fast: float, slow_horizon: float = 1.0) -> Speedup:
    """``slow / fast`` for two survival-median times (fractions of T, inf = never).

    ``fast`` never reached: 0 (the method is not faster at all, even when ``slow`` never
    reached it either).  ``slow`` never reached within its simulated horizon (a multiple
    of T): the lower bound ``slow_horizon / fast``.  NaN (no runs) on either side: NaN.
    """
    if math.isnan(slow) or math.isnan(fast):
        return Speedup(math.nan)
    if math.isinf(fast):
        return Speedup(0.0)
    fast = max(fast, 1e-12)
    if math.isinf(slow):
        return Speedup(slow_horizon / fast, lower_bound=True)
    return Speedup(slow / fast)


def median_speedup(values: Sequence[Speedup]) -> Speedup:
    """Median over problems (NaNs dropped); a lower bound if the median value is one."""
    known = sorted((s for s in values if not math.isnan(s.value)), key=lambda s: s.value)
    if not known:
        return Speedup(math.nan)
    n = len(known)
    if n % 2:
        return known[n // 2]
    a, b = known[n // 2 - 1], known[n // 2]
    return Speedup(0.5 * (a.value + b.value), a.lower_bound or b.lower_bound)


def median_time(times: Sequence[float]) -> float:
    """Median over problems of survival-median times, inf (never) sorting last."""
    known = sorted(t for t in times if not math.isnan(t))
    if not known:
        return math.nan
    n = len(known)
    if n % 2:
        return known[n // 2]
    a, b = known[n // 2 - 1], known[n // 2]
    return math.inf if math.isinf(b) else 0.5 * (a + b)
