"""Heartbeats and the stale-trial reaper, with a fake clock and with a SIGKILLed worker."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time

import pytest

import hypersearch as hs
from hypersearch.storages import (
    Heartbeat,
    InMemoryStorage,
    RetryFailedTrialCallback,
    SQLStorage,
    fail_stale_trials,
)
from hypersearch.study import StudyDirection
from hypersearch.trial import FrozenTrial, TrialState


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_reaper_fails_only_stale_running_trials(tmp_path):
    clock = FakeClock()
    storage = SQLStorage(f"sqlite:///{tmp_path / 'hb.db'}", clock=clock)
    sid = storage.create_new_study([StudyDirection.MINIMIZE])
    stale, silent, done, fresh = (storage.create_new_trial(sid) for _ in range(4))
    for t in (stale, done, fresh):
        storage.record_heartbeat(t.trial_id)
    storage.set_trial_state_values(done.trial_id, TrialState.COMPLETE, [1.0])
    clock.now += 50
    storage.record_heartbeat(fresh.trial_id)

    assert fail_stale_trials(storage, sid, grace_period=60) == []
    clock.now += 20  # stale: 70 s old, fresh: 20 s old
    assert fail_stale_trials(storage, sid, grace_period=60) == [stale.number]
    reaped = storage.get_trial(stale.trial_id)
    assert reaped.state == TrialState.FAIL and "heartbeat" in reaped.system_attrs["fail_reason"]
    assert reaped.datetime_complete is not None
    assert storage.get_trial(silent.trial_id).state == TrialState.RUNNING  # never beat
    assert storage.get_trial(fresh.trial_id).state == TrialState.RUNNING
    assert storage.get_trial(done.trial_id).state == TrialState.COMPLETE
    # A late beat does not revive it; a second pass fails nothing more.
    storage.record_heartbeat(stale.trial_id)
    assert storage.get_trial(stale.trial_id).state == TrialState.FAIL
    assert fail_stale_trials(storage, sid, grace_period=60) == []
    # The change is visible to incremental readers.
    changed, _ = storage.get_trials_since(sid, -1)
    assert {t.number: t.state for t in changed}[stale.number] == TrialState.FAIL
    with pytest.raises(ValueError):
        storage.fail_stale_trials(sid, grace_period=0)
    storage.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mysql"])
def test_starting_a_trial_stamps_its_first_heartbeat(backend, tmp_path, request):
    """A worker killed between starting a trial and its first beat leaves no immortal trial."""
    url = (
        f"sqlite:///{tmp_path / 'hb.db'}"
        if backend == "sqlite"
        else request.getfixturevalue(f"{backend}_url")
    )
    clock = FakeClock()
    storage = SQLStorage(url, clock=clock, heartbeat_interval=1.0, grace_period=5.0)
    sid = storage.create_new_study([StudyDirection.MINIMIZE])
    started = storage.start_trial(sid)  # new trial: one statement on PostgreSQL
    created = storage.create_new_trial(sid)
    queued = storage.create_new_trial(
        sid, template=FrozenTrial(number=-1, state=TrialState.WAITING)
    )
    claimed = storage.start_trial(sid)  # claims the queued trial
    assert claimed.trial_id == queued.trial_id
    quiet = SQLStorage(url)  # a process without heartbeats: its trials are never judged
    unjudged = quiet.create_new_trial(sid)
    clock.now += 6
    reaped = fail_stale_trials(storage, sid, grace_period=5.0)
    assert sorted(reaped) == sorted([started.number, created.number, claimed.number])
    assert storage.get_trial(unjudged.trial_id).state == TrialState.RUNNING
    quiet.close()
    storage.close()


def test_heartbeat_context_stamps_and_stops(tmp_path):
    storage = SQLStorage(f"sqlite:///{tmp_path / 'hb.db'}")
    sid = storage.create_new_study([StudyDirection.MINIMIZE])
    t = storage.create_new_trial(sid)
    with Heartbeat(storage, t.trial_id, interval=0.01) as hb:
        assert hb._thread is not None and hb._thread.is_alive()
    assert not hb._thread.is_alive()
    # Stamped on entry: judged stale only once the grace period has passed.
    assert fail_stale_trials(storage, sid, grace_period=60) == []
    assert fail_stale_trials(storage, sid, grace_period=60, now=time.time() + 61) == [0]
    with pytest.raises(ValueError):
        Heartbeat(storage, t.trial_id, interval=0)
    storage.close()


def test_in_memory_has_no_stale_trials():
    storage = InMemoryStorage()
    sid = storage.create_new_study([StudyDirection.MINIMIZE])
    storage.create_new_trial(sid)
    assert fail_stale_trials(storage, sid, grace_period=1, now=time.time() + 100) == []


def _beating_worker(url: str, trial_id: int, ready) -> None:
    storage = SQLStorage(url)
    with Heartbeat(storage, trial_id, interval=0.05):
        ready.set()
        threading.Event().wait()  # "work" until killed


def test_sigkilled_worker_trial_is_failed(tmp_path):
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    storage = SQLStorage(url)
    sid = storage.create_new_study([StudyDirection.MINIMIZE])
    trial = storage.create_new_trial(sid)
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Event()
    worker = ctx.Process(target=_beating_worker, args=(url, trial.trial_id, ready))
    worker.start()
    try:
        assert ready.wait(30)
        assert fail_stale_trials(storage, sid, grace_period=5) == []  # alive
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.join(30)
    assert worker.exitcode == -signal.SIGKILL
    assert storage.get_trial(trial.trial_id).state == TrialState.RUNNING
    assert fail_stale_trials(storage, sid, grace_period=5, now=time.time() + 6) == [trial.number]
    assert storage.get_trial(trial.trial_id).state == TrialState.FAIL
    storage.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "mysql"])
def test_the_retry_is_enqueued_in_the_transaction_that_fails_the_trial(backend, tmp_path, request):
    clock = FakeClock()
    callback = RetryFailedTrialCallback(max_retry=1)
    url = (
        f"sqlite:///{tmp_path / 'retry.db'}"
        if backend == "sqlite"
        else request.getfixturevalue(f"{backend}_url")
    )
    storage = SQLStorage(
        url, clock=clock, heartbeat_interval=1.0, grace_period=5.0, failed_trial_callback=callback
    )
    study = hs.create_study(storage=storage)
    trial = study.ask()
    x = trial.suggest_float("x", 0, 1)
    trial.set_user_attr("note", "a")  # writes the staged parameter too
    clock.now += 6
    # Only the storage's own step: a reaper killed right after it loses nothing.
    assert storage.fail_stale_trials(study._study_id, grace_period=5.0) == [trial.number]
    other = SQLStorage(url)
    retry = other.get_all_trials(study._study_id, (hs.TrialState.WAITING,))
    assert len(retry) == 1 and retry[0].system_attrs["retried_from"] == trial.number
    assert retry[0].system_attrs["fixed_params"] == {"x": x} and retry[0].user_attrs == {
        "note": "a"
    }
    # The callback, called afterwards as optimize does, sees it done.
    callback(study, storage.get_trial(trial._trial_id))
    assert len(other.get_all_trials(study._study_id, (hs.TrialState.WAITING,))) == 1
    # The retry runs with the same parameter; its own failure is not retried again.
    again = study.ask()
    assert again.suggest_float("x", 0, 1) == x
    clock.now += 6
    assert storage.fail_stale_trials(study._study_id, grace_period=5.0) == [again.number]
    assert other.get_all_trials(study._study_id, (hs.TrialState.WAITING,)) == []
    other.close()
    storage.close()


def test_optuna_heartbeat_getters(tmp_path):
    callback = RetryFailedTrialCallback(max_retry=1)
    storage = SQLStorage(
        f"sqlite:///{tmp_path / 'getters.db'}",
        heartbeat_interval=60,
        grace_period=120,
        failed_trial_callback=callback,
    )
    assert storage.get_heartbeat_interval() == 60
    assert storage.is_heartbeat_enabled()
    assert storage.get_failed_trial_callback() is callback
    assert storage.get_heartbeat_stale_trial_callback() is callback
    plain = InMemoryStorage()
    assert plain.get_heartbeat_interval() is None and not plain.is_heartbeat_enabled()
    assert plain.get_failed_trial_callback() is None


def test_retry_carries_the_failed_trials_params(tmp_path):
    study = hs.create_study(storage=f"sqlite:///{tmp_path / 'retry.db'}")
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    trial.suggest_int("n", 0, 9)
    study.tell(trial, state=TrialState.FAIL)
    failed = study.trials[-1]
    RetryFailedTrialCallback(max_retry=2)(study, failed)
    retry = study.trials[-1]
    assert retry.state == TrialState.WAITING
    assert retry.params == failed.params and retry.distributions == failed.distributions
    assert RetryFailedTrialCallback.retried_trial_number(retry) == failed.number
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_int("n", 0, 9), n_trials=1)
    rerun = study.trials[-1]
    assert rerun.state == TrialState.COMPLETE and rerun.params == failed.params
