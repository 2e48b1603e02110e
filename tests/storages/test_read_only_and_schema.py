"""Read-only opens (``read_only=True`` / ``?mode=ro``) and explicit schema upgrades.

A read-only open takes no lock, never creates nor migrates the schema and writes
nothing; a schema older than the code is refused on open until
``hypersearch storage upgrade`` migrates it. On SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3

import pytest

import hypersearch as hs
from hypersearch.cli import main
from hypersearch.distributions import FloatDistribution
from hypersearch.exceptions import ReadOnlyStorageError, SchemaVersionError, StorageError
from hypersearch.storages import SQLStorage, get_storage, upgrade_storage
from hypersearch.storages._sql import SCHEMA_VERSION
from hypersearch.trial import TrialState
from tests.storages import conftest

X = FloatDistribution(0.0, 1.0)


def _seed(url: str) -> tuple[int, int]:
    """A study "s" with one finished and one running trial; (study_id, running trial_id)."""
    storage = SQLStorage(url)
    study = hs.create_study(storage=storage, study_name="s")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    running = storage.start_trial(study._study_id)
    storage.close()
    return study._study_id, running.trial_id


def _files(directory) -> dict[str, str]:
    return {
        name: hashlib.sha256((directory / name).read_bytes()).hexdigest()
        for name in os.listdir(directory)
    }


def _set_version(storage: SQLStorage, version: int) -> None:
    storage._db.run(
        lambda cur: storage._db.q(cur, "UPDATE hs_version SET version = ?", (version,)),
        write=True,
    )


def _every_write(storage: SQLStorage, sid: int, tid: int) -> list:
    return [
        lambda: storage.create_new_study([hs.StudyDirection.MINIMIZE], "new"),
        lambda: storage.delete_study(sid),
        lambda: storage.set_study_user_attr(sid, "k", 1),
        lambda: storage.set_study_system_attr(sid, "k", 1),
        lambda: storage.create_new_trial(sid),
        lambda: storage.start_trial(sid),
        lambda: storage.claim_queued_trial(sid),
        lambda: storage.set_trial_param(tid, "y", 0.5, X),
        lambda: storage.stage_trial_param(tid, "y", 0.5, X),
        lambda: storage.set_trial_state_values(tid, TrialState.COMPLETE, [1.0]),
        lambda: storage.finish_and_start_trial(tid, TrialState.COMPLETE, [1.0], sid),
        lambda: storage.set_trial_intermediate_value(tid, 0, 1.0),
        lambda: storage.set_trial_user_attr(tid, "k", 1),
        lambda: storage.set_trial_system_attr(tid, "k", 1),
        lambda: storage.record_heartbeat(tid),
        lambda: storage.fail_stale_trials(sid, grace_period=1.0),
    ]


def _check_refuses_writes(storage: SQLStorage, sid: int, tid: int) -> None:
    for write in _every_write(storage, sid, tid):
        with pytest.raises(ReadOnlyStorageError, match="read-only"):
            write()


# -- SQLite --------------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["argument", "url", "get_storage"])
def test_sqlite_read_only_reads_and_writes_nothing(tmp_path, how):
    url = f"sqlite:///{tmp_path / 'hs.db'}"
    sid, tid = _seed(url)
    before = _files(tmp_path)
    assert set(before) == {"hs.db", "hs.db-hslock"}
    os.remove(tmp_path / "hs.db-hslock")  # a read-only open must not make it again
    if how == "argument":
        storage = SQLStorage(url, read_only=True)
    else:
        storage = SQLStorage(url + "?mode=ro") if how == "url" else get_storage(url + "?mode=ro")
    assert isinstance(storage, SQLStorage) and storage.read_only
    trials = storage.get_all_trials(sid)
    assert [t.state for t in trials] == [TrialState.COMPLETE, TrialState.RUNNING]
    _check_refuses_writes(storage, sid, tid)
    storage.close()
    after = _files(tmp_path)
    assert after["hs.db"] == before["hs.db"]  # the database file was not written
    # SQLite itself keeps a reader's WAL index beside the file (-shm, an empty -wal).
    assert set(after) <= {"hs.db", "hs.db-shm", "hs.db-wal"}
    assert os.path.getsize(tmp_path / "hs.db-wal") == 0


def test_load_study_read_only_sees_a_live_writer(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    writer = hs.create_study(storage=url, study_name="live")
    writer.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    reader = hs.load_study(study_name="live", storage=url + "?mode=ro")
    assert len(reader.trials) == 2
    writer.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    assert len(reader.trials) == 5 and reader.best_value == writer.best_value
    with pytest.raises(ReadOnlyStorageError):
        reader.optimize(lambda t: 0.0, n_trials=1)
    assert len(writer.trials) == 5


def test_sqlite_read_only_missing_file_raises_and_creates_nothing(tmp_path):
    for open_it in (
        lambda: SQLStorage(f"sqlite:///{tmp_path / 'missing.db'}", read_only=True),
        lambda: get_storage(f"sqlite:///{tmp_path / 'missing.db'}?mode=ro"),
        lambda: hs.load_study(
            study_name="s", storage=f"sqlite:///{tmp_path / 'missing.db'}?mode=ro"
        ),
    ):
        with pytest.raises(StorageError, match="read-only: no such database file"):
            open_it()
    assert os.listdir(tmp_path) == []


def test_sqlite_read_only_without_tables_raises_and_creates_none(tmp_path):
    path = tmp_path / "other.db"
    sqlite3.connect(path).close()  # an empty database file that is not ours
    with pytest.raises(StorageError, match="no hypersearch tables"):
        SQLStorage(f"sqlite:///{path}", read_only=True)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == []


def test_read_only_argument_and_mode_are_checked(tmp_path):
    with pytest.raises(TypeError, match="read_only must be a bool"):
        SQLStorage(f"sqlite:///{tmp_path / 'x.db'}", read_only="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="mode='rw' is not understood"):
        SQLStorage(f"sqlite:///{tmp_path / 'x.db'}?mode=rw")
    with pytest.raises(ValueError, match="needs a database file"):
        SQLStorage("sqlite:///:memory:", read_only=True)
    assert os.listdir(tmp_path) == []


def test_read_only_survives_pickling(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    _seed(url)
    back = pickle.loads(pickle.dumps(SQLStorage(url, read_only=True)))
    assert back.read_only
    with pytest.raises(ReadOnlyStorageError):
        back.create_new_study([hs.StudyDirection.MINIMIZE], "x")
    back.close()


def test_sqlite_old_schema_is_refused_until_the_upgrade_command(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    sid, _ = _seed(url)
    storage = SQLStorage(url)
    _set_version(storage, SCHEMA_VERSION - 1)
    storage.close()
    for read_only in (False, True):
        with pytest.raises(SchemaVersionError, match=f"--storage {url}"):
            SQLStorage(url, read_only=read_only)
    with pytest.raises(SchemaVersionError, match="hypersearch storage upgrade"):
        hs.load_study(study_name="s", storage=url)
    assert main(["storage", "upgrade", "--storage", url]) == 0
    assert f"from version {SCHEMA_VERSION - 1} to {SCHEMA_VERSION}" in capsys.readouterr().out
    assert len(SQLStorage(url, read_only=True).get_all_trials(sid)) == 2
    assert main(["storage", "upgrade", "--storage", url]) == 0
    assert "nothing to do" in capsys.readouterr().out


def test_upgrade_command_creates_the_schema_and_reports_errors(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert main(["storage", "upgrade", "--storage", url]) == 0
    assert "Created the schema" in capsys.readouterr().out
    storage = SQLStorage(url)
    _set_version(storage, SCHEMA_VERSION + 1)
    storage.close()
    assert main(["storage", "upgrade", "--storage", url]) == 1
    assert "newer than this hypersearch" in capsys.readouterr().err
    with pytest.raises(SchemaVersionError, match="newer"):
        SQLStorage(url, read_only=True)


def test_a_new_database_still_gets_its_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    storage = SQLStorage(url)
    assert storage.get_all_studies() == []
    assert storage._db.run(
        lambda cur: cur.execute("SELECT version FROM hs_version").fetchall(), write=False
    ) == [(SCHEMA_VERSION,)]
    storage.close()


# -- PostgreSQL and MariaDB ----------------------------------------------------------------
@pytest.fixture(params=["postgresql", "mysql"])
def server_url(request):
    """A fresh, empty PostgreSQL schema or MariaDB database, dropped afterwards."""
    if request.param == "postgresql":
        admin, schema, url = conftest._fresh_postgresql()
        yield url
        admin.execute(f"DROP SCHEMA {schema} CASCADE")
    else:
        admin, name, url = conftest._fresh_mysql()
        yield url
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE {name}")
    admin.close()


def _mode_ro(url: str) -> str:
    return url + ("&" if "?" in url else "?") + "mode=ro"


def test_server_read_only_open(server_url):
    with pytest.raises(StorageError, match="no hypersearch tables"):
        SQLStorage(server_url, read_only=True)  # and it did not create them:
    with pytest.raises(StorageError, match="no hypersearch tables"):
        SQLStorage(_mode_ro(server_url))
    sid, tid = _seed(server_url)
    storage = get_storage(_mode_ro(server_url))
    assert isinstance(storage, SQLStorage) and storage.read_only
    assert len(hs.load_study(study_name="s", storage=storage).trials) == 2
    _check_refuses_writes(storage, sid, tid)
    # The server refuses writes too: the session itself is read-only.
    with pytest.raises(storage._dialect.driver_errors):
        storage._db.run(
            lambda cur: storage._db.q(cur, "UPDATE hs_studies SET seq = seq + 1"), write=False
        )
    storage.close()
    assert SQLStorage(server_url).get_trial(tid).state == TrialState.RUNNING


def test_server_old_schema_is_refused_until_upgraded(server_url, capsys):
    sid, _ = _seed(server_url)
    storage = SQLStorage(server_url)
    _set_version(storage, SCHEMA_VERSION - 1)
    storage.close()
    for read_only in (False, True):
        with pytest.raises(SchemaVersionError, match="older.*hypersearch storage upgrade"):
            SQLStorage(server_url, read_only=read_only)
    assert main(["storage", "upgrade", "--storage", server_url]) == 0
    assert f"to {SCHEMA_VERSION}" in capsys.readouterr().out
    assert upgrade_storage(server_url) == (SCHEMA_VERSION, SCHEMA_VERSION)
    assert len(SQLStorage(server_url, read_only=True).get_all_trials(sid)) == 2
