"""trial.report in multi-objective studies: one number per direction, checked, stored as a tuple."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.storages import InMemoryStorage, SQLStorage, export_json, import_json


def _trial(n_objectives=2, storage=None):
    study = hs.create_study(
        directions=["minimize"] * n_objectives, storage=storage, pruner=hs.pruners.NopPruner()
    )
    return study, study.ask()


def test_vector_report_is_stored_as_a_tuple():
    study, trial = _trial(3)
    trial.report([1, 2.5, math.inf], 0)
    trial.report(np.array([0.5, math.nan, -1.0]), 1)
    iv = trial.frozen.intermediate_values
    assert iv[0] == (1.0, 2.5, math.inf) and type(iv[0]) is tuple
    assert iv[1][0] == 0.5 and math.isnan(iv[1][1])
    stored = study.trials[0].intermediate_values
    assert stored[0] == (1.0, 2.5, math.inf) and type(stored[1]) is tuple


@pytest.mark.parametrize(
    "value, error, message",
    [
        (1.0, TypeError, "takes a sequence of 2 numbers"),
        ("ab", TypeError, "takes a sequence of 2 numbers"),
        ([1.0], ValueError, "got 1 values but the study has 2 objectives"),
        ([1.0, 2.0, 3.0], ValueError, "got 3 values"),
        ([1.0, "x"], TypeError, r"value\[1\] must be a number"),
        ([True, 1.0], TypeError, r"value\[0\] must be a number"),
    ],
)
def test_bad_vectors_in_multi_objective_studies(value, error, message):
    study, trial = _trial(2)
    with pytest.raises(error, match=message):
        trial.report(value, 0)
    assert study.trials[0].intermediate_values == {}


def test_sequence_in_single_objective_study_is_an_error():
    study = hs.create_study()
    trial = study.ask()
    with pytest.raises(TypeError, match="sequence is for multi-objective studies"):
        trial.report([1.0, 2.0], 0)
    trial.report(1.5, 0)
    assert study.trials[0].intermediate_values == {0: 1.5}


def test_repeated_step_keeps_the_first_vector():
    study, trial = _trial(2)
    trial.report((1.0, 2.0), 4)
    with pytest.warns(UserWarning, match="already reported step 4"):
        trial.report((0.0, 0.0), 4)
    assert study.trials[0].intermediate_values == {4: (1.0, 2.0)}


def test_json_export_import_and_copy_study_carry_vectors():
    storage = InMemoryStorage()
    study, trial = _trial(2, storage)
    trial.report((0.1 + 0.2, math.nan), 0)
    trial.report((1.0, -math.inf), 3)
    study.tell(trial, state=hs.TrialState.PRUNED)
    buffer = io.StringIO()
    export_json(storage, buffer)
    buffer.seek(0)
    target = InMemoryStorage()
    import_json(target, buffer)
    sql = SQLStorage("sqlite:///:memory:")
    hs.copy_study(
        from_study_name=study.study_name,
        from_storage=storage,
        to_storage=sql,
        to_study_name="copied",
    )
    imported = target.get_all_trials(target.get_study_id_from_name(study.study_name))[0]
    copied = sql.get_all_trials(sql.get_study_id_from_name("copied"))[0]
    for t in (imported, copied, study.trials[0]):
        iv = t.intermediate_values
        assert iv[0][0] == 0.1 + 0.2 and math.isnan(iv[0][1]) and iv[3] == (1.0, -math.inf)
        assert t.state == hs.TrialState.PRUNED and t.values == (1.0, -math.inf)


def test_fixed_trial_takes_numbers_and_sequences():
    trial = hs.FixedTrial({})
    trial.report(1.0, 0)
    trial.report([1.0, 2.0], 1)
    with pytest.raises(ValueError, match="empty"):
        trial.report([], 2)
    assert trial._intermediate == {0: 1.0, 1: (1.0, 2.0)}
