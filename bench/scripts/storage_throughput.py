"""Storage throughput: hypersearch SQLStorage vs Optuna RDBStorage, side by side.

Measures trials/s for a trivial objective with random sampling, interleaved
(ours, optuna, ours, optuna, ...) in one process on SQLite files and on
PostgreSQL (a fresh schema each run, dropped afterwards), then runs 2 and 4
processes on one SQLite file (1000 trials in total) and checks that no trial is
lost, no number is duplicated and no worker hit a lock error.

    PYTHONPATH=. python bench/scripts/storage_throughput.py [--ours 500] [--optuna 60]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid

import optuna

import hypersearch as hs

PG = "postgresql://postgres@127.0.0.1:5432/test"


def objective(trial) -> float:
    x = trial.suggest_float("x", -5.0, 5.0)
    return x * x


def run_ours(url: str, n: int, durable: bool = False) -> float:
    study = hs.create_study(
        storage=hs.storages.SQLStorage(url, durable=durable),
        study_name=f"s-{uuid.uuid4().hex}",
        sampler=hs.samplers.RandomSampler(seed=0),
    )
    t0 = time.perf_counter()
    study.optimize(objective, n_trials=n)
    rate = n / (time.perf_counter() - t0)
    study._storage.close()
    return rate


def run_optuna(url: str, n: int) -> float:
    storage = optuna.storages.RDBStorage(url)
    study = optuna.create_study(
        storage=storage,
        study_name=f"s-{uuid.uuid4().hex}",
        sampler=optuna.samplers.RandomSampler(seed=0),
    )
    t0 = time.perf_counter()
    study.optimize(objective, n_trials=n)
    rate = n / (time.perf_counter() - t0)
    storage.engine.dispose()
    return rate


def compare(
    label: str, ours_url, optuna_url, n_ours: int, n_optuna: int, rounds: int, durable: bool = False
) -> None:
    mine, theirs = [], []
    for r in range(rounds):
        mine.append(run_ours(ours_url(r), n_ours, durable))
        theirs.append(run_optuna(optuna_url(r), n_optuna))
    m, t = statistics.median(mine), statistics.median(theirs)
    print(
        f"{label:<22} hypersearch {m:8.1f} trials/s   optuna {t:7.1f} trials/s   ratio {m / t:6.1f}x"
        f"   (medians of {rounds}, {n_ours} vs {n_optuna} trials)",
        flush=True,
    )


def _pg_schema() -> tuple[object, str]:
    import psycopg

    admin = psycopg.connect(PG, autocommit=True)
    schema = f"hs_bench_{uuid.uuid4().hex[:10]}"
    admin.execute(f"CREATE SCHEMA {schema}")
    return admin, schema


def _worker(url: str, n: int, errors) -> None:
    hs.logging.set_verbosity(hs.logging.WARNING)
    try:
        study = hs.load_study(study_name="mp", storage=url)
        study.optimize(objective, n_trials=n)
    except Exception as err:  # noqa: BLE001 - counted and reported
        errors.put(repr(err))
        raise


def multiprocess(n_procs: int, total: int, tmp: str) -> None:
    path = os.path.join(tmp, f"mp{n_procs}.db")
    url = f"sqlite:///{path}"
    hs.create_study(storage=url, study_name="mp")
    ctx = multiprocessing.get_context("fork")
    errors = ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(url, total // n_procs, errors)) for _ in range(n_procs)
    ]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - t0
    errs = []
    while not errors.empty():
        errs.append(errors.get())
    with sqlite3.connect(path) as conn:
        numbers = [r[0] for r in conn.execute("SELECT number FROM hs_trials")]
        complete = conn.execute("SELECT COUNT(*) FROM hs_trials WHERE state = 1").fetchone()[0]
    lost = total - len(set(numbers))
    dup = len(numbers) - len(set(numbers))
    dense = sorted(numbers) == list(range(len(numbers)))
    print(
        f"SQLite file, {n_procs} procs:  {total} trials in {elapsed:5.2f}s ({total / elapsed:6.1f}/s)  "
        f"lost {lost}  duplicate numbers {dup}  dense {dense}  complete {complete}  "
        f"errors {len(errs)} {errs[:1]}  exit codes {[p.exitcode for p in procs]}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ours", type=int, default=500)
    parser.add_argument("--optuna", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    hs.logging.set_verbosity(hs.logging.WARNING)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        for durable in (False, True):
            compare(
                f"SQLite file{' durable' if durable else ''}",
                lambda r: f"sqlite:///{tmp}/ours{r}.db",
                lambda r: f"sqlite:///{tmp}/optuna{r}.db",
                args.ours,
                args.optuna,
                args.rounds,
                durable,
            )
        if not args.skip_pg:
            admin, schema = _pg_schema()
            try:
                opt = f"?options=-csearch_path%3D{schema}"
                for durable in (False, True):
                    compare(
                        f"PostgreSQL{' durable' if durable else ''}",
                        lambda r: PG + opt,
                        lambda r: PG.replace("postgresql://", "postgresql+psycopg://") + opt,
                        args.ours // (4 if durable else 1),
                        args.optuna,
                        args.rounds,
                        durable,
                    )
            finally:
                admin.execute(f"DROP SCHEMA {schema} CASCADE")
                admin.close()
        for n_procs in (2, 4):
            multiprocess(n_procs, 1000, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
