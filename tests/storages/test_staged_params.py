"""Suggested parameters on SQLite: written with the trial's next write, or within 0.1 s."""

from __future__ import annotations

import time

import pytest

import hypersearch as hs
from hypersearch.distributions import FloatDistribution
from hypersearch.storages import SQLStorage
from hypersearch.storages._sql import _staged

X = FloatDistribution(0.0, 1.0)


@pytest.fixture
def pair(tmp_path):
    url = f"sqlite:///{tmp_path / 'staged.db'}"
    mine, other = SQLStorage(url), SQLStorage(url)  # this worker, and another process's view
    yield mine, other
    mine.close()
    other.close()


def _params_elsewhere(other: SQLStorage, trial_id: int) -> dict:
    return dict(other.get_trial(trial_id).params)


def test_a_report_writes_the_staged_parameters_first(pair):
    mine, other = pair
    study = hs.create_study(storage=mine, study_name="s")
    trial = study.ask()
    x = trial.suggest_float("x", 0, 1)
    assert mine.get_owned_trial(trial._trial_id).params == {"x": x}  # this process: at once
    trial.report(0.5, 0)
    assert _params_elsewhere(other, trial._trial_id) == {"x": x}
    assert other.get_trial(trial._trial_id).intermediate_values == {0: 0.5}


def test_a_long_trial_shows_its_parameters_within_the_delay(pair):
    mine, other = pair
    study = hs.create_study(storage=mine, study_name="s")
    trial = study.ask()
    x = trial.suggest_float("x", 0, 1)
    y = trial.suggest_int("y", 0, 9)
    deadline = time.monotonic() + 5.0
    while _params_elsewhere(other, trial._trial_id) != {"x": x, "y": y}:
        assert time.monotonic() < deadline, "the staged parameters were never written"
        time.sleep(0.02)
    study.tell(trial, 1.0)
    done = other.get_trial(trial._trial_id)
    assert done.params == {"x": x, "y": y} and list(done.params) == ["x", "y"]


def test_the_end_of_a_trial_writes_its_parameters_in_the_same_transaction(pair, monkeypatch):
    mine, _ = pair
    study = hs.create_study(storage=mine, study_name="s", sampler=hs.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("z", 0, 1), n_trials=3)
    writes = []
    run = mine._db.run
    monkeypatch.setattr(
        mine._db, "run", lambda body, write: (writes.append(write), run(body, write=write))[1]
    )
    study.optimize(
        lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("z", 0, 1),
        n_trials=20,
        diagnose=False,  # its check at 20 trials reads the study: not what is counted here
    )
    # One transaction per trial (its parameters, its end and the next trial's start),
    # plus the first trial's start, plus the session's start and end records; no read.
    assert writes.count(True) == 23 and writes.count(False) == 0
    trials = study.trials
    assert len(trials) == 23 and all(set(t.params) == {"x", "z"} for t in trials)
    assert all(t.value == pytest.approx(t.params["x"] + t.params["z"]) for t in trials)


def test_attributes_and_plain_tell_keep_parameters_in_order(pair):
    mine, other = pair
    study = hs.create_study(storage=mine, study_name="s")
    trial = study.ask()
    trial.suggest_float("a", 0, 1)
    trial.set_user_attr("u", 1)  # writes "a" first
    assert list(_params_elsewhere(other, trial._trial_id)) == ["a"]
    trial.suggest_float("b", 0, 1)
    trial.suggest_categorical("c", ["p", "q"])
    study.tell(trial, 0.0)  # not chained: the finishing write carries "b" and "c"
    assert list(other.get_trial(trial._trial_id).params) == ["a", "b", "c"]


def test_staged_parameters_of_a_trial_finished_elsewhere_are_refused(pair):
    mine, other = pair
    study = hs.create_study(storage=mine, study_name="s")
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    assert other.set_trial_state_values(trial._trial_id, hs.TrialState.FAIL)  # the reaper
    with pytest.raises(hs.exceptions.UpdateFinishedTrialError, match="already finished as FAIL"):
        study.tell(trial, 1.0)
    assert other.get_trial(trial._trial_id).params == {}


def test_close_writes_what_is_staged(pair):
    mine, other = pair
    study = hs.create_study(storage=mine, study_name="s")
    trial = study.ask()
    x = trial.suggest_float("x", 0, 1)
    mine.close()
    assert _params_elsewhere(other, trial._trial_id) == {"x": x}


def test_stage_falls_back_to_a_plain_write(pair):
    mine, other = pair
    sid = mine.create_new_study([hs.StudyDirection.MINIMIZE], "s")
    queued = other.create_new_trial(sid)  # not started by this process
    mine.stage_trial_param(queued.trial_id, "x", 0.25, X)
    assert _params_elsewhere(other, queued.trial_id) == {"x": 0.25}
    mine.stage_trial_param(queued.trial_id, "x", 0.5, X)  # set again: the checked path
    assert _params_elsewhere(other, queued.trial_id) == {"x": 0.5}


def test_a_process_that_exits_mid_trial_writes_what_it_staged(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "exit.db"
    code = (
        "import sys, hypersearch as hs\n"
        f"study = hs.create_study(storage='sqlite:///{path}', study_name='s')\n"
        "print(study.ask().suggest_float('x', 0, 1))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    trial = hs.load_study(study_name="s", storage=f"sqlite:///{path}").trials[0]
    assert trial.state == hs.TrialState.RUNNING and trial.params == {"x": float(out.stdout)}


def test_the_writer_thread_ends_when_nothing_is_staged(pair, monkeypatch):
    mine, other = pair
    staged = _staged.StagedParams(mine._writer.write_staged, delay=0.05)
    monkeypatch.setattr(mine._writer, "staged", staged)
    study = hs.create_study(storage=mine, study_name="s")
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    assert staged._thread is not None and staged._thread.is_alive()
    deadline = time.monotonic() + 5.0
    while staged._thread is not None:  # written, then nothing left: the thread ends
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert "x" in _params_elsewhere(other, trial._trial_id)
    trial.suggest_float("y", 0, 1)  # a new one starts on demand
    assert staged._thread is not None
    study.tell(trial, 0.0)


@pytest.mark.parametrize("write", ["report", "attribute"])
def test_a_report_or_attribute_carries_the_staged_parameters_in_its_transaction(
    pair, monkeypatch, write
):
    mine, other = pair
    study = hs.create_study(storage=mine, study_name="s")
    trial = study.ask()
    x = trial.suggest_float("x", 0, 1)
    _, cursor = other.get_trials_since(study._study_id, -1)
    writes = []
    run = mine._db.run
    monkeypatch.setattr(
        mine._db, "run", lambda body, write: (writes.append(write), run(body, write=write))[1]
    )
    if write == "report":
        trial.report(0.5, 0)
    else:
        trial.set_user_attr("u", 1)
    assert writes == [True]  # one write transaction for both
    (seen,), new_cursor = other.get_trials_since(study._study_id, cursor)
    assert seen.params == {"x": x} and new_cursor > cursor
    seq = mine._db.run(
        lambda cur: cur.execute("SELECT seq FROM hs_studies").fetchone(), write=False
    )
    assert new_cursor == seq[0]  # the trial carries the latest change number
    assert other.get_trials_since(study._study_id, new_cursor) == ([], new_cursor)


def test_a_staged_parameter_set_meanwhile_falls_back_to_its_own_write(pair):
    mine, other = pair
    study = hs.create_study(storage=mine, study_name="s")
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    other.set_trial_param(trial._trial_id, "x", 0.75, X)  # written elsewhere first
    trial.report(0.5, 0)  # the staged "x" does not qualify: the checked path sets it
    back = other.get_trial(trial._trial_id)
    assert back.intermediate_values == {0: 0.5} and list(back.params) == ["x"]


def test_a_storage_collected_unclosed_writes_what_it_staged(tmp_path):
    """A study dropped right after a suggest (no close, no exit yet) keeps the parameter."""
    import gc

    url = f"sqlite:///{tmp_path / 'dropped.db'}"

    def ask_and_drop() -> None:
        study = hs.create_study(storage=url, study_name="dropped")
        study.ask().suggest_float("x", 0.0, 1.0)

    ask_and_drop()
    gc.collect()
    (trial,) = hs.load_study(study_name="dropped", storage=url).trials
    assert set(trial.params) == {"x"}
