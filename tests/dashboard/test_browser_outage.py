"""A storage that goes away while the page is open: the page says so, then recovers.

The study lives in a fresh PostgreSQL database; "going away" refuses new connections to it
and ends the open ones (what a restart or a network cut does to the server's session).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

import hypersearch as hs
from hypersearch.distributions import FloatDistribution
from tests.dashboard._page import js, open_view, wait_for

PG_ADMIN = os.environ.get("HS_TEST_POSTGRESQL", "postgresql://postgres@127.0.0.1:5432/test")

BANNER = """
const b = document.querySelector('[data-testid=status-banner]');
return b.hidden ? '' : b.textContent;
"""


def _admin() -> Any:
    try:
        import psycopg

        return psycopg.connect(PG_ADMIN, autocommit=True)
    except Exception as err:  # noqa: BLE001 - driver missing or server down
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"PostgreSQL is not reachable: {err}")
        pytest.skip(f"PostgreSQL is not reachable: {err}")


@pytest.fixture
def pg_database() -> Iterator[tuple[str, str]]:
    """(database name, our URL of it): a fresh database, dropped afterwards."""
    name = f"hs_test_dash_{uuid.uuid4().hex[:10]}"
    with _admin() as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield name, f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"
    finally:
        with _admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _reachable(name: str, yes: bool) -> None:
    with _admin() as admin:
        admin.execute(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS {str(yes).lower()}")
        if not yes:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )


def _add(url: str, value: float) -> None:
    study = hs.load_study(study_name="outage", storage=url)
    study.add_trial(hs.create_trial(value=value, params={"x": value},
                                    distributions={"x": FloatDistribution(0, 100)}))  # fmt: skip


def test_the_page_says_the_storage_went_away_and_recovers(browser: Any,
                                                           pg_database: tuple[str, str]) -> None:  # fmt: skip
    from bench.suites.dashboard_browser import ours_server

    name, url = pg_database
    hs.create_study(storage=url, study_name="outage")
    for v in (1.0, 2.0):
        _add(url, v)
    with ours_server(url) as srv:
        open_view(browser, srv.url + "/#/study/1")
        assert js(browser, BANNER) == ""
        _reachable(name, False)
        text = wait_for(lambda: js(browser, BANNER), timeout=30, what="the status banner")
        assert "not available" in text or "cannot be reached" in text, text
        assert "Traceback" not in js(browser, "return document.body.innerText")
        _reachable(name, True)
        _add(url, 3.0)
        wait_for(lambda: js(browser, BANNER) == "", timeout=30, what="the banner to go")
        wait_for(
            lambda: "trials: 3" in js(browser, "return document.body.innerText"),
            timeout=30,
            what="the trial written after the outage",
        )
