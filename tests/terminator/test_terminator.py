"""The stopping rule: regret bound, error evaluators, terminators, stop="auto", its record."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.distributions import FloatDistribution
from hypersearch.terminator import (
    BestValueStagnationEvaluator,
    CrossValidationErrorEvaluator,
    EMMREvaluator,
    MedianErrorEvaluator,
    RegretBoundEvaluator,
    StaticErrorEvaluator,
    StopWhenConverged,
    Terminator,
    TerminatorCallback,
    report_cross_validation_scores,
    stop_record,
)
from hypersearch.testing.travel import check_round_trip


def _quadratic(trial):
    x = trial.suggest_float("x", -3.0, 3.0)
    return (x - 1.0) ** 2


def _study(n_trials, seed=0, objective=_quadratic, **kwargs):
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=seed), **kwargs)
    study.optimize(objective, n_trials=n_trials)
    return study


def _noisy_cv(trial):
    """Fold scores whose spread (0.3) dwarfs any difference the search could still make."""
    x = trial.suggest_float("x", -1.0, 1.0)
    scores = [x * x + s for s in (-0.3, 0.0, 0.3)]
    report_cross_validation_scores(trial, scores)
    return float(np.mean(scores))


# -- the regret bound ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_bound_covers_the_true_regret(seed):
    study = _study(30, seed)
    bound = RegretBoundEvaluator(seed=seed).evaluate(study.trials, study.direction)
    assert math.isfinite(bound) and bound >= study.best_value - 0.0  # optimum 0 at x = 1


def test_the_bound_is_the_same_for_a_maximised_negation():
    xs = np.random.default_rng(3).uniform(-3, 3, 25)
    dist = {"x": FloatDistribution(-3, 3)}

    def trials(sign):
        return [
            hs.create_trial(value=sign * (x - 1) ** 2, params={"x": x}, distributions=dist)
            for x in xs
        ]

    low = RegretBoundEvaluator(seed=0).evaluate(trials(1), hs.StudyDirection.MINIMIZE)
    high = RegretBoundEvaluator(seed=0).evaluate(trials(-1), hs.StudyDirection.MAXIMIZE)
    assert low == pytest.approx(high) and low > 0


def test_the_bound_shrinks_as_trials_pile_up_near_the_optimum():
    study = _study(20)
    dist = {"x": FloatDistribution(-3, 3)}
    for x in np.linspace(0.9, 1.1, 40):
        study.add_trial(hs.create_trial(value=(x - 1) ** 2, params={"x": x}, distributions=dist))
    evaluator = RegretBoundEvaluator(seed=0)
    early = evaluator.evaluate(study.trials[:20], study.direction)
    late = evaluator.evaluate(study.trials, study.direction)
    assert late < early


def test_bound_bad_input():
    evaluator = RegretBoundEvaluator()
    with pytest.raises(ValueError, match="No trial has completed"):
        evaluator.evaluate([], hs.StudyDirection.MINIMIZE)
    two = hs.create_study(directions=["minimize", "minimize"])
    two.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=2)
    with pytest.raises(ValueError, match="single-objective"):
        evaluator.evaluate(two.trials, hs.StudyDirection.MINIMIZE)
    with pytest.raises(ValueError, match="top_trials_ratio"):
        RegretBoundEvaluator(top_trials_ratio=0)
    with pytest.raises(ValueError, match="delta"):
        RegretBoundEvaluator(delta=1.0)


# -- errors -------------------------------------------------------------------------------


def test_cross_validation_error_is_the_corrected_standard_error():
    study = hs.create_study(direction="maximize")
    scores = [0.8, 0.9, 0.85]

    def objective(trial):
        trial.suggest_float("x", 0, 1)
        report_cross_validation_scores(trial, scores)
        return float(np.mean(scores))

    study.optimize(objective, n_trials=2)
    expected = math.sqrt((1 / 3 + 1 / 2) * np.var(scores))
    got = CrossValidationErrorEvaluator().evaluate(study.trials, study.direction)
    assert got == pytest.approx(expected)
    assert StaticErrorEvaluator(0.25).evaluate(study.trials, study.direction) == 0.25


def test_report_cross_validation_scores_bad_input_leaves_the_study_usable():
    study = hs.create_study()
    trial = study.ask()
    for bad, match in (([0.5], "at least 2"), ([0.5, math.nan], "finite"), (["a", 1], "number")):
        with pytest.raises(ValueError, match=match):
            report_cross_validation_scores(trial, bad)
    study.tell(trial, 1.0)
    with pytest.raises(ValueError, match="no cross-validation scores"):
        CrossValidationErrorEvaluator().evaluate(study.trials, study.direction)
    assert study.best_value == 1.0


def test_stagnation_counts_trials_since_the_best():
    study = hs.create_study()
    for v in (3.0, 1.0, 2.0, 2.0):
        study.enqueue_trial({"x": v})
    study.optimize(lambda t: t.suggest_float("x", 0, 5), n_trials=4)
    assert BestValueStagnationEvaluator(5).evaluate(study.trials, study.direction) == 3.0
    with pytest.raises(ValueError):
        BestValueStagnationEvaluator(-1)


# -- terminators and callbacks ---------------------------------------------------------------


def test_terminator_callback_stops_a_stagnating_study():
    terminator = Terminator(BestValueStagnationEvaluator(5), min_n_trials=2)
    study = hs.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1) * 0 + 1.0, n_trials=50,
                   callbacks=[TerminatorCallback(terminator)])  # fmt: skip
    assert len(study.trials) == 7  # 5 - (n - 1) < 0 first at n = 7
    record = stop_record(study)
    assert record.stopped and record.rule == "stagnation" and record.error_source == "static"
    assert [p[0] for p in record.trace] == list(range(1, 7))


def test_terminator_waits_for_min_n_trials_and_compares_bound_with_error():
    study = _study(12)
    assert not Terminator(error_evaluator=StaticErrorEvaluator(math.inf)).should_terminate(study)
    assert stop_record(study) is None
    assert Terminator(error_evaluator=StaticErrorEvaluator(1e9), min_n_trials=10).should_terminate(
        study
    )
    assert not Terminator(
        error_evaluator=StaticErrorEvaluator(0), min_n_trials=10
    ).should_terminate(study)
    assert stop_record(study).stopped is False and len(stop_record(study).trace) == 1


def test_emmr_with_median_error():
    study = _study(16, seed=4)
    emmr = EMMREvaluator(seed=0)
    value = emmr.evaluate(study.trials, study.direction)
    assert math.isfinite(value) and value >= 0
    assert EMMREvaluator(min_n_trials=20).evaluate(study.trials, study.direction) == math.inf
    median = MedianErrorEvaluator(emmr, warm_up_trials=4, n_initial_trials=3)
    assert median.evaluate(study.trials[:6], study.direction) == -math.inf
    threshold = median.evaluate(study.trials, study.direction)
    assert 0 <= threshold < math.inf and median.evaluate([], study.direction) == threshold
    with pytest.raises(ValueError):
        EMMREvaluator(min_n_trials=1)


# -- StopWhenConverged and optimize(stop=...) ---------------------------------------------------


def test_stop_auto_stops_when_the_cv_noise_dwarfs_the_bound():
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    study.optimize(_noisy_cv, n_trials=60, stop="auto")
    record = stop_record(study)
    assert len(study.trials) == 20 and record.stopped and record.error_source == "cv"
    assert record.improvement < record.error
    assert "Stopping rule: stopped by the regret-bound rule at trial 19" in study.summary()


def test_stop_when_converged_runs_on_while_the_bound_exceeds_a_zero_tolerance():
    callback = StopWhenConverged(error=0.0, min_trials=10, check_every=5)
    study = _study(0)
    study.optimize(_quadratic, n_trials=30, callbacks=[callback])
    record = stop_record(study)
    assert len(study.trials) == 30 and not record.stopped
    assert [p[0] for p in record.trace] == [9, 14, 19, 24, 29]  # every 5th complete trial
    again = check_round_trip(callback)
    study.optimize(_quadratic, n_trials=5, callbacks=[again])
    assert stop_record(study).trace[-1][0] == 34


def test_patience_needs_consecutive_checks_below_the_error():
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=1))
    study.optimize(_noisy_cv, n_trials=60, callbacks=[StopWhenConverged(patience=3)])
    assert len(study.trials) == 24  # checks at 20, 22 and 24 complete trials (every n // 10)


def test_stop_bad_input_leaves_the_study_unchanged():
    study = hs.create_study()
    with pytest.raises(ValueError, match="stop must be"):
        study.optimize(_quadratic, n_trials=3, stop="yes")
    two = hs.create_study(directions=["minimize", "maximize"])
    with pytest.raises(ValueError, match="single-objective"):
        two.optimize(lambda t: (1.0, 2.0), n_trials=3, stop="auto")
    assert study.trials == [] and two.trials == []
    for kwargs in ({"error": "x"}, {"tolerance": -1}, {"patience": 0}, {"min_trials": 1}):
        with pytest.raises(ValueError):
            StopWhenConverged(**kwargs)


def test_a_study_without_shared_parameters_is_not_judged():
    def conditional(trial):
        name = "a" if trial.number % 2 else "b"
        return trial.suggest_float(name, 0, 1)

    study = hs.create_study()
    study.optimize(conditional, n_trials=24, callbacks=[StopWhenConverged()])
    assert len(study.trials) == 24 and stop_record(study) is None


def test_terminator_object_and_callbacks_pickle():
    for obj in (StopWhenConverged(seed=1), TerminatorCallback(), Terminator()):
        assert type(pickle.loads(pickle.dumps(obj))) is type(obj)
