from __future__ import annotations

import math

import pytest

import hypersearch as hs
from hypersearch.pruners import BasePruner, PatientPruner, ThresholdPruner


class Always(BasePruner):
    def __init__(self) -> None:
        self.calls = 0

    def prune(self, study, trial) -> bool:
        self.calls += 1
        return True


def test_threshold_band_warmup_interval_nan(helpers):
    study = helpers["make_study"](ThresholdPruner(lower=0.0, upper=1.0))
    assert helpers["running"](study, [0.5, 1.0, 0.0, 1.5, -0.1, math.nan])[1] == [
        False,
        False,
        False,
        True,
        True,
        True,
    ]
    study = helpers["make_study"](ThresholdPruner(upper=1.0, n_warmup_steps=2, interval_steps=2))
    assert helpers["running"](study, [5.0] * 6)[1] == [False, False, True, False, True, False]
    study = helpers["make_study"](ThresholdPruner(lower=2.0))
    assert helpers["running"](study, [3.0, 1.0])[1] == [False, True]


def test_threshold_judges_the_largest_step():
    study = hs.create_study(pruner=ThresholdPruner(upper=1.0))
    trial = study.ask()
    trial.report(0.5, 5)
    trial.report(9.0, 2)  # out of order: the latest step is still 5
    assert trial.should_prune() is False


def test_patient_waits_for_a_plateau(helpers):
    inner = Always()
    study = helpers["make_study"](PatientPruner(inner, patience=2))
    # improving every step: never stalled
    assert helpers["running"](study, [5.0, 4.0, 3.0, 2.0, 1.0])[1] == [False] * 5
    assert inner.calls == 0
    # best past 1.0 at step 0; steps 1..3 never beat it -> stalled from step 3 on
    assert helpers["running"](study, [1.0, 2.0, 2.0, 2.0, 0.5])[1] == [
        False,
        False,
        False,
        True,
        False,
    ]
    assert inner.calls == 1


def test_patient_min_delta_maximize_and_zero_patience(helpers):
    study = helpers["make_study"](PatientPruner(None, patience=1, min_delta=0.5), "maximize")
    # improvement of 0.3 < min_delta counts as none
    assert helpers["running"](study, [1.0, 1.3, 1.2])[1] == [False, False, True]
    assert helpers["running"](study, [1.0, 1.6, 1.2])[1] == [False, False, False]
    study = helpers["make_study"](PatientPruner(None, patience=0))
    assert helpers["running"](study, [1.0, 1.5, 0.0])[1] == [False, True, False]
    assert helpers["running"](study, [1.0, 1.0])[1] == [False, False]  # equal: not stalled


def test_patient_nan_window_and_wrapped_decides(helpers):
    study = helpers["make_study"](PatientPruner(None, patience=1))
    assert helpers["running"](study, [1.0, math.nan, math.nan])[1] == [False, False, True]
    median = hs.pruners.MedianPruner(n_startup_trials=0)
    study = helpers["make_study"](PatientPruner(median, patience=0))
    helpers["complete"](study, [10.0] * 3)
    # stalled at step 2, but the median pruner says it is better than the others
    assert helpers["running"](study, [1.0, 0.5, 0.7])[1] == [False, False, False]


@pytest.mark.parametrize(
    "make,name",
    [
        (lambda: ThresholdPruner(lower=2.0, upper=1.0), "lower"),
        (lambda: ThresholdPruner(), "lower or upper"),
        (lambda: ThresholdPruner(upper=1.0, n_warmup_steps=-1), "n_warmup_steps"),
        (lambda: ThresholdPruner(upper=1.0, interval_steps=0), "interval_steps"),
        (lambda: ThresholdPruner(upper=math.nan), "upper"),
        (lambda: PatientPruner(None, patience=-1), "patience"),
        (lambda: PatientPruner(None, patience=1, min_delta=-0.1), "min_delta"),
    ],
)
def test_misconfiguration(make, name):
    with pytest.raises(ValueError, match=name):
        make()


def test_patient_rejects_a_non_pruner():
    with pytest.raises(TypeError, match="wrapped_pruner"):
        PatientPruner(object(), patience=1)  # type: ignore[arg-type]
