"""export_json / import_json round trips between storages."""

from __future__ import annotations

import io
import json
import math

import pytest

import hypersearch as hs
from hypersearch.distributions import CategoricalDistribution, FloatDistribution
from hypersearch.exceptions import DuplicatedStudyError
from hypersearch.storages import InMemoryStorage, SQLStorage, export_json, import_json
from hypersearch.testing.storage import HOSTILE_STRINGS
from hypersearch.trial import TrialState, create_trial


def _fill(storage) -> None:
    study = hs.create_study(
        storage=storage, study_name="a\"'; DROP TABLE x;--ü", directions=["minimize", "maximize"]
    )
    study.set_user_attr(HOSTILE_STRINGS[-2], [1, {"k": math.inf}])
    cat = CategoricalDistribution([None, True, 2, "ü'"])
    study.add_trial(
        create_trial(
            values=[math.inf, -1.5],
            params={HOSTILE_STRINGS[1]: "ü'", "x": 0.125},
            distributions={HOSTILE_STRINGS[1]: cat, "x": FloatDistribution(0, 1)},
            user_attrs={"u": HOSTILE_STRINGS[4]},
            intermediate_values={3: math.nan, 1: 2.0},
        )
    )
    study.add_trial(create_trial(state=TrialState.FAIL))
    study.enqueue_trial({"x": 0.5})
    storage.create_new_trial(study._study_id)  # RUNNING at export time
    hs.create_study(storage=storage, study_name="other")


def test_round_trip_into_sql(tmp_path):
    source = InMemoryStorage()
    _fill(source)
    path = tmp_path / "studies.json"
    assert export_json(source, path) == 2
    target = SQLStorage(f"sqlite:///{tmp_path / 'target.db'}")
    assert sorted(import_json(target, path)) == sorted(["a\"'; DROP TABLE x;--ü", "other"])
    for record in source.get_all_studies():
        sid = target.get_study_id_from_name(record.study_name)
        assert target.get_study_directions(sid) == list(record.directions)
        assert target.get_study_user_attrs(sid) == record.user_attrs
        before = source.get_all_trials(record.study_id)
        after = target.get_all_trials(sid)
        assert len(before) == len(after)
        for b, a in zip(before, after):
            if b.state == TrialState.RUNNING:
                assert a.state == TrialState.FAIL and "exported" in a.system_attrs["fail_reason"]
                continue
            assert list(a.params) == list(b.params)
            assert a.replace(trial_id=-1, intermediate_values={}) == b.replace(
                trial_id=-1, intermediate_values={}
            )
            assert a.intermediate_values.keys() == b.intermediate_values.keys()
            for step, value in b.intermediate_values.items():
                assert a.intermediate_values[step] == value or (
                    math.isnan(value) and math.isnan(a.intermediate_values[step])
                )
    with pytest.raises(DuplicatedStudyError):
        import_json(target, path)
    target.close()


def test_export_selected_and_bad_files():
    source = InMemoryStorage()
    _fill(source)
    buffer = io.StringIO()
    assert export_json(source, buffer, study_names=["other"]) == 1
    document = json.loads(buffer.getvalue())
    assert [s["name"] for s in document["studies"]] == ["other"]
    with pytest.raises(ValueError, match="study_names"):
        export_json(source, io.StringIO(), study_names=["nope"])
    for bad in (
        '{"format": "x"}',
        "[1]",
        '{"format": "hypersearch-studies", "version": 9}',
        '{"format": "hypersearch-studies", "version": 1, "studies": [{"name": 1}]}',
    ):
        with pytest.raises(ValueError):
            import_json(InMemoryStorage(), io.StringIO(bad))
