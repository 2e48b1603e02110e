"""The storage conformance suite: every rule of the storage contract as a test.

Use it from a pytest module::

    from hypersearch.testing.storage import StorageSuite

    class TestMyStorage(StorageSuite):
        @pytest.fixture
        def storage(self):
            s = MyStorage(...)
            yield s
            s.close()

A backend shared between processes may also override :meth:`StorageSuite.other_handle`
to return a second, independent handle on the same data (a new connection), so
that the suite checks that changes made through one handle are seen by the other.

The rules (see :mod:`hypersearch.storages._base`): thread safety, copies, JSON-only
attributes, dense trial numbers, parameter order, final finished trials, exactly-once
WAITING -> RUNNING claims, incremental reads, template trials, study CRUD, hostile
strings and non-finite numbers round-tripping unchanged.
"""

from __future__ import annotations

from typing import Any

import pytest

from hypersearch.exceptions import (
    DuplicatedStudyError,
    StudyNotFoundError,
    TrialNotFoundError,
    UpdateFinishedTrialError,
)
from hypersearch.storages._base import BaseStorage
from hypersearch.testing._storage_common import _X, HOSTILE_STRINGS, MAX, MIN, _run_threads
from hypersearch.testing._storage_records import RecordRules
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

__all__ = ["HOSTILE_STRINGS", "StorageSuite"]


class StorageSuite(RecordRules):
    """Mix into a test class that defines a ``storage`` fixture (see the module docstring)."""

    # -- studies -----------------------------------------------------------------------
    def test_study_create_lookup_delete(self, storage: BaseStorage) -> None:
        a = storage.create_new_study([MIN], "study-a")
        b = storage.create_new_study([MAX, MIN], "study-b")
        assert a != b
        assert storage.get_study_id_from_name("study-a") == a
        assert storage.get_study_name_from_id(b) == "study-b"
        assert storage.get_study_directions(a) == [MIN]
        assert storage.get_study_directions(b) == [MAX, MIN]
        records = {r.study_name: r for r in storage.get_all_studies()}
        assert set(records) >= {"study-a", "study-b"}
        assert records["study-b"].study_id == b
        assert tuple(records["study-b"].directions) == (MAX, MIN)
        storage.delete_study(a)
        with pytest.raises(StudyNotFoundError):
            storage.get_study_id_from_name("study-a")
        with pytest.raises(StudyNotFoundError):
            storage.get_study_name_from_id(a)
        assert "study-a" not in {r.study_name for r in storage.get_all_studies()}
        # The name is free again.
        storage.create_new_study([MIN], "study-a")

    def test_study_errors(self, storage: BaseStorage) -> None:
        storage.create_new_study([MIN], "dup")
        with pytest.raises(DuplicatedStudyError):
            storage.create_new_study([MAX], "dup")
        with pytest.raises(StudyNotFoundError):
            storage.get_study_id_from_name("never-made")
        with pytest.raises(StudyNotFoundError):
            storage.get_study_directions(10**9)
        with pytest.raises(StudyNotFoundError):
            storage.delete_study(10**9)
        with pytest.raises(StudyNotFoundError):
            storage.create_new_trial(10**9)

    def test_unnamed_studies_get_unique_names(self, storage: BaseStorage) -> None:
        a = storage.create_new_study([MIN])
        b = storage.create_new_study([MIN])
        assert storage.get_study_name_from_id(a) != storage.get_study_name_from_id(b)

    def test_study_attrs_copies_and_json_only(self, storage: BaseStorage) -> None:
        sid = self._study(storage)
        value: dict[str, Any] = {"list": [1, 2, {"deep": "x"}], "f": 1.5, "none": None, "b": True}
        storage.set_study_user_attr(sid, "u", value)
        storage.set_study_system_attr(sid, "s", [1, 2])
        value["list"].append(3)  # the caller's object changes; the storage must not
        got = storage.get_study_user_attrs(sid)
        assert got == {"u": {"list": [1, 2, {"deep": "x"}], "f": 1.5, "none": None, "b": True}}
        got["u"]["list"].append(99)
        got["new"] = 1
        assert storage.get_study_user_attrs(sid)["u"]["list"] == [1, 2, {"deep": "x"}]
        assert "new" not in storage.get_study_user_attrs(sid)
        assert storage.get_study_system_attrs(sid) == {"s": [1, 2]}
        storage.set_study_user_attr(sid, "u", 7)  # overwrite
        assert storage.get_study_user_attrs(sid) == {"u": 7}
        for bad in (object(), {1, 2}, b"bytes", {"k": object()}):
            with pytest.raises(TypeError):
                storage.set_study_user_attr(sid, "bad", bad)
            with pytest.raises(TypeError):
                storage.set_study_system_attr(sid, "bad", bad)
        assert "bad" not in storage.get_study_user_attrs(sid)

    # -- trial numbers, threads ------------------------------------------------------------
    def test_trial_numbers_dense_per_study(self, storage: BaseStorage) -> None:
        a, b = self._study(storage), self._study(storage)
        ta = [storage.create_new_trial(a) for _ in range(3)]
        tb = [storage.create_new_trial(b) for _ in range(2)]
        assert [t.number for t in ta] == [0, 1, 2]
        assert [t.number for t in tb] == [0, 1]
        assert len({t.trial_id for t in ta + tb}) == 5
        first = ta[0]
        assert first.state == TrialState.RUNNING
        assert first.datetime_start is not None and first.datetime_complete is None
        assert dict(first.params) == {} and first.values is None
        for t in ta:
            assert storage.get_trial_id_from_study_id_trial_number(a, t.number) == t.trial_id
        with pytest.raises(TrialNotFoundError):
            storage.get_trial_id_from_study_id_trial_number(a, 3)
        with pytest.raises(TrialNotFoundError):
            storage.get_trial(10**9)

    def test_concurrent_create_new_trial(self, storage: BaseStorage) -> None:
        sid = self._study(storage)
        per_thread = 15

        def work(_: int) -> list[FrozenTrial]:
            return [storage.create_new_trial(sid) for _ in range(per_thread)]

        trials = [t for chunk in _run_threads(self.n_threads, work) for t in chunk]
        total = self.n_threads * per_thread
        assert sorted(t.number for t in trials) == list(range(total))
        assert len({t.trial_id for t in trials}) == total
        assert storage.get_n_trials(sid) == total
        stored = storage.get_all_trials(sid)
        assert [t.number for t in stored] == list(range(total))

    def test_concurrent_writes_to_many_trials(self, storage: BaseStorage) -> None:
        sid = self._study(storage)

        def work(i: int) -> int:
            t = storage.create_new_trial(sid)
            storage.set_trial_param(t.trial_id, "x", float(i), _X)
            storage.set_trial_intermediate_value(t.trial_id, 0, float(i))
            storage.set_trial_user_attr(t.trial_id, "i", i)
            self._finish(storage, t.trial_id, float(i))
            return t.trial_id

        ids = _run_threads(self.n_threads, work)
        for i, tid in enumerate(ids):
            t = storage.get_trial(tid)
            assert t.params == {"x": float(i)} and t.values == (float(i),)
            assert t.user_attrs == {"i": i} and t.intermediate_values == {0: float(i)}

    def test_claim_waiting_exactly_once(self, storage: BaseStorage) -> None:
        sid = self._study(storage)
        for _ in range(3):
            waiting = storage.create_new_trial(
                sid, template=FrozenTrial(number=-1, state=TrialState.WAITING)
            )
            tid = waiting.trial_id

            def claim(_: int, tid: int = tid) -> bool:
                return storage.set_trial_state_values(tid, TrialState.RUNNING)

            wins = _run_threads(self.n_threads, claim)
            assert sum(bool(w) for w in wins) == 1
            t = storage.get_trial(waiting.trial_id)
            assert t.state == TrialState.RUNNING and t.datetime_start is not None
        running = storage.create_new_trial(sid)
        assert storage.set_trial_state_values(running.trial_id, TrialState.RUNNING) is False

    def test_start_trial_claims_queued_first_then_creates(self, storage: BaseStorage) -> None:
        sid = self._study(storage)
        with pytest.raises(StudyNotFoundError):
            storage.start_trial(10**9)
        fresh = storage.start_trial(sid)
        assert fresh.number == 0 and fresh.state == TrialState.RUNNING
        assert fresh.datetime_start is not None and dict(fresh.params) == {}
        assert storage.get_trial(fresh.trial_id).state == TrialState.RUNNING
        paused = storage.create_new_trial(sid)
        assert storage.set_trial_state_values(paused.trial_id, TrialState.WAITING)
        queued = [
            storage.create_new_trial(
                sid,
                template=FrozenTrial(
                    number=-1,
                    state=TrialState.WAITING,
                    params={"x": float(i)},
                    distributions={"x": _X},
                ),
            )
            for i in range(2)
        ]
        # Queued trials go first, oldest first; a paused trial (it ran) is not queued.
        first, second = storage.start_trial(sid), storage.start_trial(sid)
        assert [first.trial_id, second.trial_id] == [q.trial_id for q in queued]
        assert first.state == TrialState.RUNNING and first.params == {"x": 0.0}
        third = storage.start_trial(sid)
        assert third.number == 4 and third.trial_id != paused.trial_id
        assert storage.get_trial(paused.trial_id).state == TrialState.WAITING

    def test_finish_and_start_trial(self, storage: BaseStorage) -> None:
        sid = self._study(storage)
        first = storage.start_trial(sid)
        storage.set_trial_param(first.trial_id, "x", 1.5, _X)
        storage.set_trial_intermediate_value(first.trial_id, 2, 0.25)
        _, cursor = storage.get_trials_since(sid, -1)
        second = storage.finish_and_start_trial(first.trial_id, TrialState.COMPLETE, [3.0], sid)
        assert second.number == 1 and second.state == TrialState.RUNNING
        assert second.datetime_start is not None and dict(second.params) == {}
        done = storage.get_trial(first.trial_id)
        assert done.state == TrialState.COMPLETE and done.values == (3.0,)
        assert done.params == {"x": 1.5} and done.intermediate_values == {2: 0.25}
        assert done.datetime_complete is not None
        changed, _ = storage.get_trials_since(sid, cursor)
        assert {t.trial_id for t in changed} == {first.trial_id, second.trial_id}
        # A queued trial waits: it is the one started.
        queued = storage.create_new_trial(
            sid,
            template=FrozenTrial(
                number=-1, state=TrialState.WAITING, params={"x": 0.0}, distributions={"x": _X}
            ),
        )
        third = storage.finish_and_start_trial(second.trial_id, TrialState.PRUNED, None, sid)
        assert third.trial_id == queued.trial_id and third.params == {"x": 0.0}
        assert storage.get_trial(second.trial_id).state == TrialState.PRUNED
        # A finished trial cannot be finished again, and then nothing starts.
        with pytest.raises(UpdateFinishedTrialError):
            storage.finish_and_start_trial(first.trial_id, TrialState.FAIL, None, sid)
        with pytest.raises(ValueError, match="finishes"):
            storage.finish_and_start_trial(third.trial_id, TrialState.RUNNING, None, sid)
        assert storage.get_n_trials(sid) == 3
        assert storage.get_trial(third.trial_id).state == TrialState.RUNNING

    def test_finish_and_start_a_trial_another_handle_finished(self, storage: BaseStorage) -> None:
        other = self.other_handle(storage)
        sid = self._study(storage)
        t = storage.start_trial(sid)
        storage.stage_trial_param(t.trial_id, "x", 1.0, _X)
        assert other.set_trial_state_values(t.trial_id, TrialState.FAIL)  # a reaper elsewhere
        with pytest.raises(UpdateFinishedTrialError):
            storage.finish_and_start_trial(t.trial_id, TrialState.COMPLETE, [1.0], sid)
        assert storage.get_n_trials(sid) == 1  # nothing started
        assert storage.get_trial(t.trial_id).state == TrialState.FAIL

    def test_concurrent_start_trial(self, storage: BaseStorage) -> None:
        sid = self._study(storage)
        queued = {
            storage.create_new_trial(
                sid, template=FrozenTrial(number=-1, state=TrialState.WAITING)
            ).trial_id
            for _ in range(5)
        }
        per_thread = 4

        def work(_: int) -> list[FrozenTrial]:
            return [storage.start_trial(sid) for _ in range(per_thread)]

        started = [t for chunk in _run_threads(self.n_threads, work) for t in chunk]
        ids = [t.trial_id for t in started]
        assert len(set(ids)) == len(ids) == self.n_threads * per_thread
        assert queued <= set(ids)  # each queued trial started exactly once
        stored = storage.get_all_trials(sid)
        assert [t.number for t in stored] == list(range(len(stored)))
        assert len(stored) == len(ids) and all(t.state == TrialState.RUNNING for t in stored)

    def test_pause_and_resume(self, storage: BaseStorage) -> None:
        sid = self._study(storage)
        t = storage.create_new_trial(sid)
        storage.set_trial_intermediate_value(t.trial_id, 3, 0.5)
        assert storage.set_trial_state_values(t.trial_id, TrialState.WAITING)
        paused = storage.get_trial(t.trial_id)
        assert paused.state == TrialState.WAITING and paused.intermediate_values == {3: 0.5}
        assert storage.set_trial_state_values(t.trial_id, TrialState.RUNNING)
        assert storage.get_trial(t.trial_id).state == TrialState.RUNNING
