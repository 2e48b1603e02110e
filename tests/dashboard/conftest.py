"""Fixtures of the dashboard's tests.

API tests: a storage with three studies and a client on it.  Browser tests (below): one
headless chromium session, one read-only server, one SQLite database.  Chromium and its
driver come from Debian (``apt-get install -y chromium chromium-driver``; scripts/test.sh
installs them); without them the browser tests skip locally and fail under CI=true.
Screenshots of the views land in ``tests/dashboard/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import hypersearch
from tests.dashboard._helpers import XSS, client_of, fill, fill_multi


@pytest.fixture
def storage():
    s = hypersearch.storages.InMemoryStorage()
    fill(s, XSS, n=30)
    fill(s, "second", n=20, seed=1)
    fill_multi(s)
    return s


@pytest.fixture
def client(storage):
    return client_of(storage)


# -- browser tests ------------------------------------------------------------------------
ARTIFACTS = Path(__file__).parent / "artifacts"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _require(reason: str | None) -> None:
    if reason is None:
        return
    if _in_ci():
        pytest.fail(f"the dashboard's browser tests need a browser under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless chromium (Selenium) shared by every browser test."""
    from bench.suites.dashboard_browser import browser_missing, start_browser

    _require(browser_missing())
    driver = start_browser(1280, 900)
    driver.set_script_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def dashboard_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    from tests.dashboard._studies import write_studies

    path = tmp_path_factory.mktemp("dashboard") / "studies.db"
    url = f"sqlite:///{path}"
    write_studies(url)
    return url


@pytest.fixture(scope="session")
def server(dashboard_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """``hypersearch dashboard`` on the studies, read-only (the default), in a subprocess."""
    from bench.suites.dashboard_browser import ours_server

    if not _in_ci():
        pytest.importorskip("starlette", reason="the dashboard extra is not installed")
    log = tmp_path_factory.getbasetemp() / "dashboard-server.log"
    srv = ours_server(dashboard_db, log=log).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def studies(server: Any) -> dict[str, int]:
    """Study name -> id, as the server lists them."""
    with urllib.request.urlopen(server.url + "/api/studies", timeout=30) as reply:
        listed = json.load(reply)["studies"]
    return {s["study_name"]: s["study_id"] for s in listed}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
