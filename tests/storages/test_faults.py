"""Fast fault cases: readers beside writers, bad objectives, hostile names, bad files.

The long runs (more processes, kills, stops, clock skew, server-side connection
kills) are ``bench/scripts/storage_faults.py``; these are the cases that fit in
seconds and that every change must keep passing.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
import warnings

import pytest

import hypersearch as hs
from hypersearch.exceptions import StorageError
from hypersearch.storages import SQLStorage
from hypersearch.trial import TrialState


@pytest.fixture(params=["sqlite", "postgresql", "mysql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'faults.db'}"
    return request.getfixturevalue(f"{request.param}_url")


def _quiet() -> None:
    hs.logging.set_verbosity(hs.logging.ERROR)


def _square(trial):
    return trial.suggest_float("x", -1.0, 1.0) ** 2


def _writer(url: str, seconds: float) -> None:
    _quiet()
    study = hs.load_study(study_name="rw", storage=url, sampler=hs.samplers.RandomSampler())
    study.optimize(_square, timeout=seconds)


def test_readers_opening_the_file_do_not_kill_sqlite_writers(tmp_path):
    # The WAL check used to open and close -shm, which dropped SQLite's own POSIX
    # locks: the next process to open the file reset -shm under the writers (SIGBUS).
    url = f"sqlite:///{tmp_path / 'rw.db'}"
    hs.create_study(study_name="rw", storage=url)
    ctx = multiprocessing.get_context("fork")
    writers = [ctx.Process(target=_writer, args=(url, 3.0)) for _ in range(2)]
    for w in writers:
        w.start()
    reads = 0
    while any(w.is_alive() for w in writers):
        reader = SQLStorage(url)  # a fresh process-level open, as the CLI does
        reader.get_n_trials(reader.get_study_id_from_name("rw"))
        reader.close()
        reads += 1
        time.sleep(0.01)
    for w in writers:
        w.join(30)
    assert [w.exitcode for w in writers] == [0, 0]
    trials = hs.load_study(study_name="rw", storage=url).trials
    assert reads > 10 and len(trials) > 100
    assert sorted(t.number for t in trials) == list(range(len(trials)))
    assert all(t.state == TrialState.COMPLETE for t in trials)


@pytest.mark.parametrize(
    ("returned", "reason"),
    [
        (None, "not a number"),
        (10**400, "too large for a float"),
        (float("nan"), "NaN"),
        ((1.0, 2.0), "2 value(s)"),
        ("abc", "not a number"),
    ],
)
def test_bad_return_values_fail_the_trial_with_a_warning(url, returned, reason):
    study = hs.create_study(storage=url)
    with pytest.warns(UserWarning, match="failed because"):
        study.optimize(lambda trial: returned, n_trials=2)
    assert [t.state for t in study.trials] == [TrialState.FAIL] * 2
    assert all(reason in t.system_attrs["fail_reason"] for t in study.trials)


@pytest.mark.parametrize("name", ["a\udc80", "\ud800", "nul\x00inside", "' OR 1=1 --", "é😀"])
def test_hostile_parameter_names_never_leave_a_trial_running(url, name):
    study = hs.create_study(storage=url)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.optimize(lambda t: t.suggest_float(name, 0.0, 1.0), n_trials=1, catch=(ValueError,))
    (trial,) = study.trials
    if trial.state == TrialState.FAIL:  # a lone surrogate cannot be stored as text
        assert "not valid text" in trial.system_attrs["fail_reason"]
        assert repr(name) in trial.system_attrs["fail_reason"]
    else:
        assert trial.state == TrialState.COMPLETE and list(trial.params) == [name]


def test_lone_surrogates_in_attributes_round_trip(url):
    study = hs.create_study(storage=url)
    trial = study.ask()
    trial.set_user_attr("k\udc80", "v\ud800")
    study.tell(trial, 1.0)
    fresh = hs.load_study(study_name=study.study_name, storage=url)
    assert fresh.trials[0].user_attrs == {"k\udc80": "v\ud800"}


def _bad_files(tmp_path):
    (tmp_path / "adir").mkdir()
    (tmp_path / "garbage.db").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "text.db").write_text("hello\n")
    good = tmp_path / "good.db"
    conn = sqlite3.connect(good)
    conn.execute("CREATE TABLE t (x)")
    conn.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(3000)])
    conn.commit()
    conn.close()
    data = good.read_bytes()
    (tmp_path / "truncated.db").write_bytes(data[: len(data) // 2])
    (tmp_path / "header-only.db").write_bytes(data[:60])
    return {
        "missing directory": "no-such-dir/x.db",
        "a directory": "adir",
        "garbage": "garbage.db",
        "text": "text.db",
        "truncated": "truncated.db",
        "header only": "header-only.db",
    }


def test_bad_sqlite_files_fail_at_once_naming_the_path(tmp_path):
    for what, name in _bad_files(tmp_path).items():
        start = time.perf_counter()
        with pytest.raises(StorageError, match=str(tmp_path / name)):
            SQLStorage(f"sqlite:///{tmp_path / name}")
        assert time.perf_counter() - start < 1.0, what
    assert not list(tmp_path.glob("*-hslock"))  # nothing written beside files we do not own


def test_cli_names_a_bad_file(tmp_path, capsys):
    from hypersearch.cli import main

    path = tmp_path / "garbage.db"
    path.write_bytes(b"\x01" * 4096)
    assert main(["trials", "--storage", f"sqlite:///{path}", "--study-name", "s"]) == 1
    assert str(path) in capsys.readouterr().err


def test_timeout_must_be_a_number(tmp_path):
    study = hs.create_study()
    for bad in (float("nan"), -1.0, "10"):
        with pytest.raises((ValueError, TypeError), match="timeout"):
            study.optimize(_square, n_trials=1, timeout=bad)


@pytest.fixture(params=["postgresql", "mysql"])
def server_url(request):
    return request.getfixturevalue(f"{request.param}_url")


def _kill_session(url: str, storage: SQLStorage) -> None:
    """End the storage's current session from the server side."""
    from tests.storages import conftest

    conn = storage._db.conn()
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(conftest.PG_ADMIN, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))
    else:
        import pymysql

        admin = pymysql.connect(host="127.0.0.1", port=3306, user="root", autocommit=True)
        with admin.cursor() as cur:
            cur.execute(f"KILL {int(conn.thread_id())}")
        admin.close()


def test_sessions_killed_by_the_server_are_reconnected(server_url):
    storage = SQLStorage(server_url)
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE])
    for _ in range(3):
        _kill_session(server_url, storage)
        trial = storage.start_trial(sid)
        _kill_session(server_url, storage)
        storage.set_trial_param(trial.trial_id, "x", 0.5, hs.distributions.FloatDistribution(0, 1))
        _kill_session(server_url, storage)
        storage.set_trial_state_values(trial.trial_id, TrialState.COMPLETE, [1.0])
    trials = storage.get_all_trials(sid)
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 3
    assert storage.lock_retries >= 9
    storage.close()


def test_a_lost_reply_to_creating_a_trial_adopts_the_trial(server_url, monkeypatch):
    # The server committed the new trial, then the session died before the reply.
    storage = SQLStorage(server_url)
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE])
    original = storage._db._once
    lost = []

    def once(body, write):
        result = original(body, write)
        if not lost and isinstance(result, tuple) and len(result) == 2:  # (trial_id, number)
            lost.append(result)
            _kill_session(server_url, storage)
            storage._db.conn().close()
            raise storage._dialect.driver_errors[0]("the connection is lost")
        return result

    monkeypatch.setattr(storage._db, "_once", once)
    trial = storage.start_trial(sid)
    monkeypatch.undo()
    assert lost and storage.get_n_trials(sid) == 1  # adopted, not a second trial
    storage.set_trial_state_values(trial.trial_id, TrialState.COMPLETE, [1.0])
    assert [t.state for t in storage.get_all_trials(sid)] == [TrialState.COMPLETE]
    storage.close()


def test_a_stalled_gate_holder_does_not_stall_writers(tmp_path):
    import fcntl
    import os

    from hypersearch.storages._sql import _gate

    path = tmp_path / "gate.db"
    storage = SQLStorage(f"sqlite:///{path}")
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE])
    holder = os.open(f"{path}-hslock", os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)  # another process, stopped while it holds the gate
    start = time.perf_counter()
    for _ in range(20):
        storage.start_trial(sid)
    assert time.perf_counter() - start < _gate.WAIT_SECONDS + 1.0  # one wait, then no queueing
    assert storage._db.gate.bypassed == 20
    fcntl.flock(holder, fcntl.LOCK_UN)  # it resumes: the gate works again
    deadline = time.monotonic() + 5
    while storage._db.gate._sleeper.stuck and time.monotonic() < deadline:
        time.sleep(0.01)
    storage.start_trial(sid)
    assert storage._db.gate.bypassed == 20 and storage.get_n_trials(sid) == 21
    os.close(holder)
    storage.close()


def test_a_stalled_sqlite_lock_holder_ends_in_a_clear_error(tmp_path):
    path = tmp_path / "locked.db"
    storage = SQLStorage(f"sqlite:///{path}", timeout=0.3)
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE])
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a stopped process inside its write transaction
    with pytest.raises(StorageError, match="stayed locked for 0.3 s"):
        storage.start_trial(sid)
    other.execute("ROLLBACK")
    other.close()
    storage.start_trial(sid)
    storage.close()


def test_heartbeats_use_the_database_clock_not_the_workers(url, monkeypatch):
    from hypersearch.storages._sql._clock import ServerClock

    storage = SQLStorage(url, heartbeat_interval=1.0, grace_period=5.0)
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE])
    trial = storage.start_trial(sid)
    server = ServerClock(storage._db).read()
    # This worker's wall clock is an hour off: nothing it decides may change.
    monkeypatch.setattr(time, "time", lambda: server + 3600.0)
    storage.record_heartbeat(trial.trial_id)
    assert storage.fail_stale_trials(sid, grace_period=5.0) == []

    def stamp(value: float) -> None:
        storage._db.run(
            lambda cur: storage._db.q(
                cur,
                "UPDATE hs_trials SET heartbeat = ? WHERE trial_id = ?",
                (value, trial.trial_id),
            ),
            write=False,
        )

    stamp(ServerClock(storage._db).read() - 1.0)  # fresh by the server's clock
    assert storage.fail_stale_trials(sid, grace_period=5.0) == []
    stamp(ServerClock(storage._db).read() - 30.0)  # silent for 30 s by the server's clock
    assert storage.fail_stale_trials(sid, grace_period=5.0) == [trial.number]
    storage.close()


def test_a_live_worker_whose_trial_was_failed_keeps_its_result(url):
    storage = SQLStorage(url, heartbeat_interval=1.0, grace_period=5.0)
    study = hs.create_study(storage=storage)
    trial = study.ask()
    x = trial.suggest_float("x", 0.0, 1.0)
    trial.report(0.5, 1)
    # Its heartbeats stalled (a long GIL-holding call): another worker fails it.
    storage._db.run(
        lambda cur: storage._db.q(
            cur,
            "UPDATE hs_trials SET heartbeat = heartbeat - 60 WHERE trial_id = ?",
            (trial._trial_id,),
        ),
        write=False,
    )
    other = SQLStorage(url, heartbeat_interval=1.0, grace_period=5.0)
    assert other.fail_stale_trials(study._study_id, grace_period=5.0) == [trial.number]
    with pytest.warns(UserWarning, match="its result is stored as trial 1"):
        kept = study.tell(trial, 0.25)
    assert kept.number == 1 and kept.state == TrialState.COMPLETE and kept.values == (0.25,)
    assert kept.params == {"x": x} and kept.intermediate_values == {1: 0.5}
    assert kept.system_attrs["late_result_of"] == 0
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.COMPLETE]
    other.close()
    storage.close()


def test_deep_copies_of_trials_are_independent():
    import copy

    trial = hs.trial.create_trial(
        params={"x": 0.5},
        distributions={"x": hs.distributions.FloatDistribution(0, 1)},
        value=1.0,
        user_attrs={"list": [1, [2]], "s": "t"},
        intermediate_values={1: 0.5},
    )
    twin = copy.deepcopy(trial)
    assert twin == trial
    twin.user_attrs["list"][1].append(3)
    twin.params["x"] = 0.1
    twin.intermediate_values[2] = 0.0
    assert trial.user_attrs["list"] == [1, [2]] and trial.params == {"x": 0.5}
    assert trial.intermediate_values == {1: 0.5}


def _slow_square(trial):
    time.sleep(0.02)
    return _square(trial)


def _capped_worker(url: str, n: int) -> None:
    from hypersearch.study._cap import optimize_until_complete

    _quiet()
    study = hs.load_study(study_name="cap", storage=url, sampler=hs.samplers.RandomSampler())
    optimize_until_complete(study, _slow_square, n)


def test_max_trials_with_many_workers_does_not_overshoot(tmp_path):
    # MaxTrialsCallback alone ended with n + (workers - 1): the others were each mid-trial.
    url = f"sqlite:///{tmp_path / 'cap.db'}"
    hs.create_study(study_name="cap", storage=url)
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_capped_worker, args=(url, 40)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0] * 4
    states = [t.state for t in hs.load_study(study_name="cap", storage=url).trials]
    assert 40 <= states.count(TrialState.COMPLETE) <= 41  # two racing for the last slot at most
    assert TrialState.RUNNING not in states


def test_a_worker_whose_trial_was_failed_mid_objective_carries_on(url):
    storage = SQLStorage(url, heartbeat_interval=1.0, grace_period=5.0)
    other = SQLStorage(url, heartbeat_interval=1.0, grace_period=5.0)
    study = hs.create_study(storage=storage)

    def objective(trial):
        if trial.number == 0:  # stalled past the grace period: another worker fails it
            storage._db.run(
                lambda cur: storage._db.q(
                    cur,
                    "UPDATE hs_trials SET heartbeat = heartbeat - 60 WHERE trial_id = ?",
                    (trial._trial_id,),
                ),
                write=False,
            )
            assert other.fail_stale_trials(study._study_id, grace_period=5.0) == [0]
        trial.report(0.5, 1)  # raises for trial 0: it is FAIL now
        return 1.0

    with pytest.warns(UserWarning, match="failed by another worker while it ran"):
        study.optimize(objective, n_trials=2)
    states = [t.state for t in study.trials]
    assert states == [TrialState.FAIL, TrialState.COMPLETE]
    assert "presumed dead" in study.trials[0].system_attrs["fail_reason"]
    other.close()
    storage.close()


def test_a_writer_outwaits_a_lock_held_past_a_thousand_retries(tmp_path, monkeypatch):
    # The backoff's 2**attempt overflowed a float at try 1,024 (about 1 s of SQLite's
    # 0.1-2 ms sleeps): a process stopped inside its write transaction killed the others.
    from hypersearch.storages._sql import _database

    path = tmp_path / "long.db"
    storage = SQLStorage(f"sqlite:///{path}", timeout=60)
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    sleeps = []

    def sleep(seconds: float) -> None:  # no real waiting; the holder lets go after 1,500 tries
        sleeps.append(seconds)
        if len(sleeps) == 1500:
            holder.execute("ROLLBACK")

    monkeypatch.setattr(_database.time, "sleep", sleep)
    storage.start_trial(sid)
    monkeypatch.undo()
    holder.close()
    assert len(sleeps) == 1500 and max(sleeps) <= 0.002
    assert storage.get_n_trials(sid) == 1
    storage.close()
