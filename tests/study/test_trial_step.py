"""The optimize loop's step between trials: one storage write, no read, same results.

``optimize`` without callbacks finishes a trial and starts the next in one
``finish_and_start_trial``; ``tell`` on a live Trial judges it from the trial's
own mirror instead of reading it back first.
"""

from __future__ import annotations

import pytest

import hypersearch as hs
from hypersearch.storages import InMemoryStorage, SQLStorage


class _Spy:
    """Counts a storage's calls by method name."""

    def __init__(self, storage):
        self.storage, self.calls = storage, {}

    def __getattr__(self, name):
        attr = getattr(self.storage, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            self.calls[name] = self.calls.get(name, 0) + 1
            return attr(*args, **kwargs)

        return call


@pytest.fixture(params=["memory", "sqlite"])
def storage(request, tmp_path):
    if request.param == "memory":
        yield InMemoryStorage()
    else:
        s = SQLStorage(f"sqlite:///{tmp_path / 'step.db'}")
        yield s
        s.close()


def _objective(trial):
    x = trial.suggest_float("x", -1.0, 1.0)
    if x > 0.8:
        raise hs.TrialPruned()
    if x < -0.8:
        raise ValueError("caught")
    trial.report(x, 0)
    return x * x


def test_optimize_chains_trials_with_one_storage_call(storage, monkeypatch):
    study = hs.create_study(storage=storage, sampler=hs.samplers.RandomSampler(seed=1))
    spy = _Spy(storage)
    monkeypatch.setattr(study, "_storage", spy)
    study.optimize(_objective, n_trials=30, catch=(ValueError,))
    trials = study.get_trials()
    assert [t.number for t in trials] == list(range(30))
    assert all(t.state.is_finished() for t in trials)
    states = {t.state for t in trials}
    assert states == {hs.TrialState.COMPLETE, hs.TrialState.PRUNED, hs.TrialState.FAIL}
    # 29 steps chained; only the first trial is asked and the last one told alone.
    assert spy.calls.get("finish_and_start_trial") == 29
    assert spy.calls.get("start_trial") == 1
    assert spy.calls.get("set_trial_state_values") == 1
    for t in trials:
        if t.state == hs.TrialState.PRUNED:
            assert t.values is None  # pruned before any report
        if t.state == hs.TrialState.COMPLETE:
            assert t.values == (t.params["x"] ** 2,) and t.intermediate_values == {0: t.params["x"]}


def test_seeded_runs_match_whether_chained_or_not(storage):
    chained = hs.create_study(storage=storage, sampler=hs.samplers.RandomSampler(seed=7))
    chained.optimize(_objective, n_trials=20, catch=(ValueError,))
    plain = hs.create_study(sampler=hs.samplers.RandomSampler(seed=7))
    plain.optimize(_objective, n_trials=20, catch=(ValueError,), callbacks=[lambda s, t: None])
    assert [(t.state, t.params) for t in chained.trials] == [
        (t.state, t.params) for t in plain.trials
    ]


def test_callbacks_see_no_next_trial_and_can_stop(storage):
    study = hs.create_study(storage=storage, sampler=hs.samplers.RandomSampler(seed=0))
    seen = []

    def stop_after_three(s, frozen):
        seen.append((frozen.number, len(s.get_trials(deepcopy=False))))
        if frozen.number == 2:
            s.stop()

    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=10, callbacks=[stop_after_three])
    assert seen == [(0, 1), (1, 2), (2, 3)]
    assert [t.state for t in study.trials] == [hs.TrialState.COMPLETE] * 3


@pytest.mark.parametrize("n_trials", [1, 2, 5])
def test_no_trial_is_left_running(storage, n_trials):
    study = hs.create_study(storage=storage)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=n_trials)
    assert [t.state for t in study.trials] == [hs.TrialState.COMPLETE] * n_trials


def test_an_error_that_stops_optimize_starts_no_next_trial(storage):
    study = hs.create_study(storage=storage)
    calls = []

    def objective(trial):
        calls.append(trial.number)
        if len(calls) == 3:
            raise KeyError("boom")
        return 1.0

    with pytest.raises(KeyError):
        study.optimize(objective, n_trials=10)
    assert [t.state for t in study.trials] == [hs.TrialState.COMPLETE] * 2 + [hs.TrialState.FAIL]


def test_stop_from_the_objective_starts_no_next_trial(storage):
    study = hs.create_study(storage=storage)

    def objective(trial):
        if trial.number == 1:
            study.stop()
        return 0.0

    study.optimize(objective, n_trials=10)
    assert len(study.trials) == 2


def test_enqueued_trials_are_claimed_in_the_chained_step(storage):
    study = hs.create_study(storage=storage, sampler=hs.samplers.RandomSampler(seed=0))
    study.enqueue_trial({"x": 0.25})
    study.enqueue_trial({"x": 0.5})

    def objective(trial):
        if trial.number == 0:
            study.enqueue_trial({"x": 0.75})  # queued while trial 0 runs: claimed next
        return trial.suggest_float("x", 0, 1)

    study.optimize(objective, n_trials=4)
    assert [t.params["x"] for t in study.trials[:3]] == [0.25, 0.5, 0.75]
    assert len(study.trials) == 4 and study.trials[3].state == hs.TrialState.COMPLETE


def test_tell_reads_nothing_for_a_running_trial(storage, monkeypatch):
    study = hs.create_study(storage=storage)
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    trial.set_user_attr("note", (1, 2))
    trial.report(0.5, 3)
    # A sampler's own write straight to the storage shows too (GridSampler does this).
    storage.set_trial_system_attr(trial._trial_id, "grid_id", 4)
    reads = []
    if isinstance(storage, SQLStorage):
        run = storage._db.run
        monkeypatch.setattr(
            storage._db, "run", lambda body, write: (reads.append(write), run(body, write=write))[1]
        )
    seen = {}
    monkeypatch.setattr(
        study.sampler,
        "after_trial",
        lambda s, t, state, values: seen.update(t=t, state=state, values=values),
    )
    frozen = study.tell(trial, state=hs.TrialState.PRUNED)
    # after_trial saw the running trial as stored, with the last report standing in.
    assert seen["t"].state == hs.TrialState.RUNNING and seen["t"].params == trial.params
    # As each storage gives attributes back: JSON (a list) from SQL, a deep copy in memory.
    note = (1, 2) if isinstance(storage, InMemoryStorage) else [1, 2]
    assert seen["t"].user_attrs == {"note": note}
    assert seen["t"].system_attrs == {"grid_id": 4}
    assert seen["t"].intermediate_values == {3: 0.5} and seen["values"] == (0.5,)
    assert frozen.state == hs.TrialState.PRUNED and frozen.values == (0.5,)
    assert frozen.system_attrs == {"grid_id": 4}
    if isinstance(storage, SQLStorage):
        assert reads == [True]  # the finishing write; no read before or after it


def test_tell_on_a_trial_finished_elsewhere(storage):
    study = hs.create_study(storage=storage)
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    study.tell(trial.number, 2.0)  # by number: the Trial object does not know
    with pytest.raises(hs.exceptions.UpdateFinishedTrialError, match="already finished"):
        study.tell(trial, 1.0)
    assert study.tell(trial, 1.0, skip_if_finished=True).value == 2.0
    assert study.trials[0].value == 2.0


def test_tell_after_another_process_failed_the_trial(tmp_path):
    url = f"sqlite:///{tmp_path / 'reaped.db'}"
    study = hs.create_study(storage=url, study_name="r")
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    other = SQLStorage(url)  # the reaper in another worker
    assert other.set_trial_state_values(trial._trial_id, hs.TrialState.FAIL)
    assert study._storage.get_trial(trial._trial_id).state == hs.TrialState.FAIL
    with pytest.raises(hs.exceptions.UpdateFinishedTrialError, match="already finished as FAIL"):
        study.tell(trial, 1.0)
    assert study.tell(trial, 1.0, skip_if_finished=True).state == hs.TrialState.FAIL
    assert study.trials[0].state == hs.TrialState.FAIL and study.trials[0].values is None
    other.close()
