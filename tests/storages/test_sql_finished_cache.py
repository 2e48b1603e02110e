"""The SQL storage's cache of finished trials: the first read caches each trial's row,
not a second trial object, and every trial handed out stays the caller's own copy.

A bulk read (``get_trials_since`` / ``get_all_trials``) hands out the trials it built
and keeps their encoded rows; a later read of the same trial decodes it once more. On
SQLite, PostgreSQL and MariaDB, read-write and read-only opens.
"""

from __future__ import annotations

import uuid

import pytest

import hypersearch as hs
from hypersearch.distributions import CategoricalDistribution, FloatDistribution
from hypersearch.exceptions import UpdateFinishedTrialError
from hypersearch.storages import SQLStorage
from hypersearch.storages._sql._codec import EncodedTrial
from hypersearch.trial import TrialState, create_trial

DISTS = {"x": FloatDistribution(0.0, 1.0), "c": CategoricalDistribution(["a", "b"])}


@pytest.fixture(params=["sqlite", "postgresql", "mysql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'c.db'}"
    return request.getfixturevalue(f"{request.param}_url")


def _seed(url: str) -> tuple[str, int]:
    name = f"cache-{uuid.uuid4().hex[:8]}"
    storage = SQLStorage(url)
    study = hs.create_study(storage=storage, study_name=name)
    storage.create_new_trials(
        study._study_id,
        [
            create_trial(
                value=float(i),
                params={"x": i / 10, "c": "ab"[i % 2]},
                distributions=DISTS,
                user_attrs={"tags": [i, {"deep": i}]},
                intermediate_values={0: 1.0 + i, 3: (2.0, float(i))},
            )
            for i in range(3)
        ],
    )
    running = storage.start_trial(study._study_id)
    storage.close()
    return name, running.trial_id


def _scribble(trial) -> None:
    trial.params["x"] = -1.0
    trial.user_attrs["tags"][1]["deep"] = "changed"
    trial.user_attrs["new"] = 1
    trial.intermediate_values[0] = 99.0
    trial.system_attrs["new"] = 1


@pytest.mark.parametrize("read_only", [False, True])
def test_first_read_caches_rows_and_every_read_is_a_copy(url, read_only):
    name, running_id = _seed(url)
    storage = SQLStorage(url, read_only=read_only)
    sid = storage.get_study_id_from_name(name)
    first, _cursor = storage.get_trials_since(sid, -1)
    assert [t.state for t in first] == [TrialState.COMPLETE] * 3 + [TrialState.RUNNING]
    finished = storage._writer.finished
    assert sorted(finished) == sorted(t.trial_id for t in first[:3])
    assert all(isinstance(entry, EncodedTrial) for entry in finished.values())
    assert first[1].user_attrs == {"tags": [1, {"deep": 1}]}
    assert first[1].intermediate_values == {0: 2.0, 3: (2.0, 1.0)}
    for trial in first[:3]:
        _scribble(trial)
    again = storage.get_all_trials(sid)
    other = SQLStorage(url)
    fresh = other.get_all_trials(other.get_study_id_from_name(name))
    other.close()
    assert again == fresh
    assert again[1].params == {"x": 0.1, "c": "b"}
    assert again[1].user_attrs == {"tags": [1, {"deep": 1}]}
    assert again[1].intermediate_values == {0: 2.0, 3: (2.0, 1.0)}
    assert not isinstance(finished[first[0].trial_id], EncodedTrial)  # decoded once, kept
    for trial in again[:3]:
        _scribble(trial)
    one = storage.get_trial(first[2].trial_id)
    assert one == fresh[2] and one.user_attrs == {"tags": [2, {"deep": 2}]}
    assert storage.get_trial(running_id).state == TrialState.RUNNING


def test_a_finished_trial_cached_by_a_bulk_read_refuses_changes(url):
    name, _running = _seed(url)
    storage = SQLStorage(url)
    sid = storage.get_study_id_from_name(name)
    trials, _ = storage.get_trials_since(sid, -1)
    assert isinstance(storage._writer.finished[trials[2].trial_id], EncodedTrial)
    with pytest.raises(UpdateFinishedTrialError, match="Trial 2 is already COMPLETE"):
        storage.set_trial_user_attr(trials[2].trial_id, "k", 1)
    assert storage.get_trial(trials[2].trial_id).user_attrs == {"tags": [2, {"deep": 2}]}
