"""An SQLite file shared by processes: the WAL stays short, writers queue at the gate."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import sqlite3
import threading
import time

import hypersearch as hs
from hypersearch.storages import SQLStorage
from hypersearch.storages._sql._checkpoint import TARGET_FRAMES, WalCheckpointer, wal_frames
from hypersearch.storages._sql._gate import WriteGate


def _objective(trial):
    return trial.suggest_float("x", 0.0, 1.0)


def _worker(url: str, n: int, barrier) -> None:
    hs.logging.set_verbosity(hs.logging.WARNING)
    study = hs.load_study(study_name="wal", storage=url, sampler=hs.samplers.RandomSampler())
    barrier.wait()
    study.optimize(_objective, n_trials=n)


def test_wal_is_restarted_while_two_processes_write(tmp_path):
    # SQLite's own PASSIVE checkpoint never caught up here: the log grew to 48-72 MB
    # in 6,000 trials of two processes with 0.1.0's writes.
    path = str(tmp_path / "wal.db")
    url = f"sqlite:///{path}"
    hs.create_study(study_name="wal", storage=url)
    keep = sqlite3.connect(path)  # keeps the log file after the workers close
    keep.execute("SELECT COUNT(*) FROM hs_trials").fetchone()
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    workers = [ctx.Process(target=_worker, args=(url, 3000, barrier)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    page = keep.execute("PRAGMA page_size").fetchone()[0]
    assert os.path.getsize(path + "-wal") < 2 * TARGET_FRAMES * page
    assert keep.execute("SELECT COUNT(*) FROM hs_trials WHERE state = 1").fetchone()[0] == 6000
    keep.close()


def test_wal_frames_reads_the_log_size_without_opening_it(tmp_path):
    path = str(tmp_path / "frames.db")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE t (x)")
    for i in range(20):
        conn.execute("INSERT INTO t VALUES (?)", (i,))
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    frames = wal_frames(path + "-wal", page)
    busy, log, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0 and frames == log > 20
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert wal_frames(path + "-wal", page) == 0
    conn.execute("INSERT INTO t VALUES (0)")  # the next writer starts the log over
    assert wal_frames(path + "-wal", page) == 1
    assert wal_frames(str(tmp_path / "missing.db-wal"), page) == 0
    conn.close()


def test_checkpointer_restarts_the_log_once_it_is_long(tmp_path, monkeypatch):
    import hypersearch.storages._sql._checkpoint as ckpt

    path = str(tmp_path / "ckpt.db")
    storage = SQLStorage(f"sqlite:///{path}")
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE], "c")
    monkeypatch.setattr(ckpt, "TARGET_FRAMES", 50)
    checker = storage._db.checkpointer
    assert isinstance(checker, WalCheckpointer)
    for _ in range(60):
        storage.start_trial(sid)
    assert checker.last is not None and checker.last[0] == 0  # done, not locked out
    assert wal_frames(path + "-wal", 4096) < 50 + 8 * 6  # restarted, then a few commits more
    storage.close()


def test_writers_queue_at_the_gate(tmp_path):
    path = str(tmp_path / "gate.db")
    storage = SQLStorage(f"sqlite:///{path}")
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE], "g")
    assert os.path.exists(path + "-hslock")
    holder = os.open(path + "-hslock", os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)  # another process's writer in the middle of a write
    started = []
    writer = threading.Thread(target=lambda: started.append(storage.start_trial(sid)))
    writer.start()
    time.sleep(0.3)
    assert not started and storage.lock_retries == 0  # waiting in the kernel, not spinning
    assert storage.get_n_trials(sid) == 0  # reads do not queue
    fcntl.flock(holder, fcntl.LOCK_UN)
    writer.join(10)
    assert len(started) == 1 and storage.get_n_trials(sid) == 1
    os.close(holder)
    storage.close()


def test_gate_falls_back_when_its_file_cannot_be_made(tmp_path):
    gate = WriteGate(str(tmp_path / "no-such-dir" / "x.db"))
    assert gate.acquire() is False
    assert gate.acquire() is False  # and does not try again
    gate.close()
