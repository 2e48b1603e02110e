"""The storage suite's rules on records: copies, JSON, finished trials, reports, reads, strings."""

from __future__ import annotations

import datetime
import math
import threading
from collections.abc import Callable
from typing import Any

import pytest

from hypersearch.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hypersearch.exceptions import (
    TrialNotFoundError,
    UpdateFinishedTrialError,
)
from hypersearch.storages._base import BaseStorage
from hypersearch.testing._storage_common import (
    _X,
    HOSTILE_STRINGS,
    MIN,
    SuiteBase,
    _run_threads,
)
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState


class RecordRules(SuiteBase):
    """Copies, JSON-only attributes, final finished trials, vectors, incremental reads, templates."""

    # -- copies, JSON, order ----------------------------------------------------------------
    def test_trial_snapshots_are_copies(self, storage: BaseStorage) -> None:
        sid = self._study(storage)
        t = storage.create_new_trial(sid)
        nested = {"a": [1, 2]}
        storage.set_trial_user_attr(t.trial_id, "n", nested)
        storage.set_trial_system_attr(t.trial_id, "s", [nested])
        storage.set_trial_param(t.trial_id, "x", 1.0, _X)
        storage.set_trial_intermediate_value(t.trial_id, 0, 2.0)
        nested["a"].append(3)
        snap = storage.get_trial(t.trial_id)
        assert snap.user_attrs == {"n": {"a": [1, 2]}}
        assert snap.system_attrs == {"s": [{"a": [1, 2]}]}
        for mapping in (
            snap.params,
            snap.distributions,
            snap.user_attrs,
            snap.system_attrs,
            snap.intermediate_values,
        ):
            if isinstance(mapping, dict):
                mapping.clear()
        snap2 = storage.get_trial(t.trial_id)
        assert snap2.params == {"x": 1.0} and snap2.intermediate_values == {0: 2.0}
        assert snap2.user_attrs == {"n": {"a": [1, 2]}}
        snap2.user_attrs["n"]["a"].append(4)
        snap2.system_attrs["s"][0]["a"].append(4)
        changed, _ = storage.get_trials_since(sid, -1)
        changed[0].user_attrs["n"]["a"].append(5)
        snap3 = storage.get_trial(t.trial_id)
        assert snap3.user_attrs == {"n": {"a": [1, 2]}}
        assert snap3.system_attrs == {"s": [{"a": [1, 2]}]}
        # Template objects passed in are copied too.
        attrs = {"k": [1]}
        tmpl = FrozenTrial(number=-1, state=TrialState.WAITING, system_attrs={"fixed": attrs})
        w = storage.create_new_trial(sid, template=tmpl)
        attrs["k"].append(2)
        assert storage.get_trial(w.trial_id).system_attrs == {"fixed": {"k": [1]}}

    def test_trial_attrs_json_only(self, storage: BaseStorage) -> None:
        sid = self._study(storage)
        t = storage.create_new_trial(sid)
        for bad in (object(), {1, 2}, b"x", [object()], lambda: 1):
            with pytest.raises(TypeError):
                storage.set_trial_user_attr(t.trial_id, "bad", bad)
            with pytest.raises(TypeError):
                storage.set_trial_system_attr(t.trial_id, "bad", bad)
        with pytest.raises(TypeError):
            storage.set_trial_user_attr(t.trial_id, 5, "non-str key")  # type: ignore[arg-type]
        snap = storage.get_trial(t.trial_id)
        assert snap.user_attrs == {} and snap.system_attrs == {}
        storage.set_trial_user_attr(t.trial_id, "ok", {"x": [1, "2", None, True, 2.5]})
        assert storage.get_trial(t.trial_id).user_attrs == {"ok": {"x": [1, "2", None, True, 2.5]}}

    def test_params_keep_order_and_distributions(self, storage: BaseStorage) -> None:
        sid = self._study(storage)
        t = storage.create_new_trial(sid)
        dists = {
            "zeta": FloatDistribution(1e-5, 1.0, log=True),
            "alpha": IntDistribution(0, 100, step=5),
            "mid": CategoricalDistribution([None, True, 2, 3.5, "s"]),
            "beta": FloatDistribution(0.0, 1.0, step=0.25),
            "ilog": IntDistribution(1, 1024, log=True),
        }
        external = {"zeta": 0.01, "alpha": 35, "mid": None, "beta": 0.75, "ilog": 64}
        for name, dist in dists.items():
            storage.set_trial_param(t.trial_id, name, dist.to_internal(external[name]), dist)
        for snap in (storage.get_trial(t.trial_id), storage.get_trials_since(sid, -1)[0][0]):
            assert list(snap.params) == list(dists)
            assert list(snap.distributions) == list(dists)
            assert dict(snap.params) == external
            assert dict(snap.distributions) == dists
            assert type(snap.params["alpha"]) is int
        # Setting a parameter again with the same distribution is allowed; another is not.
        storage.set_trial_param(t.trial_id, "zeta", 0.5, dists["zeta"])
        with pytest.raises(ValueError):
            storage.set_trial_param(t.trial_id, "zeta", 0.5, FloatDistribution(0.0, 1.0))

    # -- finished trials --------------------------------------------------------------------
    @pytest.mark.parametrize("state", [TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL])
    def test_finished_trials_are_final(self, storage: BaseStorage, state: TrialState) -> None:
        sid = self._study(storage)
        t = storage.create_new_trial(sid)
        storage.set_trial_param(t.trial_id, "x", 1.0, _X)
        values = None if state == TrialState.FAIL else [3.0]
        assert storage.set_trial_state_values(t.trial_id, state, values)
        before = storage.get_trial(t.trial_id)
        assert before.state == state
        assert before.datetime_complete is not None and before.datetime_start is not None
        assert before.values == (None if values is None else (3.0,))
        tid = t.trial_id
        attempts: list[Callable[[], Any]] = [
            lambda: storage.set_trial_param(tid, "y", 1.0, _X),
            lambda: storage.set_trial_state_values(tid, TrialState.COMPLETE, [1.0]),
            lambda: storage.set_trial_state_values(tid, TrialState.RUNNING),
            lambda: storage.set_trial_state_values(tid, TrialState.FAIL),
            lambda: storage.set_trial_intermediate_value(tid, 1, 1.0),
            lambda: storage.set_trial_user_attr(tid, "k", 1),
            lambda: storage.set_trial_system_attr(tid, "k", 1),
        ]
        for attempt in attempts:
            with pytest.raises(UpdateFinishedTrialError):
                attempt()
        assert storage.get_trial(tid) == before
        assert storage.get_trial(tid).params == before.params

    def test_values_round_trip_non_finite(self, storage: BaseStorage) -> None:
        sid = self._study(storage, n_obj=3)
        t = storage.create_new_trial(sid)
        storage.set_trial_intermediate_value(t.trial_id, 0, math.inf)
        storage.set_trial_intermediate_value(t.trial_id, 1, -math.inf)
        storage.set_trial_intermediate_value(t.trial_id, 2, math.nan)
        storage.set_trial_intermediate_value(t.trial_id, 10**12, 1e-300)
        storage.set_trial_user_attr(t.trial_id, "inf", math.inf)
        assert storage.set_trial_state_values(
            t.trial_id, TrialState.COMPLETE, [math.inf, -math.inf, 0.1 + 0.2]
        )
        for snap in (storage.get_trial(t.trial_id), storage.get_all_trials(sid)[0]):
            assert snap.values == (math.inf, -math.inf, 0.1 + 0.2)
            iv = snap.intermediate_values
            assert iv[0] == math.inf and iv[1] == -math.inf and iv[2] != iv[2]
            assert iv[10**12] == 1e-300
            assert snap.user_attrs == {"inf": math.inf}

    def test_values_bit_exact(self, storage: BaseStorage) -> None:
        sid = self._study(storage)
        t = storage.create_new_trial(sid)
        x = 0.1234567890123456789
        storage.set_trial_param(t.trial_id, "x", x, _X)
        storage.set_trial_intermediate_value(t.trial_id, 0, 1 / 3)
        self._finish(storage, t.trial_id, 2 / 3)
        snap = storage.get_trial(t.trial_id)
        assert snap.params["x"] == x and snap.values == (2 / 3,)
        assert snap.intermediate_values == {0: 1 / 3}

    # -- multi-objective reports (vectors) --------------------------------------------------
    def test_vector_reports_round_trip_exactly(self, storage: BaseStorage) -> None:
        sid = self._study(storage, n_obj=3)
        t = storage.create_new_trial(sid)
        tiny = -1.2345678901234567e-300  # the longest float reprs: the column must hold them
        reports: dict[int, tuple[float, ...]] = {
            0: (math.inf, -math.inf, 0.1 + 0.2),
            1: (1 / 3, -0.0, 2.0**60),
            7: (tiny, tiny, tiny),
        }
        for step, vector in reports.items():
            storage.set_trial_intermediate_value(t.trial_id, step, vector)
        storage.set_trial_intermediate_value(t.trial_id, 3, (math.nan, 1.0, math.nan))
        other = self.other_handle(storage)
        snaps = [
            storage.get_trial(t.trial_id),
            storage.get_all_trials(sid)[0],
            storage.get_trials_since(sid, -1)[0][0],
            other.get_trial(t.trial_id),
        ]
        for snap in snaps:
            iv = snap.intermediate_values
            assert sorted(iv) == [0, 1, 3, 7]
            assert all(type(v) is tuple for v in iv.values())
            for step, vector in reports.items():
                assert iv[step] == vector
            assert math.copysign(1.0, iv[1][1]) == -1.0  # type: ignore[index]  # -0.0 kept
            nan_first, one, nan_last = iv[3]  # type: ignore[misc]
            assert nan_first != nan_first and one == 1.0 and nan_last != nan_last
        assert storage.set_trial_state_values(t.trial_id, TrialState.PRUNED, reports[7])
        assert storage.get_trial(t.trial_id).intermediate_values[7] == reports[7]

    def test_template_with_vector_reports(self, storage: BaseStorage) -> None:
        sid = self._study(storage, n_obj=2)
        tmpl = FrozenTrial(
            number=-1,
            state=TrialState.PRUNED,
            values=(0.25, -math.inf),
            intermediate_values={0: (1.0, 2.0), 4: (0.25, -math.inf)},
            datetime_start=datetime.datetime(2024, 1, 2),
            datetime_complete=datetime.datetime(2024, 1, 3),
        )
        made = storage.create_new_trial(sid, template=tmpl)
        for snap in (made, storage.get_trial(made.trial_id), storage.get_all_trials(sid)[0]):
            assert snap.intermediate_values == {0: (1.0, 2.0), 4: (0.25, -math.inf)}
            assert snap.values == (0.25, -math.inf) and snap.state == TrialState.PRUNED

    # -- incremental reads ------------------------------------------------------------------
    def test_get_trials_since(self, storage: BaseStorage) -> None:
        sid = self._study(storage)
        other = self._study(storage)
        ids = [storage.create_new_trial(sid).trial_id for _ in range(4)]
        storage.create_new_trial(other)
        everything, cursor = storage.get_trials_since(sid, -1)
        assert sorted(t.number for t in everything) == [0, 1, 2, 3]
        assert storage.get_trials_since(sid, cursor) == ([], cursor)

        def changed_after(action: Callable[[], Any]) -> list[int]:
            nonlocal cursor
            action()
            trials, new_cursor = storage.get_trials_since(sid, cursor)
            assert new_cursor > cursor
            cursor = new_cursor
            assert storage.get_trials_since(sid, cursor) == ([], cursor)
            return sorted(t.number for t in trials)

        assert changed_after(lambda: storage.set_trial_param(ids[1], "x", 1.0, _X)) == [1]
        assert changed_after(lambda: storage.set_trial_intermediate_value(ids[2], 0, 1.0)) == [2]
        assert changed_after(lambda: storage.set_trial_user_attr(ids[0], "a", 1)) == [0]
        assert changed_after(lambda: storage.set_trial_system_attr(ids[3], "a", 1)) == [3]
        assert changed_after(lambda: self._finish(storage, ids[1])) == [1]
        assert changed_after(lambda: storage.create_new_trial(sid)) == [4]

        def two() -> None:
            storage.set_trial_param(ids[0], "x", 2.0, _X)
            storage.set_trial_param(ids[2], "x", 2.0, _X)
            storage.set_trial_param(ids[0], "y", 2.0, _X)

        assert changed_after(two) == [0, 2]
        # Changes in another study do not show here.
        other_trial = storage.get_trial_id_from_study_id_trial_number(other, 0)
        storage.set_trial_param(other_trial, "x", 0.0, _X)
        assert storage.get_trials_since(sid, cursor)[0] == []
        # The snapshot carries the latest state.
        latest, _ = storage.get_trials_since(sid, -1)
        t0 = next(t for t in latest if t.number == 0)
        assert t0.params == {"x": 2.0, "y": 2.0} and t0.user_attrs == {"a": 1}
        # An old cursor still sees everything changed after it.
        assert len(storage.get_trials_since(sid, 0)[0]) == 5

    def test_get_trials_since_under_concurrent_writers(self, storage: BaseStorage) -> None:
        """A reader that keeps passing its cursor sees every trial's final state."""
        sid = self._study(storage)
        per_thread = 10
        done = threading.Event()
        seen: dict[int, FrozenTrial] = {}
        reader_errors: list[BaseException] = []

        def read_until_done() -> None:
            cursor = -1
            try:
                while True:
                    finished = done.is_set()
                    trials, cursor = storage.get_trials_since(sid, cursor)
                    for t in trials:
                        seen[t.number] = t
                    if finished:
                        return
            except BaseException as err:  # noqa: BLE001
                reader_errors.append(err)

        reader = threading.Thread(target=read_until_done)
        reader.start()

        def work(i: int) -> None:
            for j in range(per_thread):
                t = storage.create_new_trial(sid)
                storage.set_trial_param(t.trial_id, "x", float(j), _X)
                self._finish(storage, t.trial_id, float(i))

        try:
            _run_threads(4, work)
        finally:
            done.set()
            reader.join()
        assert not reader_errors
        assert sorted(seen) == list(range(4 * per_thread))
        assert all(t.state == TrialState.COMPLETE and "x" in t.params for t in seen.values())

    def test_other_handle_sees_changes(self, storage: BaseStorage) -> None:
        other = self.other_handle(storage)
        sid = storage.create_new_study([MIN], "shared")
        assert other.get_study_id_from_name("shared") == sid
        _, cursor = other.get_trials_since(sid, -1)
        t = storage.create_new_trial(sid)
        storage.set_trial_param(t.trial_id, "x", 1.0, _X)
        trials, cursor = other.get_trials_since(sid, cursor)
        assert [x.params for x in trials] == [{"x": 1.0}]
        assert other.set_trial_state_values(t.trial_id, TrialState.COMPLETE, [1.0])
        assert storage.get_trial(t.trial_id).state == TrialState.COMPLETE
        with pytest.raises(UpdateFinishedTrialError):
            storage.set_trial_user_attr(t.trial_id, "k", 1)

    # -- templates ----------------------------------------------------------------------------
    def test_template_complete_trial_round_trip(self, storage: BaseStorage) -> None:
        sid = self._study(storage, n_obj=2)
        start = datetime.datetime(2024, 1, 2, 3, 4, 5, 678901)
        end = datetime.datetime(2024, 1, 2, 3, 5, 0, 1)
        dists = {"c": CategoricalDistribution(["a", "b"]), "i": IntDistribution(0, 9)}
        tmpl = FrozenTrial(
            number=-1,
            state=TrialState.COMPLETE,
            values=(1.5, -2.0),
            params={"i": 3, "c": "b"},
            distributions=dists,
            user_attrs={"u": [1]},
            system_attrs={"s": {"t": None}},
            intermediate_values={0: 1.0, 5: 0.5},
            datetime_start=start,
            datetime_complete=end,
        )
        made = storage.create_new_trial(sid, template=tmpl)
        assert made.number == 0 and made.trial_id >= 0
        for snap in (made, storage.get_trial(made.trial_id)):
            assert snap.replace(number=-1, trial_id=-1) == tmpl
            assert list(snap.params) == ["i", "c"]
            assert snap.datetime_start == start and snap.datetime_complete == end
        with pytest.raises(UpdateFinishedTrialError):
            storage.set_trial_user_attr(made.trial_id, "x", 1)

    def test_create_new_trials_in_bulk(self, storage: BaseStorage) -> None:
        sid = self._study(storage, n_obj=2)
        first = storage.create_new_trial(sid)
        _, cursor = storage.get_trials_since(sid, -1)
        start = datetime.datetime(2024, 1, 2, 3, 4, 5, 678901)
        dists = {"x": _X, "c": CategoricalDistribution(["a", None, 2.5])}
        templates = [
            FrozenTrial(
                number=-1,
                state=state,
                values=(float(i), -math.inf) if state == TrialState.COMPLETE else None,
                params={"x": i / 10.0, "c": [None, "a", 2.5][i % 3]},
                distributions=dists,
                user_attrs={"i": i, "nested": {"l": [1, "b"]}},
                system_attrs={"s": HOSTILE_STRINGS[i % len(HOSTILE_STRINGS)]},
                intermediate_values={0: (0.5, math.nan), 7: (math.inf, float(i))} if i % 2 else {},
                datetime_start=None if state == TrialState.WAITING else start,
                datetime_complete=start if state.is_finished() else None,
            )
            for i, state in enumerate([*TrialState] * 3)
        ]
        storage.create_new_trials(sid, templates)
        changed, _ = storage.get_trials_since(sid, cursor)
        assert sorted(t.number for t in changed) == list(range(1, 1 + len(templates)))
        trials = storage.get_all_trials(sid)
        assert trials[0].trial_id == first.trial_id
        for tmpl, got in zip(templates, trials[1:]):
            assert got.replace(number=-1, trial_id=-1, intermediate_values={}) == tmpl.replace(
                intermediate_values={}
            )
            assert repr(dict(got.intermediate_values)) == repr(dict(tmpl.intermediate_values))
            assert list(got.params) == ["x", "c"]
        assert storage.create_new_trial(sid).number == 1 + len(templates)

    def test_template_waiting_trial(self, storage: BaseStorage) -> None:
        sid = self._study(storage)
        tmpl = FrozenTrial(
            number=-1,
            state=TrialState.WAITING,
            user_attrs={"why": "enqueued"},
            system_attrs={"fixed_params": {"x": 1.5, "name": "ü'\""}},
        )
        made = storage.create_new_trial(sid, template=tmpl)
        snap = storage.get_trial(made.trial_id)
        assert snap.state == TrialState.WAITING
        assert snap.datetime_start is None and snap.datetime_complete is None
        assert snap.system_attrs == {"fixed_params": {"x": 1.5, "name": "ü'\""}}
        assert snap.user_attrs == {"why": "enqueued"}
        assert (
            storage.get_all_trials(sid, states=(TrialState.WAITING,))[0].trial_id == made.trial_id
        )
        assert storage.get_n_trials(sid, states=(TrialState.RUNNING,)) == 0
        assert storage.set_trial_state_values(made.trial_id, TrialState.RUNNING)
        running = storage.get_trial(made.trial_id)
        assert running.state == TrialState.RUNNING and running.datetime_start is not None
        assert storage.get_n_trials(sid, states=(TrialState.RUNNING,)) == 1

    def test_get_all_trials_filters_and_orders(self, storage: BaseStorage) -> None:
        sid = self._study(storage)
        states = [
            TrialState.COMPLETE,
            TrialState.FAIL,
            TrialState.PRUNED,
            None,
            TrialState.COMPLETE,
        ]
        for s in states:
            t = storage.create_new_trial(sid)
            if s is not None:
                storage.set_trial_state_values(
                    t.trial_id, s, None if s == TrialState.FAIL else [0.0]
                )
        assert [t.number for t in storage.get_all_trials(sid)] == [0, 1, 2, 3, 4]
        done = storage.get_all_trials(sid, states=(TrialState.COMPLETE,))
        assert [t.number for t in done] == [0, 4]
        assert storage.get_n_trials(sid) == 5
        assert storage.get_n_trials(sid, states=(TrialState.COMPLETE, TrialState.PRUNED)) == 3

    def test_delete_study_removes_trials(self, storage: BaseStorage) -> None:
        keep = self._study(storage, "keep")
        gone = self._study(storage, "gone")
        kept = storage.create_new_trial(keep)
        t = storage.create_new_trial(gone)
        storage.set_trial_intermediate_value(t.trial_id, 0, 1.0)
        storage.delete_study(gone)
        with pytest.raises(TrialNotFoundError):
            storage.get_trial(t.trial_id)
        assert storage.get_trial(kept.trial_id).number == 0
        again = storage.create_new_study([MIN], "gone")
        assert storage.get_n_trials(again) == 0
        assert storage.create_new_trial(again).number == 0

    # -- hostile strings -----------------------------------------------------------------------
    def test_hostile_strings_round_trip(self, storage: BaseStorage) -> None:
        choices = tuple(s for s in HOSTILE_STRINGS if len(s) < 100)
        cat = CategoricalDistribution(choices)
        for i, text in enumerate(HOSTILE_STRINGS):
            name = f"{text}-{i}"
            sid = storage.create_new_study([MIN], name)
            assert storage.get_study_id_from_name(name) == sid
            assert storage.get_study_name_from_id(sid) == name
            storage.set_study_user_attr(sid, text, text)
            assert storage.get_study_user_attrs(sid) == {text: text}
            t = storage.create_new_trial(sid)
            storage.set_trial_param(t.trial_id, text, float(i % len(choices)), cat)
            storage.set_trial_user_attr(t.trial_id, text, [text, {text: text}])
            storage.set_trial_system_attr(t.trial_id, text, text)
            for snap in (storage.get_trial(t.trial_id), storage.get_trials_since(sid, -1)[0][0]):
                assert snap.params == {text: choices[i % len(choices)]}
                assert snap.distributions == {text: cat}
                assert snap.user_attrs == {text: [text, {text: text}]}
                assert snap.system_attrs == {text: text}
        names = {r.study_name for r in storage.get_all_studies()}
        assert {f"{t}-{i}" for i, t in enumerate(HOSTILE_STRINGS)} <= names

    # -- end to end ---------------------------------------------------------------------------
    def test_study_runs_on_storage(self, storage: BaseStorage) -> None:
        from hypersearch.study._api import create_study, load_study

        study = create_study(storage=storage, study_name="e2e", direction="minimize")

        def objective(trial: Any) -> float:
            x = trial.suggest_float("x", -5, 5)
            k = trial.suggest_categorical("k", ["a", "b"])
            trial.report(x, 0)
            return x * x + (k == "b")

        study.enqueue_trial({"x": 0.0, "k": "a"})
        study.optimize(objective, n_trials=12)
        assert len(study.trials) == 12
        assert study.best_value == 0.0
        loaded = load_study(study_name="e2e", storage=storage)
        assert loaded.best_trial.params == {"x": 0.0, "k": "a"}
