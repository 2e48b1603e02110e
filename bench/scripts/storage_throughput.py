"""Storage throughput: hypersearch SQLStorage vs Optuna RDBStorage, side by side.

Measures trials/s for a trivial objective (``--params`` float parameters) with
random sampling, interleaved (ours, optuna, ours, optuna, ...) in one process on
SQLite files and on PostgreSQL (a fresh schema each run, dropped afterwards).
It also runs ours with the quick writes switched off (``transaction path``,
what 0.1.0 did; PostgreSQL: one statement per write, SQLite: two in one short
transaction), in the same interleaved rounds.

Many processes on one study: ``bench/scripts/storage_processes.py``.

    PYTHONPATH=. python bench/scripts/storage_throughput.py [--ours 500] [--optuna 60] [--params 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid

import optuna

import hypersearch as hs

PG = "postgresql://postgres@127.0.0.1:5432/test"


N_PARAMS = 1


def objective(trial) -> float:
    return sum(trial.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(N_PARAMS))


def run_ours(url: str, n: int, durable: bool = False, single: bool = True) -> float:
    storage = hs.storages.SQLStorage(url, durable=durable)
    storage._dialect.single_statement_writes &= single
    storage._dialect.paired_writes &= single
    study = hs.create_study(
        storage=storage,
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
    label: str,
    ours_url,
    optuna_url,
    n_ours: int,
    n_optuna: int,
    rounds: int,
    durable: bool = False,
    with_transaction_path: bool = False,
) -> None:
    mine, old, theirs = [], [], []
    for r in range(rounds):
        mine.append(run_ours(ours_url(r), n_ours, durable))
        if with_transaction_path:
            old.append(run_ours(ours_url(r), n_ours, durable, single=False))
        theirs.append(run_optuna(optuna_url(r), n_optuna))
    m, t = statistics.median(mine), statistics.median(theirs)
    extra = ""
    if old:
        o = statistics.median(old)
        extra = f"   transaction path {o:7.1f} trials/s (ours {m / o:4.2f}x it)"
    print(
        f"{label:<22} hypersearch {m:8.1f} trials/s   optuna {t:7.1f} trials/s   ratio {m / t:6.1f}x"
        f"{extra}   (medians of {rounds}, {n_ours} vs {n_optuna} trials, {N_PARAMS} params)",
        flush=True,
    )


def _pg_schema() -> tuple[object, str]:
    import psycopg

    admin = psycopg.connect(PG, autocommit=True)
    schema = f"hs_bench_{uuid.uuid4().hex[:10]}"
    admin.execute(f"CREATE SCHEMA {schema}")
    return admin, schema


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ours", type=int, default=500)
    parser.add_argument("--optuna", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--params", type=int, default=1)
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    global N_PARAMS
    N_PARAMS = args.params
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
                with_transaction_path=True,
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
                        with_transaction_path=True,
                    )
            finally:
                admin.execute(f"DROP SCHEMA {schema} CASCADE")
                admin.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
