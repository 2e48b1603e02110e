"""The quick trial writes (``_sql/_single.py``) and their fallbacks: one statement on
PostgreSQL, two in one short transaction on SQLite.

The conformance suite checks the semantics on every backend; these tests check
that the quick path is really taken in the common case, that it steps aside (to
the transaction path) in every other case, and that parameter names that look
like the JSON it searches for cannot fool it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time

import pytest

import hypersearch as hs
from hypersearch.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    distribution_to_json,
)
from hypersearch.exceptions import StorageError, UpdateFinishedTrialError
from hypersearch.storages import SQLStorage
from hypersearch.storages._sql import _single
from hypersearch.testing.storage import HOSTILE_STRINGS
from hypersearch.trial import FrozenTrial, TrialState

X = FloatDistribution(0.0, 10.0)
# Names built to match a neighbour's entry if the prefix search were sloppy.
TRICKY_NAMES = ("x", 'x"', "x, ", '["x", ', "[x", "X", "x\\", 'x\\"', '"x"', "%", "_", "")


@pytest.fixture(params=["postgresql", "sqlite"])
def storage(request, tmp_path):
    if request.param == "postgresql":
        url = request.getfixturevalue("postgresql_url")
    else:
        url = f"sqlite:///{tmp_path / 'quick.db'}"
    storage = SQLStorage(url)
    yield storage
    storage.close()


@pytest.fixture
def calls(monkeypatch):
    """How often each quick write ran and whether it did the change."""
    seen: dict[str, list[bool]] = {"append_param": [], "create_trial": [], "set_state": []}
    for name in seen:
        real = getattr(_single, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            out = _real(*args, **kwargs)
            seen[_name].append(bool(out))
            return out

        monkeypatch.setattr(_single, name, spy)
    return seen


def _raw_params(storage: SQLStorage, trial_id: int) -> list:
    row = storage._db.run(
        lambda cur: storage._db.q(
            cur, "SELECT params FROM hs_trials WHERE trial_id = ?", (trial_id,)
        ).fetchone(),
        write=False,
    )
    return json.loads(row[0])


def test_quick_writes_are_used(storage, calls):
    assert storage._dialect.quick_writes
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE], "single")
    t = storage.start_trial(sid)
    storage.set_trial_param(t.trial_id, "x", 1.0, X)
    storage.set_trial_param(t.trial_id, "y", 2.0, X)
    assert storage.set_trial_state_values(t.trial_id, TrialState.COMPLETE, [3.0])
    assert calls == {"append_param": [True, True], "create_trial": [True], "set_state": [True]}
    done = storage.get_trial(t.trial_id)
    assert done.params == {"x": 1.0, "y": 2.0} and done.values == (3.0,)
    assert done.datetime_start == t.datetime_start and done.datetime_complete is not None


def test_tricky_and_hostile_param_names_round_trip(storage, calls):
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE], "names")
    t = storage.create_new_trial(sid)
    names = [*TRICKY_NAMES, *HOSTILE_STRINGS]
    for i, name in enumerate(names):
        storage.set_trial_param(t.trial_id, name, float(i % 10), X)
    assert all(calls["append_param"]) and len(calls["append_param"]) == len(names)
    # Setting each again finds it (the append steps aside) and keeps one entry each.
    for i, name in enumerate(names):
        storage.set_trial_param(t.trial_id, name, float(i % 10), X)
    assert calls["append_param"][len(names) :] == [False] * len(names)
    assert [entry[0] for entry in _raw_params(storage, t.trial_id)] == names
    snap = storage.get_trial(t.trial_id)
    assert list(snap.params) == names
    assert snap.params == {name: float(i % 10) for i, name in enumerate(names)}


def test_append_steps_aside_for_an_incompatible_repeat(storage):
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE], "repeat")
    t = storage.create_new_trial(sid)
    storage.set_trial_param(t.trial_id, "c", 0.0, CategoricalDistribution(("a", "b")))
    with pytest.raises(ValueError, match="c"):
        storage.set_trial_param(t.trial_id, "c", 1.0, X)


def test_writes_to_a_trial_finished_elsewhere_are_refused(storage, calls):
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE], "elsewhere")
    t = storage.create_new_trial(sid)
    storage.set_trial_param(t.trial_id, "x", 1.0, X)
    other = SQLStorage(storage.url)
    try:
        assert other.set_trial_state_values(t.trial_id, TrialState.FAIL)
    finally:
        other.close()
    # This handle has no cached final snapshot: the quick writes find no
    # qualifying row and the transaction path raises.
    with pytest.raises(UpdateFinishedTrialError):
        storage.set_trial_param(t.trial_id, "y", 2.0, X)
    with pytest.raises(UpdateFinishedTrialError):
        storage.set_trial_state_values(t.trial_id, TrialState.COMPLETE, [1.0])
    assert calls["append_param"] == [True, False] and calls["set_state"][-1] is False
    assert storage.get_trial(t.trial_id).params == {"x": 1.0}


def test_start_running_only_from_waiting(storage, calls):
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE], "claims")
    running = storage.create_new_trial(sid)
    assert storage.set_trial_state_values(running.trial_id, TrialState.RUNNING) is False
    queued = storage.create_new_trial(
        sid, template=FrozenTrial(number=-1, state=TrialState.WAITING)
    )
    assert storage.set_trial_state_values(queued.trial_id, TrialState.RUNNING) is True
    assert calls["set_state"] == [False, True]
    assert storage.get_trial(queued.trial_id).datetime_start is not None


def test_finish_keeps_steps_in_the_cached_snapshot(storage):
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE], "steps")
    t = storage.create_new_trial(sid)
    storage.set_trial_intermediate_value(t.trial_id, 2, 0.25)
    assert storage.set_trial_state_values(t.trial_id, TrialState.PRUNED, [0.25])
    assert t.trial_id in storage._writer.finished
    snap = storage.get_trial(t.trial_id)
    assert snap.intermediate_values == {2: 0.25} and snap.state == TrialState.PRUNED


def test_start_trial_with_a_queued_trial_takes_the_claim_path(storage, calls):
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE], "queued")
    storage.create_new_trial(sid, template=FrozenTrial(number=-1, state=TrialState.WAITING))
    claimed = storage.start_trial(sid)
    assert claimed.number == 0 and claimed.state == TrialState.RUNNING
    fresh = storage.start_trial(sid)
    assert fresh.number == 1
    # enqueue (a template: one statement too), the claim (stepped aside), the new trial
    assert calls["create_trial"] == [True, False, True]


# -- SQLite: the paired writes and the write lock ------------------------------------


def _study_seq(storage: SQLStorage, sid: int) -> int:
    return storage._db.run(
        lambda cur: storage._db.q(
            cur, "SELECT seq FROM hs_studies WHERE study_id = ?", (sid,)
        ).fetchone()[0],
        write=False,
    )


def test_sqlite_paired_writes_number_changes_without_gaps(tmp_path):
    storage = SQLStorage(f"sqlite:///{tmp_path / 'seq.db'}")
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE], "seq")
    t = storage.start_trial(sid)
    assert _study_seq(storage, sid) == 1
    storage.set_trial_param(t.trial_id, "x", 1.0, X)
    assert _study_seq(storage, sid) == 2
    trials, cursor = storage.get_trials_since(sid, 1)
    assert [tr.trial_id for tr in trials] == [t.trial_id] and cursor == 2
    # A write that does not apply (the parameter is set already) changes nothing.
    entry, prefix = _single.param_entry("x", 1.0, distribution_to_json(X))
    assert not storage._db.quick(_single.append_param, sid, t.trial_id, entry, prefix)
    assert _study_seq(storage, sid) == 2
    assert storage.set_trial_state_values(t.trial_id, TrialState.COMPLETE, [1.0])
    assert _study_seq(storage, sid) == 3 and storage.get_trials_since(sid, 2)[1] == 3
    storage.close()


def test_sqlite_connections_wait_with_their_own_retries(tmp_path):
    path = tmp_path / "lock.db"
    storage = SQLStorage(f"sqlite:///{path}")
    conn = storage._db.conn()
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 0
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0  # the storage checkpoints
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE], "lock")
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    releaser = threading.Timer(0.2, lambda: holder.execute("COMMIT"))
    releaser.start()
    start = time.monotonic()
    trial = storage.start_trial(sid)  # waits for the holder, then goes through
    waited = time.monotonic() - start
    releaser.join()
    holder.close()
    assert trial.number == 0 and 0.15 < waited < 5.0
    assert storage.lock_retries > 5  # retried many times in 0.2 s: short sleeps
    storage.close()


def test_sqlite_lock_held_past_the_timeout_raises(tmp_path):
    path = tmp_path / "held.db"
    storage = SQLStorage(f"sqlite:///{path}", timeout=0.3)
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE], "held")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    start = time.monotonic()
    try:
        with pytest.raises(StorageError, match="stayed locked"):  # names the file, says why
            storage.start_trial(sid)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert 0.3 <= time.monotonic() - start < 5.0
    assert storage.start_trial(sid).number == 0  # nothing half-made is left behind
    assert storage.get_n_trials(sid) == 1
    storage.close()
