"""Issue #5's time-to-target arithmetic (bench/suites/mf_target.py)."""

from __future__ import annotations

import math

import pytest

from bench.suites.mf_target import (
    Speedup,
    median_speedup,
    median_time,
    speedup,
    survival_median,
)


def test_survival_median_is_the_time_half_the_runs_got_there() -> None:
    # 10 runs, 5 reached: the 5th smallest time, finite (np.median would give inf).
    times = [0.9, 0.2, math.inf, 0.5, math.inf, 0.7, math.inf, 0.1, math.inf, math.inf]
    assert survival_median(times) == 0.9
    assert survival_median([0.3, math.inf, math.inf]) == math.inf  # 1 of 3 is not half
    assert survival_median([0.4, 0.2, math.inf]) == 0.4
    assert math.isnan(survival_median([]))
    with pytest.raises(ValueError, match="NaN"):
        survival_median([0.1, math.nan])


def test_speedup_censoring_rules() -> None:
    assert speedup(0.8, 0.2) == Speedup(4.0)
    bound = speedup(math.inf, 0.25)  # slow never reached within T: only > 1/0.25 is known
    assert speedup(math.inf, 0.25, slow_horizon=4.0) == Speedup(16.0, lower_bound=True)
    assert bound == Speedup(4.0, lower_bound=True)
    assert str(bound) == ">4x"
    assert speedup(0.5, math.inf) == Speedup(0.0)
    assert speedup(math.inf, math.inf) == Speedup(0.0)
    assert str(Speedup(0.0)) == "none"
    assert math.isnan(speedup(math.nan, 0.3).value)


def test_medians_over_problems() -> None:
    got = median_speedup([Speedup(1.0), Speedup(3.0, True), Speedup(0.0), Speedup(math.nan)])
    assert got == Speedup(1.0)
    even = median_speedup([Speedup(2.0), Speedup(4.0, True)])
    assert even == Speedup(3.0, lower_bound=True)
    assert median_time([0.2, math.inf, 0.4]) == 0.4
    assert median_time([0.2, math.inf]) == math.inf
    assert median_time([0.2, 0.4, math.nan]) == pytest.approx(0.3)
