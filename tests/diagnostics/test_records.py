"""Held-out records (peeking, a growing gap) and the automatic strategy's choices."""

from __future__ import annotations

import hypersearch as hs
from hypersearch import _keys
from hypersearch.distributions import FloatDistribution
from tests.diagnostics._build import study_from

X = {"x": FloatDistribution(0.0, 1.0)}


def _study(direction: str = "minimize") -> hs.Study:
    return study_from([({"x": i / 10}, float(10 - i)) for i in range(10)], X, (direction,))


def _record(value: float, trial: int, n: int) -> dict:
    return {"value": value, "trial_number": trial, "n_trials": n, "datetime": "2026-01-01T00:00"}


def _kinds(study: hs.Study) -> dict[str, hs.diagnostics.Finding]:
    return {f.kind: f for f in study.diagnose()}


def test_one_holdout_record_is_fine():
    study = _study()
    study.set_system_attr(_keys.HOLDOUT, [_record(5.0, 9, 10)])
    assert not {"holdout_peeking", "search_overfitting"} & set(_kinds(study))


def test_several_records_are_peeking_and_a_growing_gap_is_overfitting():
    study = _study()  # minimise: trial 5 has 5.0, trial 9 has 1.0
    study.set_system_attr(_keys.HOLDOUT, [_record(5.5, 5, 6), _record(3.0, 9, 10)])
    found = _kinds(study)
    assert found["holdout_peeking"].evidence["n_records"] == 2
    assert found["holdout_peeking"].evidence["n_trials_at_each"] == [6, 10]
    overfit = found["search_overfitting"]
    assert overfit.evidence["gaps"] == [0.5, 2.0]  # held-out worse than validation, more so


def test_a_shrinking_gap_is_not_overfitting_and_maximize_flips_the_sign():
    study = _study()
    study.set_system_attr(_keys.HOLDOUT, [_record(7.0, 5, 6), _record(1.5, 9, 10)])
    assert "search_overfitting" not in _kinds(study)
    study = _study("maximize")  # maximise: trial 9 (1.0) is the worst, trial 0 (10.0) the best
    study.set_system_attr(_keys.HOLDOUT, [_record(4.0, 5, 6), _record(7.0, 0, 10)])
    assert _kinds(study)["search_overfitting"].evidence["gaps"] == [1.0, 3.0]


def test_malformed_records_are_skipped_not_raised():
    study = _study()
    bad = ["text", {"value": "x"}, {"value": float("nan")}, _record(3.0, 99, 10)]
    study.set_system_attr(_keys.HOLDOUT, bad + [_record(5.5, 5, 6)])
    found = _kinds(study)
    assert found["holdout_peeking"].evidence["n_records"] == 2  # the two with a number
    assert "search_overfitting" not in found  # trial 99 does not exist: one gap only
    study.set_system_attr(_keys.HOLDOUT, "not a list")
    assert "holdout_peeking" not in _kinds(study)


def test_auto_choices_are_reported_as_notes():
    study = _study()
    study.set_system_attr(
        _keys.AUTO_CHOICES,
        [
            {"sampler": "TPESampler", "reason": "mixed space", "n_trials": 0},
            {"sampler": "GPSampler", "reason": "small continuous space", "n_trials": 20},
        ],
    )
    notes = [f for f in study.diagnose() if f.kind == "auto_choice"]
    assert [n.evidence["sampler"] for n in notes] == ["TPESampler", "GPSampler"]
    assert all(n.severity == "info" for n in notes)
    assert "GPSampler at 20 trials: small continuous space" in notes[1].message
    assert notes[0].key != notes[1].key
