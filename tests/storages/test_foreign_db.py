"""Databases that are not hypersearch's: refused before any write, file left byte-for-byte as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3

import pytest

import hypersearch as hs
from hypersearch.exceptions import ForeignDatabaseError, StorageError
from hypersearch.storages import SQLStorage, migrate_from_optuna
from tests.storages._optuna_db import write_optuna_studies


@pytest.fixture(scope="module")
def optuna_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("optuna") / "optuna.db"
    write_optuna_studies(f"sqlite:///{path}", n_trials=4)
    return path


@pytest.fixture
def optuna_copy(optuna_file, tmp_path):
    path = tmp_path / "optuna.db"
    shutil.copy(optuna_file, path)
    return path


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(directory) -> list[str]:
    return sorted(os.listdir(directory))


@pytest.mark.parametrize(
    "open_it",
    [
        lambda url: hs.create_study(study_name="single", storage=url, load_if_exists=True),
        lambda url: hs.create_study(study_name="new", storage=url),
        lambda url: hs.load_study(study_name="single", storage=url),
        lambda url: hs.get_all_study_names(url),
        SQLStorage,
        lambda url: SQLStorage(url, read_only=True),
    ],
)
def test_optuna_file_is_refused_untouched(optuna_copy, open_it):
    before, files = _digest(optuna_copy), _files(optuna_copy.parent)
    url = f"sqlite:///{optuna_copy}"
    with pytest.raises(ForeignDatabaseError) as info:
        open_it(url)
    message = str(info.value)
    assert "Optuna" in message and f"hypersearch migrate --from-optuna {url} --to" in message
    assert _digest(optuna_copy) == before
    assert _files(optuna_copy.parent) == files  # no -wal, -shm or lock file either


def test_other_programs_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    before = _digest(path)
    with pytest.raises(ForeignDatabaseError, match=r"another program's tables \(users\)"):
        hs.create_study(storage=f"sqlite:///{path}")
    assert _digest(path) == before


@pytest.mark.parametrize(
    "content",
    [b"plain text, not a database" * 10, b"SQLite format 3\x00" + b"\xff" * 4080],
    ids=["not-sqlite", "corrupt-sqlite"],
)
def test_corrupt_file_is_refused_untouched(tmp_path, content):
    path = tmp_path / "broken.db"
    path.write_bytes(content)
    url = f"sqlite:///{path}"
    for attempt in (lambda: hs.create_study(storage=url), lambda: migrate_from_optuna(url, None)):
        with pytest.raises(StorageError, match=str(path)):
            attempt()
    assert path.read_bytes() == content
    assert _files(tmp_path) == ["broken.db"]


def test_empty_file_and_our_own_database_open(tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    hs.create_study(study_name="a", storage=f"sqlite:///{empty}")
    assert hs.get_all_study_names(f"sqlite:///{empty}") == ["a"]


def _edited(path, statement: str, params=()):
    with sqlite3.connect(path) as conn:
        conn.execute(statement, params)
    conn.close()
    return _digest(path)


def test_unknown_optuna_revision_is_refused(optuna_copy):
    before = _edited(optuna_copy, "UPDATE alembic_version SET version_num = 'v9.9.9.z'")
    with pytest.raises(
        StorageError, match=r"revision v9\.9\.9\.z .*optuna\.db|optuna\.db.*v9\.9\.9\.z"
    ):
        migrate_from_optuna(f"sqlite:///{optuna_copy}", None)
    assert _digest(optuna_copy) == before


def test_unparseable_distribution_is_refused(optuna_copy, tmp_path):
    before = _edited(
        optuna_copy,
        "UPDATE trial_params SET distribution_json = ? WHERE param_name = 'layers'",
        ('{"name": "WeirdDistribution", "attributes": {}}',),
    )
    target = f"sqlite:///{tmp_path / 'hs.db'}"
    with pytest.raises(StorageError) as info:
        migrate_from_optuna(f"sqlite:///{optuna_copy}", target)
    message = str(info.value)
    assert str(optuna_copy) in message and "WeirdDistribution" in message
    assert "study 'single'" in message and "trial 0" in message
    assert _digest(optuna_copy) == before
    assert not (tmp_path / "hs.db").exists()  # decoded in full before anything is written


def test_unknown_trial_state_is_refused(optuna_copy):
    _edited(optuna_copy, "UPDATE trials SET state = 'EXPLODED' WHERE number = 1")
    with pytest.raises(StorageError, match="trial 1: unknown trial state 'EXPLODED'"):
        migrate_from_optuna(f"sqlite:///{optuna_copy}", None)


def test_legacy_distribution_names_are_read():
    from hypersearch.distributions import FloatDistribution, IntDistribution, json_to_distribution

    def legacy(name, **attributes):
        import json

        return json_to_distribution(json.dumps({"name": name, "attributes": attributes}))

    assert legacy("UniformDistribution", low=0, high=1) == FloatDistribution(0, 1)
    assert legacy("LogUniformDistribution", low=1, high=9) == FloatDistribution(1, 9, log=True)
    assert legacy("DiscreteUniformDistribution", low=0, high=1, q=0.5) == FloatDistribution(
        0, 1, step=0.5
    )
    assert legacy("IntUniformDistribution", low=0, high=9, step=3) == IntDistribution(0, 9, step=3)
    assert legacy("IntLogUniformDistribution", low=1, high=9, step=1) == IntDistribution(
        1, 9, log=True
    )


def test_optuna_3_0_schema_and_optuna_2_distributions_are_read(optuna_copy, tmp_path):
    """An Optuna 3.0/3.1 database (revision v3.0.0.d, no v3.2 index) upgraded from Optuna 2."""
    _edited(optuna_copy, "DROP INDEX IF EXISTS trials_study_id_key")
    _edited(optuna_copy, "UPDATE alembic_version SET version_num = 'v3.0.0.d'")
    _edited(
        optuna_copy,
        "UPDATE trial_params SET distribution_json = ? WHERE param_name = 'plain'",
        ('{"name": "UniformDistribution", "attributes": {"low": -1.0, "high": 1.0}}',),
    )
    _edited(
        optuna_copy,
        "UPDATE trial_params SET distribution_json = ? WHERE param_name = 'dropout'",
        (
            '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 0.5, "q": 0.1}}',
        ),
    )
    target = SQLStorage(f"sqlite:///{tmp_path / 'hs.db'}")
    migrate_from_optuna(f"sqlite:///{optuna_copy}", target, study_names=["single"])
    trial = hs.load_study(study_name="single", storage=target).trials[0]
    assert trial.distributions["plain"] == hs.distributions.FloatDistribution(-1.0, 1.0)
    assert trial.distributions["dropout"].step == 0.1
    assert -1.0 <= trial.params["plain"] <= 1.0
