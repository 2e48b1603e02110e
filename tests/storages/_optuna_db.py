"""Databases written by real Optuna (5.0) for the migration and refusal tests, and field checks."""

from __future__ import annotations

import math
import uuid

from tests.storages import conftest

SPECIAL_REPORTS = {3: math.nan, 4: math.inf, 5: -math.inf}


def _objective(trial):
    import optuna

    trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    trial.suggest_float("dropout", 0.0, 0.5, step=0.1)
    trial.suggest_float("plain", -1.0, 1.0)
    trial.suggest_int("layers", 1, 8)
    trial.suggest_int("units", 16, 256, step=16)
    trial.suggest_int("batch", 8, 512, log=True)
    choice = trial.suggest_categorical("choice", [None, True, 3, 2.5, "adam"])
    trial.set_user_attr("nested", {"list": [1, 2.5, "x"], "none": None})
    trial.storage.set_trial_system_attr(trial._trial_id, "sys_key", [trial.number, "s"])
    for step in range(3):
        trial.report(float(trial.number + step) / 10.0, step)
    if trial.number % 5 == 1:
        for step, value in SPECIAL_REPORTS.items():
            trial.report(value, step)
    if trial.number % 5 == 2:
        raise optuna.TrialPruned()
    if trial.number % 5 == 3:
        raise ValueError("a failing trial")
    if trial.number % 7 == 4:
        return math.inf if choice is None else -math.inf
    return float(trial.number) * 0.5


def write_optuna_studies(url, n_trials: int = 12) -> None:
    """Two studies through real Optuna: a single-objective one with every field, and a 2-objective one."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study(study_name="single", storage=url, direction="maximize")
    study.set_user_attr("owner", {"team": "ml", "ids": [1, 2]})
    study._storage.set_study_system_attr(study._study_id, "sys", "value")
    study.optimize(_objective, n_trials=n_trials, catch=(ValueError,))
    study.ask()  # stays RUNNING
    study.enqueue_trial({"layers": 3, "plain": 0.25})  # stays WAITING

    multi = optuna.create_study(
        study_name="multi", storage=url, directions=["minimize", "maximize"]
    )
    multi.optimize(
        lambda t: (t.suggest_float("x", 0, 1), t.suggest_int("k", 0, 3) * 1.0), n_trials=4
    )


def assert_same_study(optuna_url, hs_storage, name: str) -> None:
    """Every field of study ``name`` as Optuna reads it equals what hypersearch holds."""
    import optuna

    import hypersearch as hs

    expected = optuna.load_study(study_name=name, storage=optuna_url)
    got = hs.load_study(study_name=name, storage=hs_storage)
    assert [d.name for d in got.directions] == [d.name for d in expected.directions]
    assert got.user_attrs == expected.user_attrs
    assert got.system_attrs == expected._storage.get_study_system_attrs(expected._study_id)
    want_trials = expected.get_trials(deepcopy=False)
    got_trials = got.get_trials(deepcopy=False)
    assert len(got_trials) == len(want_trials)
    for want, have in zip(want_trials, got_trials):
        assert_same_trial(want, have)


def assert_same_trial(want, have) -> None:
    """One Optuna FrozenTrial against one hypersearch FrozenTrial, field by field."""
    where = f"trial {want.number}"
    assert have.number == want.number, where
    assert have.state.name == want.state.name, where
    assert _floats(have.values) == _floats(want.values), where
    assert have.params == want.params, where
    assert [type(v) for v in have.params.values()] == [type(v) for v in want.params.values()]
    assert list(have.params) == list(want.params), where
    assert _dists(have.distributions) == _dists(want.distributions), where
    assert have.user_attrs == want.user_attrs, where
    assert have.system_attrs == want.system_attrs, where
    assert {k: _floats([v]) for k, v in have.intermediate_values.items()} == {
        k: _floats([v]) for k, v in want.intermediate_values.items()
    }, where
    assert have.datetime_start == want.datetime_start, where
    assert have.datetime_complete == want.datetime_complete, where


def _floats(values):
    return None if values is None else [("nan",) if math.isnan(v) else v for v in values]


def _dists(dists):
    out = {}
    for name, d in dists.items():
        kind = type(d).__name__
        if kind == "CategoricalDistribution":
            out[name] = (kind, [(type(c), c) for c in d.choices])
        else:
            out[name] = (kind, d.low, d.high, d.log, d.step)
    return out


# -- server databases named optuna_* (the servers are shared) -----------------------------
def fresh_postgresql_schema():
    """(drop, optuna URL, plain URL) of a new PostgreSQL schema ``optuna_<hex>``."""
    try:
        import psycopg

        admin = psycopg.connect(conftest.PG_ADMIN, autocommit=True)
    except Exception as err:  # noqa: BLE001 - driver missing or server down
        conftest._unavailable("PostgreSQL", err)
    schema = f"optuna_{uuid.uuid4().hex[:12]}"
    admin.execute(f"CREATE SCHEMA {schema}")
    admin.close()
    base = conftest.PG_ADMIN.split("://", 1)[1]
    sep = "&" if "?" in base else "?"
    url = f"postgresql+psycopg://{base}{sep}options=-csearch_path%3D{schema}"

    def drop():
        with psycopg.connect(conftest.PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")

    return drop, url


def fresh_mysql_database():
    """(drop, URL) of a new MariaDB/MySQL database ``optuna_<hex>``."""
    try:
        import pymysql

        admin = pymysql.connect(host="127.0.0.1", port=3306, user="root", autocommit=True)
    except Exception as err:  # noqa: BLE001
        conftest._unavailable("MySQL/MariaDB", err)
    name = f"optuna_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
    admin.close()

    def drop():
        conn = pymysql.connect(host="127.0.0.1", port=3306, user="root", autocommit=True)
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE {name}")
        conn.close()

    return drop, f"{conftest.MYSQL_ADMIN.rstrip('/')}/{name}"


def server_tables(url: str) -> set[str]:
    from hypersearch.storages._foreign import database_tables
    from hypersearch.storages._sql._dialects import dialect_from_url

    return database_tables(dialect_from_url(url), url) or set()
