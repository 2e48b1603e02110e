from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.importance import StepCorrelation, _rank_correlation, rung_rank_correlation
from hypersearch.importance._rank_correlation import spearman


def _study(curve, n_trials=12, pruner=None):  # type: ignore[no-untyped-def]
    hs.logging.set_verbosity(hs.logging.WARNING)
    study = hs.create_study(
        sampler=hs.samplers.RandomSampler(seed=0), pruner=pruner or hs.pruners.NopPruner()
    )

    def objective(trial):  # type: ignore[no-untyped-def]
        x = trial.suggest_float("x", 0.0, 1.0)
        values = curve(x)
        for step, v in values.items():
            trial.report(v, step)
            if trial.should_prune():
                raise hs.TrialPruned()
        return x

    study.optimize(objective, n_trials=n_trials)
    return study


def test_misleading_early_step_is_negative_and_late_step_is_one() -> None:
    # step 1 ranks the trials in reverse, step 5 like the final value (= x).
    study = _study(lambda x: {1: -x, 3: (x - 0.5) ** 2, 5: 2 * x + 1})
    got = {c.step: c for c in rung_rank_correlation(study)}
    assert got[1].rho == pytest.approx(-1.0)
    assert got[5].rho == pytest.approx(1.0)
    assert -1.0 < got[3].rho < 1.0
    assert all(c.n_trials == 12 for c in got.values())


def test_explicit_steps_min_trials_and_missing_steps() -> None:
    # only trials with x < 0.5 report step 2: fewer trials there.
    study = _study(lambda x: {1: x, **({2: x} if x < 0.5 else {})}, n_trials=20)
    n_low = sum(t.params["x"] < 0.5 for t in study.trials)
    got = rung_rank_correlation(study, steps=[2, 1, 7], min_trials=n_low + 1)
    assert [c.step for c in got] == [1, 2, 7]
    assert got[0].rho == pytest.approx(1.0)
    assert got[1].n_trials == n_low and math.isnan(got[1].rho)  # below min_trials
    assert got[2].n_trials == 0 and math.isnan(got[2].rho)
    assert isinstance(got[2], StepCorrelation)
    # default steps: only those with at least min_trials reports
    assert [c.step for c in rung_rank_correlation(study, min_trials=n_low + 1)] == [1]


def test_pruned_trials_are_left_out() -> None:
    study = _study(
        lambda x: {1: x, 2: x}, n_trials=15, pruner=hs.pruners.ThresholdPruner(upper=0.6)
    )
    complete = [t for t in study.trials if t.state == hs.TrialState.COMPLETE]
    assert 0 < len(complete) < 15
    assert rung_rank_correlation(study, min_trials=2)[0].n_trials == len(complete)


def test_spearman_ties_and_constants() -> None:
    tied = np.array([1.0, 2.0, 2.0, 3.0])
    assert spearman(tied, tied) == 1.0
    assert spearman(tied, -tied) == -1.0
    assert math.isnan(spearman(np.array([1.0, 1.0, 1.0]), np.array([1.0, 2.0, 3.0])))
    assert math.isnan(spearman(np.array([1.0]), np.array([2.0])))


def test_bad_input_is_named() -> None:
    study = _study(lambda x: {1: x}, n_trials=3)
    with pytest.raises(ValueError, match="min_trials"):
        rung_rank_correlation(study, min_trials=1)
    with pytest.raises(ValueError, match="steps"):
        rung_rank_correlation(study, steps=[-1])
    mo = hs.create_study(directions=["minimize", "minimize"])
    with pytest.raises(ValueError, match="single-objective"):
        rung_rank_correlation(mo)


def test_docstring_example_runs() -> None:
    result = doctest.testmod(_rank_correlation)
    assert result.attempted > 0 and result.failed == 0
