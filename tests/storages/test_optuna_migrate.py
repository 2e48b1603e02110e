"""Optuna RDB studies (written by real optuna 5.0) copied into hypersearch, every field checked.

The Optuna databases live in SQLite files, PostgreSQL schemas and MariaDB
databases named ``optuna_*``; each is only read (the SQLite file's bytes are checked).
"""

from __future__ import annotations

import hashlib
import shutil

import pytest

import hypersearch as hs
from hypersearch.cli import main
from hypersearch.exceptions import DuplicatedStudyError, ForeignDatabaseError, StorageError
from hypersearch.storages import SQLStorage, migrate_from_optuna
from hypersearch.storages.journal import JournalFileBackend
from tests.storages._optuna_db import (
    assert_same_study,
    fresh_mysql_database,
    fresh_postgresql_schema,
    server_tables,
    write_optuna_studies,
)


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def optuna_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("optuna") / "optuna.db"
    write_optuna_studies(f"sqlite:///{path}")
    return path


@pytest.fixture
def optuna_copy(optuna_file, tmp_path):
    path = tmp_path / "optuna.db"
    shutil.copy(optuna_file, path)
    return path


def test_sqlite_migration_keeps_every_field_and_leaves_the_file_unchanged(optuna_copy, tmp_path):
    before = _digest(optuna_copy)
    url = f"sqlite:///{optuna_copy}"
    target = SQLStorage(f"sqlite:///{tmp_path / 'hs.db'}")
    assert migrate_from_optuna(url, target) == ["single", "multi"]
    assert_same_study(url, target, "single")
    assert_same_study(url, target, "multi")
    assert _digest(optuna_copy) == before
    states = {t.state.name for t in hs.load_study(study_name="single", storage=target).trials}
    assert states == {"COMPLETE", "PRUNED", "FAIL", "WAITING", "RUNNING"}


def test_copy_study_reads_an_optuna_url(optuna_copy, tmp_path):
    url = f"sqlite:///{optuna_copy}"
    before = _digest(optuna_copy)
    target = f"sqlite:///{tmp_path / 'hs.db'}"
    hs.copy_study(from_study_name="single", from_storage=url, to_storage=target)
    assert_same_study(url, target, "single")
    hs.copy_study(from_study_name="multi", from_storage=url, to_storage=target, to_study_name="m2")
    assert len(hs.load_study(study_name="m2", storage=target).trials) == 4
    assert hs.get_all_study_names(target) == ["single", "m2"]
    assert _digest(optuna_copy) == before


def test_migration_refuses_a_taken_study_name_and_writes_nothing(optuna_copy, tmp_path):
    target = SQLStorage(f"sqlite:///{tmp_path / 'hs.db'}")
    hs.create_study(study_name="multi", storage=target)
    with pytest.raises(DuplicatedStudyError, match="multi"):
        migrate_from_optuna(f"sqlite:///{optuna_copy}", target)
    assert hs.get_all_study_names(target) == ["multi"]


def test_cli_migrate(optuna_copy, tmp_path, capsys):
    url = f"sqlite:///{optuna_copy}"
    target = f"sqlite:///{tmp_path / 'hs.db'}"
    assert main(["migrate", "--from-optuna", url, "--to", target, "--study-name", "multi"]) == 0
    assert capsys.readouterr().out.split() == ["multi"]
    assert hs.get_all_study_names(target) == ["multi"]
    assert_same_study(url, target, "multi")
    assert main(["migrate", "--from-optuna", target, "--to", f"sqlite:///{tmp_path / 'x.db'}"]) == 1
    assert "holds no Optuna database" in capsys.readouterr().err


def _check_server(optuna_url: str, tmp_path) -> None:
    write_optuna_studies(optuna_url, n_trials=8)
    tables = server_tables(optuna_url)
    with pytest.raises(ForeignDatabaseError, match="hypersearch migrate --from-optuna"):
        hs.create_study(study_name="single", storage=optuna_url, load_if_exists=True)
    assert server_tables(optuna_url) == tables  # nothing added
    target = f"sqlite:///{tmp_path / 'hs.db'}"
    assert main(["migrate", "--from-optuna", optuna_url, "--to", target]) == 0
    assert_same_study(optuna_url, target, "single")
    assert_same_study(optuna_url, target, "multi")


def test_postgresql_migration(tmp_path):
    drop, url = fresh_postgresql_schema()
    try:
        _check_server(url, tmp_path)
    finally:
        drop()


def test_mariadb_migration(tmp_path):
    drop, url = fresh_mysql_database()
    try:
        _check_server(url, tmp_path)
    finally:
        drop()


def test_optuna_journal_file_migrates(tmp_path, capsys):
    import optuna

    path = str(tmp_path / "optuna-journal.log")
    storage = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(path))
    write_optuna_studies(storage, n_trials=8)
    second = optuna.create_study(study_name="single", storage=storage, load_if_exists=True)
    claimed = second.ask()  # the WAITING trial, claimed by a second worker
    second.tell(claimed, 1.5)
    with open(path, "rb") as log:
        before = log.read()
    target = f"sqlite:///{tmp_path / 'hs.db'}"
    assert main(["migrate", "--from-optuna", path, "--to", target]) == 0
    assert capsys.readouterr().out.split() == ["single", "multi"]
    assert_same_study(storage, target, "single")
    assert_same_study(storage, target, "multi")
    with open(path, "rb") as log:
        assert log.read() == before
    with pytest.raises(StorageError, match="an Optuna journal; copy its studies"):
        JournalFileBackend(path)


def test_damaged_optuna_journal_names_the_line(tmp_path):
    path = tmp_path / "optuna-journal.log"
    path.write_bytes(
        b'{"op_code":0,"worker_id":"w","study_name":"s","directions":[1]}\nnot json\n{"op'
    )
    with pytest.raises(StorageError, match="line 2 is not an Optuna journal record"):
        migrate_from_optuna(str(path), None)
    path.write_bytes(b'{"op_code":0,"worker_id":"w","study_name":"s","directions":[1]}\n{"op')
    assert migrate_from_optuna(str(path), hs.storages.InMemoryStorage()) == [
        "s"
    ]  # tail: unfinished
    with pytest.raises(StorageError, match="neither a database URL nor an Optuna journal"):
        migrate_from_optuna(str(tmp_path / "missing.log"), None)
