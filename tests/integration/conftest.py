"""Fixtures: a fresh PostgreSQL schema (fails, not skips, under CI=true); one local Ray cluster."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PG_ADMIN = os.environ.get("HS_TEST_POSTGRESQL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture
def postgresql_schema_url():
    try:
        import psycopg

        admin = psycopg.connect(PG_ADMIN, autocommit=True)
    except Exception as err:  # noqa: BLE001 - driver missing or server down
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"PostgreSQL is not reachable: {err}")
        pytest.skip(f"PostgreSQL is not reachable: {err}")
    schema = f"hs_integ_{uuid.uuid4().hex[:12]}"
    admin.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_ADMIN else "?"
    admin.close()
    try:
        yield f"{PG_ADMIN}{sep}options=-csearch_path%3D{schema}"
    finally:
        _drop(schema)


def _drop(schema: str) -> None:
    """Drop through a fresh connection, retried: the shared server may be restarting."""
    import psycopg

    for attempt in range(5):
        try:
            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            return
        except psycopg.OperationalError:
            time.sleep(0.5 * (attempt + 1))


@pytest.fixture(scope="session")
def local_ray():
    """A 2-CPU Ray cluster for the session (its start costs seconds: started once); its address."""
    import ray

    # Workers import test modules by name: give them the test folders on their path.
    path = os.pathsep.join([str(ROOT / "tests"), str(ROOT)])
    env = {"PYTHONPATH": path, "OMP_NUM_THREADS": "1"}
    ray.init(num_cpus=2, include_dashboard=False, runtime_env={"env_vars": env})
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()
