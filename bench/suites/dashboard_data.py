"""The dashboard suite's studies: the same trials written by hypersearch and by Optuna.

Each library writes into its own database (optuna-dashboard cannot read our schema), on
SQLite and PostgreSQL, with bulk inserts: ours through ``create_new_trials`` (a few
statements per 1,000 trials), Optuna's through SQLAlchemy Core ``executemany`` into its
RDB tables, after ``optuna.create_study`` made the schema and the study row.  A database
is cached (``bench/.cache/dashboard/`` for SQLite files, ``hsdash_*`` databases on the
PostgreSQL server) and is only published under its final name once complete, so an
interrupted build is redone, never reused.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.suites.common import log

STUDY = "dashboard-bench"
CACHE = Path(__file__).resolve().parents[1] / ".cache" / "dashboard"
PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
CHOICES = ("sgd", "adam", "rmsprop")
T0 = dt.datetime(2026, 1, 1, 12, 0, 0)


@dataclass(frozen=True)
class Row:
    """One finished trial, library-neutral."""

    params: dict[str, Any]
    pruned: bool
    value: float | None
    reports: dict[int, float]
    start: dt.datetime
    complete: dt.datetime


def trial_rows(n: int, seed: int = 0) -> Iterator[Row]:
    """4 parameters (one log, one categorical), 4 reports; 30% pruned after 2."""
    rng = np.random.default_rng(seed)
    xs, ys = rng.uniform(-5, 5, (2, n))
    lrs = np.exp(rng.uniform(np.log(1e-5), np.log(1e-1), n))
    pruned = rng.random(n) < 0.3
    for i in range(n):
        x, y, lr = float(xs[i]), float(ys[i]), float(lrs[i])
        f = x * x + y * y + (np.log10(lr) + 3) ** 2
        steps = 2 if pruned[i] else 4
        start = T0 + dt.timedelta(seconds=2 * i)
        yield Row(
            params={"x": x, "y": y, "lr": lr, "opt": CHOICES[i % 3]},
            pruned=bool(pruned[i]),
            value=None if pruned[i] else float(f),
            reports={s: float(f * (1 + 1 / (s + 1))) for s in range(steps)},
            start=start,
            complete=start + dt.timedelta(seconds=1.5),
        )


def _distributions(lib: Any) -> dict[str, Any]:
    dm = lib.distributions
    return {
        "x": dm.FloatDistribution(-5.0, 5.0),
        "y": dm.FloatDistribution(-5.0, 5.0),
        "lr": dm.FloatDistribution(1e-5, 1e-1, log=True),
        "opt": dm.CategoricalDistribution(CHOICES),
    }


# -- ours -------------------------------------------------------------------------------
def write_ours(url: str, n: int, chunk: int = 1000) -> None:
    import hypersearch as hs
    from hypersearch.trial import TrialState

    study = hs.create_study(storage=url, study_name=STUDY)
    storage, study_id = study._storage, study._study_id
    dists = _distributions(hs)
    batch = []
    for row in trial_rows(n):
        t = hs.create_trial(
            state=TrialState.PRUNED if row.pruned else TrialState.COMPLETE,
            value=row.value,
            params=row.params,
            distributions=dists,
            intermediate_values=row.reports,
        )
        batch.append(t.replace(datetime_start=row.start, datetime_complete=row.complete))
        if len(batch) == chunk:
            _bulk_add(storage, study_id, batch)
            batch = []
    if batch:
        _bulk_add(storage, study_id, batch)
    if storage.get_n_trials(study_id) != n:
        raise RuntimeError(f"{url}: the study does not hold {n} trials after writing them")
    storage.close()


def _bulk_add(storage: Any, study_id: int, batch: list[Any], tries: int = 5) -> None:
    """``create_new_trials``, retried: on PostgreSQL (psycopg 3.3, pipeline mode) its
    SELECT after the ``executemany`` now and then reads the INSERT's status instead of its
    rows (ProgrammingError "the last operation didn't produce records"); the chunk's
    transaction is rolled back then, so a retry is safe."""
    for attempt in range(tries):
        try:
            storage.create_new_trials(study_id, batch)
            return
        except Exception as err:  # noqa: BLE001 - the psycopg quirk above; re-raised at the end
            if "didn't produce records" not in str(err) or attempt == tries - 1:
                raise
            log(f"create_new_trials: {err}; retrying the chunk")


# -- Optuna -----------------------------------------------------------------------------
def write_optuna(url: str, n: int, chunk: int = 10_000) -> None:
    import optuna
    from optuna.storages._rdb import models as m
    from optuna.trial import TrialState

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = optuna.storages.RDBStorage(url)
    study_id = optuna.create_study(storage=storage, study_name=STUDY)._study_id
    dists = {
        k: optuna.distributions.distribution_to_json(d) for k, d in _distributions(optuna).items()
    }
    finite = m.TrialValueModel.TrialValueType.FINITE
    inter_finite = m.TrialIntermediateValueModel.TrialIntermediateValueType.FINITE
    rows = trial_rows(n)
    with storage.engine.begin() as conn:
        for first in range(0, n, chunk):
            trials, params, values, reports = [], [], [], []
            for number in range(first, min(n, first + chunk)):
                row, tid = next(rows), number + 1
                state = TrialState.PRUNED if row.pruned else TrialState.COMPLETE
                trials.append(dict(trial_id=tid, number=number, study_id=study_id, state=state,
                                   datetime_start=row.start, datetime_complete=row.complete))  # fmt: skip
                for name, value in row.params.items():
                    internal = CHOICES.index(value) if name == "opt" else value
                    params.append(dict(trial_id=tid, param_name=name, param_value=internal,
                                       distribution_json=dists[name]))  # fmt: skip
                if row.value is not None:
                    values.append(
                        dict(trial_id=tid, objective=0, value=row.value, value_type=finite)
                    )
                for step, v in row.reports.items():
                    reports.append(dict(trial_id=tid, step=step, intermediate_value=v,
                                        intermediate_value_type=inter_finite))  # fmt: skip
            conn.execute(m.TrialModel.__table__.insert(), trials)
            conn.execute(m.TrialParamModel.__table__.insert(), params)
            if values:
                conn.execute(m.TrialValueModel.__table__.insert(), values)
            conn.execute(m.TrialIntermediateValueModel.__table__.insert(), reports)
        if storage.engine.dialect.name == "postgresql":
            _advance_sequences(conn)
    storage.engine.dispose()


def _advance_sequences(conn: Any) -> None:
    """Explicit ids leave PostgreSQL's serial counters at 1: move them past the rows."""
    from sqlalchemy import text

    for table, key in (("trials", "trial_id"), ("trial_params", "param_id"),
                       ("trial_values", "trial_value_id"),
                       ("trial_intermediate_values", "trial_intermediate_value_id")):  # fmt: skip
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', '{key}'), "
                          f"COALESCE((SELECT max({key}) FROM {table}), 1))"))  # fmt: skip


# -- caching ------------------------------------------------------------------------------
WRITERS = {"hypersearch": write_ours, "optuna": write_optuna}


def sqlite_url(lib: str, path: Path) -> str:
    return f"sqlite:///{path}"


def pg_url(lib: str, database: str) -> str:
    base = PG_ADMIN.rsplit("/", 1)[0]
    if lib == "optuna":
        base = base.replace("postgresql://", "postgresql+psycopg2://", 1)
    return f"{base}/{database}"


def cached_study(lib: str, kind: str, n: int) -> str:
    """The storage URL of ``lib``'s study of ``n`` trials on ``kind``; built on first use."""
    if kind == "sqlite":
        return _cached_sqlite(lib, n)
    if kind == "postgresql":
        return _cached_postgresql(lib, n)
    raise ValueError(f"unknown storage kind {kind!r} (sqlite, postgresql)")


def _cached_sqlite(lib: str, n: int) -> str:
    final = CACHE / f"{lib}-{n}.db"
    if not final.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = final.with_name(final.name + ".partial.db")
        partial.unlink(missing_ok=True)
        log(f"writing the {lib} study of {n} trials (SQLite) ...")
        WRITERS[lib](sqlite_url(lib, partial), n)
        for suffix in ("-wal", "-shm", "-journal", "-hslock"):
            Path(str(partial) + suffix).unlink(missing_ok=True)
        shutil.move(partial, final)
    return sqlite_url(lib, final)


def _pg_admin() -> Any:
    import psycopg

    return psycopg.connect(PG_ADMIN, autocommit=True)


def _cached_postgresql(lib: str, n: int) -> str:
    name = f"hsdash_{'ours' if lib == 'hypersearch' else 'optuna'}_{n}"
    with _pg_admin() as admin:
        have = {r[0] for r in admin.execute("SELECT datname FROM pg_database").fetchall()}
        if name not in have:
            partial = name + "_partial"
            admin.execute(f"DROP DATABASE IF EXISTS {partial}")
            admin.execute(f"CREATE DATABASE {partial}")
            log(f"writing the {lib} study of {n} trials (PostgreSQL) ...")
            WRITERS[lib](pg_url(lib, partial), n)
            admin.execute(f"ALTER DATABASE {partial} RENAME TO {name}")
    return pg_url(lib, name)
