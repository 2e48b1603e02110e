"""Fixtures for storage tests: fresh PostgreSQL schemas and MariaDB databases.

Database tests make their own fresh schema/database and drop it afterwards (the
servers are shared). When CI=true a missing server fails the test; locally it skips.
"""

from __future__ import annotations

import os
import uuid

import pytest

PG_ADMIN = os.environ.get("HS_TEST_POSTGRESQL", "postgresql://postgres@127.0.0.1:5432/test")
MYSQL_ADMIN = os.environ.get("HS_TEST_MYSQL", "mysql+pymysql://root@127.0.0.1:3306/")


def _unavailable(what: str, err: BaseException) -> None:
    message = f"{what} is not reachable: {err}"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


def _fresh_postgresql():
    try:
        import psycopg

        admin = psycopg.connect(PG_ADMIN, autocommit=True)
    except Exception as err:  # noqa: BLE001 - driver missing or server down
        _unavailable("PostgreSQL", err)
    schema = f"hs_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_ADMIN else "?"
    return admin, schema, f"{PG_ADMIN}{sep}options=-csearch_path%3D{schema}"


def _fresh_mysql():
    try:
        import pymysql

        admin = pymysql.connect(host="127.0.0.1", port=3306, user="root", autocommit=True)
    except Exception as err:  # noqa: BLE001
        _unavailable("MySQL/MariaDB", err)
    name = f"hs_test_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
    return admin, name, f"{MYSQL_ADMIN.rstrip('/')}/{name}"


@pytest.fixture(scope="module")
def postgresql_url():
    admin, schema, url = _fresh_postgresql()
    try:
        yield url
    finally:
        import psycopg

        admin.close()  # it may have died with a server restart: drop through a fresh one
        with psycopg.connect(PG_ADMIN, autocommit=True) as fresh:
            fresh.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(scope="module")
def mysql_url():
    admin, name, url = _fresh_mysql()
    try:
        yield url
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE {name}")
        admin.close()
