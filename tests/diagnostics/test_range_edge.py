"""The range-edge finding: fires on a range that cuts the optimum off, not on one that holds it."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.diagnostics import _range_edge as R
from hypersearch.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from tests.diagnostics._build import sampled, study_from

X = FloatDistribution(0.0, 10.0)
LR = FloatDistribution(1e-4, 1e-2, log=True)
NOISE = FloatDistribution(0.0, 1.0)


def _edges(study: hs.Study) -> list[hs.diagnostics.Finding]:
    return [f for f in study.diagnose() if f.kind == "range_edge"]


def test_fires_at_the_high_edge_of_a_log_range_that_excludes_the_optimum():
    # the optimum of lr is 0.1, one decade above the range: the best trials sit at 1e-2
    rows = sampled(80, {"lr": LR, "w": NOISE}, lambda p: (math.log10(p["lr"]) + 1) ** 2)
    (finding,) = _edges(study_from(rows, {"lr": LR, "w": NOISE}))
    assert finding.params == ("lr",) and finding.detail == "high"
    ev = finding.evidence
    assert ev["top_k"] == 8 and ev["top_k_in_edge"] >= 4 and ev["p_value"] < 1e-3
    low, high = ev["suggested_range"]
    assert low == pytest.approx(1e-4) and high == pytest.approx(0.1)  # half the log width more
    assert "log=True" in finding.action and "0.1" in finding.action


def test_fires_at_the_low_edge_of_a_linear_range():
    rows = sampled(100, {"x": X, "w": NOISE}, lambda p: (p["x"] + 3.0) ** 2 + p["w"] * 0.1)
    (finding,) = _edges(study_from(rows, {"x": X, "w": NOISE}))
    assert finding.params == ("x",) and finding.detail == "low"
    assert finding.evidence["suggested_range"] == [-5.0, 10.0]
    assert "if values below 0 are valid" in finding.action
    rows = sampled(100, {"x": FloatDistribution(2.0, 10.0)}, lambda p: p["x"])
    (finding,) = _edges(study_from(rows, {"x": FloatDistribution(2.0, 10.0)}))
    assert finding.evidence["suggested_range"] == [0.0, 10.0]  # a positive range: 0, not -2


@pytest.mark.parametrize("seed", range(5))
def test_quiet_when_the_optimum_lies_inside_a_wide_range(seed):
    dists = {"x": X, "lr": LR, "w": NOISE}
    rows = sampled(
        120,
        dists,
        lambda p: (p["x"] - 4.0) ** 2 + (math.log10(p["lr"]) + 3) ** 2,
        seed=seed,
    )
    assert _edges(study_from(rows, dists)) == []


def test_int_parameters_are_tested_and_categoricals_never():
    dists = {
        "n": IntDistribution(1, 64),
        "c": CategoricalDistribution(["a", "b", "c"]),
        "w": NOISE,
    }

    def f(p):
        return -p["n"] + (0.0 if p["c"] == "c" else 3.0)  # best: the largest n, choice "c"

    (finding,) = _edges(study_from(sampled(200, dists, f), dists))
    assert finding.params == ("n",) and finding.detail == "high"
    low, high = finding.evidence["suggested_range"]
    assert (low, high) == (1, 96) and isinstance(high, int)


def test_too_few_trials_give_no_finding():
    rows = sampled(R.MIN_TRIALS - 1, {"x": X}, lambda p: -p["x"])
    assert _edges(study_from(rows, {"x": X})) == []
    rows = sampled(R.MIN_TRIALS + 80, {"x": X}, lambda p: -p["x"])
    assert len(_edges(study_from(rows, {"x": X}))) == 1


def test_a_drifting_useless_parameter_is_told_apart_by_its_contemporaries():
    # w piles at its low edge late in the search, when every trial is better anyway
    rng = np.random.default_rng(1)
    rows = []
    for i in range(100):
        late = i >= 60  # from a block boundary on (blocks of 20 trials)
        w = float(rng.uniform(0, 0.05)) if late and rng.random() < 0.8 else float(rng.uniform())
        rows.append(
            ({"w": w, "x": float(rng.uniform(0, 10))}, (0.0 if late else 5.0) + rng.random())
        )
    study = study_from(rows, {"w": NOISE, "x": X})
    u = np.array([r[0]["w"] for r in rows])
    y = np.array([r[1] for r in rows])
    side, k, x, _share, p_top, p_within, _matched = R.edge_evidence(
        NOISE, u, y, np.empty((100, 0))
    )[0]
    assert side == "low" and x >= 0.5 * k and p_top < 1e-4  # the top-k count alone: a false alarm
    assert p_within > R.LEVEL
    assert _edges(study) == []


def test_widened_keeps_the_grid_and_integer_bounds():
    assert R.widened(IntDistribution(0, 10, step=2), "high") == (0, 16)
    assert R.widened(IntDistribution(1, 16, log=True), "low") == (1, 16)  # cannot go below 1
    assert R.widened(IntDistribution(2, 32, log=True), "high") == (2, 128)
    low, high = R.widened(FloatDistribution(0.0, 1.0, step=0.1), "high")
    assert (low, high) == pytest.approx((0.0, 1.5))


def test_binomial_tail():
    assert R.binomial_tail(0, 5, 0.3) == 1.0
    assert R.binomial_tail(5, 5, 0.5) == pytest.approx(1 / 32)
    assert R.binomial_tail(2, 3, 0.5) == pytest.approx(0.5)
    assert R.binomial_tail(1, 3, 0.0) == 0.0
