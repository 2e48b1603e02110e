"""Live reading over SQLite: deltas by change cursor, the read-only open, a storage that goes away."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

import hypersearch
from hypersearch.dashboard import open_storage
from hypersearch.exceptions import ForeignDatabaseError, StorageError
from hypersearch.storages import InMemoryStorage
from tests.dashboard._helpers import client_of, fill, study_id
from tests.storages.conftest import postgresql_url  # noqa: F401 - the fixture


@pytest.fixture
def sqlite_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'hs.db'}"
    fill(url, "live", n=5)
    return url


def test_a_trial_written_by_another_process_arrives_as_a_delta(sqlite_url):
    client = client_of(open_storage(sqlite_url))
    sid = study_id(client, "live")
    version = client.get(f"/api/studies/{sid}").json()["version"]
    unchanged = client.get(f"/api/studies/{sid}/delta", params={"since": version}).json()
    assert unchanged["changed"] == [] and unchanged["version"] == version
    code = (
        "import hypersearch, sys; from tests.dashboard._helpers import objective; "
        "hypersearch.load_study(study_name='live', storage=sys.argv[1]).optimize(objective, n_trials=2)"
    )
    subprocess.run([sys.executable, "-c", code, sqlite_url], check=True, timeout=120)
    import time

    time.sleep(0.3)  # past the server's minimum interval between two reads of one study
    delta = client.get(f"/api/studies/{sid}/delta", params={"since": version}).json()
    assert [r["number"] for r in delta["changed"]] == [5, 6]
    assert all(r["state"] == "COMPLETE" for r in delta["changed"])
    assert delta["summary"]["n_trials"] == 7 and delta["version"] > version
    again = client.get(f"/api/studies/{sid}/delta", params={"since": delta["version"]}).json()
    assert again["changed"] == []
    ahead = client.get(f"/api/studies/{sid}/delta", params={"since": delta["version"] + 5}).json()
    assert ahead["reset"] is True


def test_read_only_open_writes_nothing_and_refuses_writes(sqlite_url, tmp_path):
    path = sqlite_url[len("sqlite:///") :]
    before = sorted(os.listdir(tmp_path))
    with open(path, "rb") as f:
        content = f.read()
    storage = open_storage(sqlite_url)
    assert storage.read_only
    client = client_of(storage)
    assert client.get("/api/studies").status_code == 200
    response = client.post(
        f"/api/studies/{study_id(client, 'live')}/note",
        json={"note": "x"},
        headers={"X-Hypersearch-Token": client.app.state.token},
    )
    assert response.status_code == 403 and "--allow-writes" in response.json()["error"]
    storage.close()
    with open(path, "rb") as f:
        assert f.read() == content
    # no lock file of ours; SQLite itself may map the WAL index (-wal, -shm) to read a WAL file
    assert set(os.listdir(tmp_path)) - set(before) <= {"hs.db-wal", "hs.db-shm"}


def test_a_missing_sqlite_file_is_not_created(tmp_path):
    with pytest.raises(StorageError, match="No SQLite database"):
        open_storage(f"sqlite:///{tmp_path / 'none.db'}")
    assert not os.listdir(tmp_path)


def test_an_optuna_database_points_to_migrate(tmp_path):
    from tests.storages._optuna_db import write_optuna_studies

    url = f"sqlite:///{tmp_path / 'optuna.db'}"
    write_optuna_studies(url, n_trials=2)
    with pytest.raises(ForeignDatabaseError, match="hypersearch migrate --from-optuna"):
        open_storage(url)
    result = subprocess.run(
        [sys.executable, "-m", "hypersearch", "dashboard", url, "--port", "1"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "hypersearch migrate --from-optuna" in result.stderr and "Traceback" not in result.stderr


class FlakyStorage(InMemoryStorage):
    """An in-memory storage whose reads fail while ``down`` is set (a database that went away)."""

    down = False

    def get_trials_since(self, study_id, cursor):
        if self.down:
            raise StorageError("connection refused")
        return super().get_trials_since(study_id, cursor)

    def get_all_studies(self):
        if self.down:
            raise sqlite3.OperationalError("unable to open database file")
        return super().get_all_studies()

    def get_study_system_attrs(self, study_id):
        if self.down:
            import psycopg

            raise psycopg.OperationalError("server closed the connection unexpectedly")
        return super().get_study_system_attrs(study_id)


def test_a_storage_that_goes_away_answers_503_and_recovers():
    storage = FlakyStorage()
    fill(storage, "s", n=3)
    client = client_of(storage)
    sid = study_id(client, "s")
    storage.down = True
    import time

    time.sleep(0.3)
    paths = ("/api/studies", f"/api/studies/{sid}/delta?since=0", f"/api/studies/{sid}/trials")
    for path in (*paths, f"/api/studies/{sid}/diagnostics"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert "not available" in response.json()["error"] and "Traceback" not in response.text
    storage.down = False
    time.sleep(0.3)
    assert client.get(f"/api/studies/{sid}/trials").json()["total"] == 3


def test_the_host_header_must_name_this_server(client):
    assert client.get("/api/info").status_code == 200
    response = client.get("/api/info", headers={"Host": "attacker.example:8080"})
    assert response.status_code == 400 and "not served here" in response.json()["error"]


def test_cli_parses_the_dashboard_command():
    from hypersearch.cli import build_parser

    args = build_parser().parse_args(
        ["dashboard", "sqlite:///x.db", "--port", "9000", "--allow-writes"]
    )
    assert (args.storage_url, args.host, args.port, args.allow_writes) == (
        "sqlite:///x.db",
        "127.0.0.1",
        9000,
        True,
    )
    default = build_parser().parse_args(["dashboard", "sqlite:///x.db"])
    assert default.host == "127.0.0.1" and default.allow_writes is False and default.port == 8080


def test_load_study_is_untouched_by_reading(sqlite_url):
    client = client_of(open_storage(sqlite_url))
    client.get("/api/studies")
    assert len(hypersearch.load_study(study_name="live", storage=sqlite_url).trials) == 5


def test_postgresql_read_only_and_live(postgresql_url):  # noqa: F811
    fill(postgresql_url, "pg", n=3)
    storage = open_storage(postgresql_url)
    assert storage.read_only
    client = client_of(storage)
    sid = study_id(client, "pg")
    version = client.get(f"/api/studies/{sid}").json()["version"]
    hypersearch.load_study(study_name="pg", storage=postgresql_url).optimize(
        lambda t: t.suggest_float("x", 0, 1), n_trials=1
    )
    import time

    time.sleep(0.3)
    delta = client.get(f"/api/studies/{sid}/delta", params={"since": version}).json()
    assert [r["number"] for r in delta["changed"]] == [3]
    storage.close()


def test_a_journal_file_is_served(tmp_path):
    from hypersearch.storages.journal import JournalFileBackend, JournalStorage

    path = str(tmp_path / "journal.log")
    fill(JournalStorage(JournalFileBackend(path)), "j", n=4)
    client = client_of(open_storage(path))
    assert client.get(f"/api/studies/{study_id(client, 'j')}/trials").json()["total"] == 4


class SlowStorage(InMemoryStorage):
    """Reads of trials wait until ``release`` is set (a large study read for the first time)."""

    def __init__(self):
        super().__init__()
        import threading

        self.release = threading.Event()
        self.release.set()

    def get_trials_since(self, study_id, cursor):
        self.release.wait(30)
        return super().get_trials_since(study_id, cursor)


def test_the_study_list_does_not_wait_for_a_study_still_read():
    storage = SlowStorage()
    fill(storage, "slow", n=4)
    client = client_of(storage, read_first=False)
    storage.release.clear()
    listed = client.get("/api/studies").json()["studies"]
    assert listed[0]["loading"] is True and listed[0]["n_trials"] == 4
    storage.release.set()
    import time

    deadline = time.monotonic() + 10
    while listed[0].get("loading") and time.monotonic() < deadline:
        listed = client.get("/api/studies").json()["studies"]
    assert "loading" not in listed[0] and listed[0]["states"]["COMPLETE"] == 4
