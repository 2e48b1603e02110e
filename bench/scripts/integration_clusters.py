"""Dask and Ray executors: W workers on one PostgreSQL study, N trials, nothing lost.

For each engine (one process, Dask LocalCluster, Ray local cluster) a fresh
PostgreSQL schema holds one study; ``study.optimize(objective, n_trials=N,
n_jobs=W, executor=...)`` runs it. The cluster is started and warmed (a
2-trial study per worker) before the clock starts, so the time is the
optimize call alone. Then the stored trials are checked: lost = N - stored,
duplicated = stored - distinct numbers, and numbers must be 0..N-1.

The objective is the trivial ``x * x`` (RandomSampler): the table measures the
framework and the database, not training. On this 2-core machine shared with
other jobs, W = 4 workers oversubscribe the CPU; the ratio is what a user gets.

    PYTHONPATH=. python bench/scripts/integration_clusters.py [--trials 1000] [--workers 4]
        [--rounds 1] [--trial-ms 0] [--markdown bench/results/integration-clusters.md]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import os
import platform
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

import hypersearch as hs

PG = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def objective(trial: Any, sleep_s: float = 0.0) -> float:
    hs.logging.set_verbosity(hs.logging.WARNING)  # workers log as quietly as the one process
    x = trial.suggest_float("x", -5.0, 5.0)
    if sleep_s:
        time.sleep(sleep_s)  # stands in for training that waits on I/O or another device
    return x * x


def _schema_url() -> tuple[str, Callable[[], None]]:
    import psycopg

    schema = f"hs_integ_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")

    def drop() -> None:
        with psycopg.connect(PG, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")

    return f"{PG}{'&' if '?' in PG else '?'}options=-csearch_path%3D{schema}", drop


def run(executor: Any, n_trials: int, n_jobs: int, sleep_s: float) -> dict[str, Any]:
    url, drop = _schema_url()
    work = functools.partial(objective, sleep_s=sleep_s)
    try:
        sampler = hs.samplers.RandomSampler(seed=0)
        warm = hs.create_study(study_name="warm", storage=url, sampler=sampler)
        warm.optimize(work, n_trials=2 * n_jobs, n_jobs=n_jobs, executor=executor)
        study = hs.create_study(study_name="bench", storage=url, sampler=sampler)
        start = time.perf_counter()
        study.optimize(work, n_trials=n_trials, n_jobs=n_jobs, executor=executor)
        seconds = time.perf_counter() - start
        numbers = [t.number for t in hs.load_study(study_name="bench", storage=url).trials]
        study.storage.close()
    finally:
        drop()
    return {
        "seconds": seconds,
        "stored": len(numbers),
        "lost": n_trials - len(numbers),
        "duplicated": len(numbers) - len(set(numbers)),
        "dense": sorted(set(numbers)) == list(range(n_trials)),
    }


def engines(workers: int) -> dict[str, Callable[[], tuple[Any, int, Callable[[], None]]]]:
    def one_process() -> tuple[Any, int, Callable[[], None]]:
        return None, 1, lambda: None

    def dask() -> tuple[Any, int, Callable[[], None]]:
        from dask.distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None)
        client = Client(cluster)

        def stop() -> None:
            client.close()
            cluster.close()

        return client, workers, stop

    def ray() -> tuple[Any, int, Callable[[], None]]:
        import ray

        from hypersearch.integration import RayExecutor

        for attempt in range(3):  # a loaded machine can time the node's start-up out
            try:
                ray.init(num_cpus=workers, include_dashboard=False)
                break
            except Exception as err:  # noqa: BLE001 - Ray raises a bare Exception here
                print(f"Ray start-up failed ({err}); attempt {attempt + 2} of 3", flush=True)
                ray.shutdown()
        executor = RayExecutor()  # joins the cluster started above
        return executor, workers, ray.shutdown

    return {
        "one process": one_process,
        f"Dask, {workers} workers": dask,
        f"Ray, {workers} tasks": ray,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--trial-ms", type=float, default=0.0, help="sleep per trial")
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args()
    hs.logging.set_verbosity(hs.logging.WARNING)
    rows: dict[str, list[dict[str, Any]]] = {}
    started = {name: start() for name, start in engines(args.workers).items()}
    base, *clusters = started
    try:
        # Each cluster run follows a one-process run of its own, so its ratio pairs two
        # neighbouring runs and load drift on the shared machine hits both alike.
        for _ in range(args.rounds):
            for name in clusters:
                for engine in (base, name):
                    executor, n_jobs, _stop = started[engine]
                    load = os.getloadavg()[0]
                    result = run(executor, args.trials, n_jobs, args.trial_ms / 1000)
                    result["load"] = (load + os.getloadavg()[0]) / 2
                    result["pair"] = name
                    rows.setdefault(engine, []).append(result)
                    print(engine, result, flush=True)
    finally:
        for _executor, _n_jobs, stop in started.values():
            stop()
    table = render(rows, args)
    print(table)
    if args.markdown:
        with open(args.markdown, "w") as fh:
            fh.write(table)


def _paired_ratio(rows: dict[str, list[dict[str, Any]]], name: str) -> float:
    """Median over rounds of (one-process seconds / cluster seconds) of neighbouring runs."""
    if name == "one process":
        return 1.0
    base = [r for r in rows["one process"] if r["pair"] == name]
    return statistics.median(b["seconds"] / c["seconds"] for b, c in zip(base, rows[name]))


def render(rows: dict[str, list[dict[str, Any]]], args: argparse.Namespace) -> str:
    lines = [
        f"# Dask and Ray executors on one PostgreSQL study ({args.trials} trials)",
        "",
        f"`PYTHONPATH=. python bench/scripts/integration_clusters.py --trials {args.trials} "
        f"--workers {args.workers} --rounds {args.rounds} --trial-ms {args.trial_ms:g}`; "
        f"{datetime.date.today()}, "
        f"{os.cpu_count()} cores (shared with other jobs), Python {platform.python_version()}, "
        f"hypersearch {hs.__version__}. Objective x*x (RandomSampler) plus a "
        f"{args.trial_ms:g} ms sleep per trial; the time is "
        "the optimize call alone (clusters started and warmed first); "
        "each cluster run follows its own one-process run; 'vs one process' = median over rounds "
        "of one-process seconds / cluster seconds of those neighbouring runs (> 1: cluster "
        "faster); load = 1-minute load average around each run (mean of before and after).",
        "",
        "| engine | trials/s | vs one process | seconds per run | load per run | lost "
        "| duplicated numbers | numbers 0..N-1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, results in rows.items():
        seconds = statistics.median(r["seconds"] for r in results)
        per_round = ", ".join(f"{r['seconds']:.1f}" for r in results)
        loads = ", ".join(f"{r['load']:.1f}" for r in results)
        lines.append(
            f"| {name} | {args.trials / seconds:.0f} | {_paired_ratio(rows, name):.2f}x | "
            f"{per_round} | {loads} | "
            f"{sum(r['lost'] for r in results)} | {sum(r['duplicated'] for r in results)} | "
            f"{'yes' if all(r['dense'] for r in results) else 'NO'} |"
        )
    versions = []
    for module in ("dask", "distributed", "ray", "psycopg"):
        with contextlib.suppress(ImportError):
            versions.append(f"{module} {__import__(module).__version__}")
    lines += ["", "Versions: " + ", ".join(versions) + f"; {sys.platform}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
