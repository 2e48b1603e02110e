"""SQLStorage on SQLite (file and :memory:), PostgreSQL and MariaDB/MySQL.

Database tests make their own fresh schema/database and drop it afterwards (the
servers are shared). When CI=true a missing server fails the test; locally it skips.
"""

from __future__ import annotations

import multiprocessing
import pickle
import sqlite3

import pytest

import hypersearch as hs
from hypersearch.exceptions import SchemaVersionError
from hypersearch.storages import SQLStorage, get_storage, upgrade_storage
from hypersearch.storages._sql import SCHEMA_VERSION
from hypersearch.testing.storage import StorageSuite
from hypersearch.trial import TrialState
from tests.storages import conftest


class _SQLSuite(StorageSuite):
    def other_handle(self, storage):
        if storage.url.endswith(":memory:"):
            return storage
        other = SQLStorage(storage.url)
        self._others.append(other)
        return other

    @pytest.fixture(autouse=True)
    def _close_others(self):
        self._others: list[SQLStorage] = []
        yield
        for other in self._others:
            other.close()


class TestSQLiteFile(_SQLSuite):
    @pytest.fixture
    def storage(self, tmp_path):
        storage = SQLStorage(f"sqlite:///{tmp_path / 'hs.db'}")
        yield storage
        storage.close()


class TestSQLiteMemory(_SQLSuite):
    @pytest.fixture
    def storage(self):
        storage = SQLStorage("sqlite:///:memory:")
        yield storage
        storage.close()


def _emptied(url: str) -> SQLStorage:
    """A storage on ``url`` with every row removed (the schema is made once per class)."""
    storage = SQLStorage(url)
    storage._db.run(
        lambda cur: [
            cur.execute(f"DELETE FROM {t}") for t in ("hs_steps", "hs_trials", "hs_studies")
        ],
        write=True,
    )
    return storage


class TestPostgreSQL(_SQLSuite):
    @pytest.fixture
    def storage(self, postgresql_url):
        storage = _emptied(postgresql_url)
        yield storage
        storage.close()


class TestMySQL(_SQLSuite):
    @pytest.fixture
    def storage(self, mysql_url):
        storage = _emptied(mysql_url)
        yield storage
        storage.close()


# -- schema versions -------------------------------------------------------------------------
def _version_rows(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT version FROM hs_version").fetchall()


def _seed(url: str) -> int:
    storage = SQLStorage(url)
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE], "kept")
    t = storage.create_new_trial(sid)
    storage.set_trial_state_values(t.trial_id, TrialState.COMPLETE, [1.5])
    storage.close()
    return sid


def _check_kept(url: str, sid: int) -> None:
    storage = SQLStorage(url)
    assert storage.get_study_id_from_name("kept") == sid
    assert [t.values for t in storage.get_all_trials(sid)] == [(1.5,)]
    storage.close()


def test_reopen_current_version(tmp_path):
    path = tmp_path / "v.db"
    url = f"sqlite:///{path}"
    sid = _seed(url)
    assert _version_rows(path) == [(SCHEMA_VERSION,)]
    _check_kept(url, sid)
    assert _version_rows(path) == [(SCHEMA_VERSION,)]


@pytest.mark.parametrize("damage", ["DELETE FROM hs_version", "DROP TABLE hs_version"])
def test_missing_version_needs_the_upgrade_command(tmp_path, damage):
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    sid = _seed(url)
    with sqlite3.connect(path) as conn:
        conn.execute(damage)
    with pytest.raises(SchemaVersionError, match="hypersearch storage upgrade --storage"):
        SQLStorage(url)
    assert upgrade_storage(url) == (0, SCHEMA_VERSION)
    _check_kept(url, sid)
    assert _version_rows(path) == [(SCHEMA_VERSION,)]


def test_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.db"
    url = f"sqlite:///{path}"
    _seed(url)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE hs_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(SchemaVersionError, match="newer"):
        SQLStorage(url)
    with pytest.raises(SchemaVersionError, match="newer"):
        upgrade_storage(url)


# -- URLs, pickling, processes ---------------------------------------------------------------
def test_urls_open_sql_storage(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    storage = get_storage("sqlite:///rel.db")
    assert isinstance(storage, SQLStorage)
    storage.close()
    assert (tmp_path / "rel.db").exists()
    study = hs.create_study(storage=f"sqlite:///{tmp_path / 'abs.db'}", study_name="s")
    study.optimize(lambda t: t.suggest_int("i", 0, 3), n_trials=3)
    again = hs.load_study(study_name="s", storage=f"sqlite:///{tmp_path / 'abs.db'}")
    assert len(again.trials) == 3
    with pytest.raises(ValueError):
        SQLStorage("oracle://x")
    with pytest.raises(ValueError):
        SQLStorage("sqlite:///x.db", timeout=0)


def test_pickle_reopens(tmp_path):
    storage = SQLStorage(f"sqlite:///{tmp_path / 'p.db'}")
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE], "p")
    clone = pickle.loads(pickle.dumps(storage))
    assert clone.get_study_id_from_name("p") == sid
    clone.close()
    storage.close()


def _worker(url: str, n: int) -> None:
    study = hs.load_study(study_name="mp", storage=url)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=n)


def test_processes_share_sqlite_file(tmp_path):
    # The parent keeps its study (and an open connection) across the fork: the
    # storage must close it before forking, or SQLite's locking breaks in the children.
    url = f"sqlite:///{tmp_path / 'mp.db'}"
    parent = hs.create_study(storage=url, study_name="mp")
    assert parent.trials == []
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_worker, args=(url, 40)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    for trials in (hs.load_study(study_name="mp", storage=url).trials, parent.trials):
        assert sorted(t.number for t in trials) == list(range(120))
        assert all(t.state == TrialState.COMPLETE for t in trials)


def test_reconnects_after_server_drops_connection(postgresql_url):
    import psycopg

    storage = _emptied(postgresql_url)
    sid = storage.create_new_study([hs.StudyDirection.MINIMIZE], "reconnect")
    pid = storage._db.conn().info.backend_pid
    with psycopg.connect(conftest.PG_ADMIN, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    assert storage.create_new_trial(sid).number == 0  # retried on a fresh connection
    assert storage.get_n_trials(sid) == 1
    storage.close()
