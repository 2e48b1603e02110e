"""Many processes on one study: SQLite file and PostgreSQL, 1/2/4/8 processes, 2,000 trials.

Each configuration makes a fresh study (SQLite: a new file; PostgreSQL: a new
schema, dropped afterwards), forks N workers that each open their own storage,
load the study, wait at a barrier, then run ``total / N`` trials of a trivial
one-parameter objective with RandomSampler. Then it reads the database and
checks that no trial was lost, no trial number is duplicated, numbers are dense
and no worker raised (a "database is locked" would be an error here).

Time: from the barrier's release to the last worker's end, so process start,
imports and connection setup are not counted (the "wall" column counts them).
``retries`` sums the storage's retried lock conflicts over the workers.
``CPU wait`` is the share of the workers' timed wall time they spent ready to run
but waiting for a CPU (Linux ``/proc/self/schedstat``): time lost to other jobs on
the machine (and to each other), not to the database.

    PYTHONPATH=. python bench/scripts/storage_processes.py [--total 2000] [--procs 1,2,4,8]
        [--backends sqlite,postgresql] [--rounds 1] [--markdown FILE]

Rounds interleave the configurations (1, 2, 4, 8, 1, 2, ...); the table shows medians.
"""

from __future__ import annotations

import argparse
import datetime
import json
import multiprocessing
import os
import platform
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from typing import Any

import hypersearch as hs

PG = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
STUDY = "procs"


def objective(trial: Any) -> float:
    x = trial.suggest_float("x", -5.0, 5.0)
    return x * x


@dataclass
class Result:
    backend: str
    procs: int
    seconds: float
    wall: float
    lost: int
    duplicates: int
    dense: bool
    errors: list[str]
    retries: int
    cpu: float  # seconds of CPU the workers used (user + system), start-up included
    cpu_wait: float | None  # mean share of a worker's timed wall spent waiting for a CPU

    @property
    def rate(self) -> float:
        return self.total / self.seconds

    total: int = 0


def _run_queue_wait() -> float | None:
    """Seconds this process has waited for a CPU while ready to run (Linux), else None."""
    try:
        with open("/proc/self/schedstat") as fh:
            return int(fh.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


def _worker(url: str, n: int, seed: int, barrier: Any, out: Any) -> None:
    hs.logging.set_verbosity(hs.logging.WARNING)
    storage = None
    try:
        storage = hs.storages.SQLStorage(url)
        study = hs.load_study(
            study_name=STUDY, storage=storage, sampler=hs.samplers.RandomSampler(seed=seed)
        )
        study.optimize(objective, n_trials=0)  # opens the connection before the clock starts
        barrier.wait()
        start, waited = time.perf_counter(), _run_queue_wait()
        study.optimize(objective, n_trials=n)
        end, now = time.perf_counter(), _run_queue_wait()
        share = None if waited is None or now is None else (now - waited) / (end - start)
        out.put((end, None, storage.lock_retries, share))
    except Exception as err:  # noqa: BLE001 - counted and reported
        out.put((time.perf_counter(), repr(err), getattr(storage, "lock_retries", 0), None))
    finally:
        if storage is not None:
            storage.close()


def _numbers(backend: str, url: str, path: str) -> list[int]:
    query = "SELECT number FROM hs_trials WHERE state = 1"
    if backend == "sqlite":
        with sqlite3.connect(path) as conn:
            return [r[0] for r in conn.execute(query)]
    import psycopg

    with psycopg.connect(url) as conn:  # the URL's options set the schema's search_path
        return [r[0] for r in conn.execute(query).fetchall()]


def run_once(backend: str, procs: int, total: int, tmp: str) -> Result:
    admin = None
    path = os.path.join(tmp, f"p{procs}-{uuid.uuid4().hex[:6]}.db")
    if backend == "sqlite":
        url = f"sqlite:///{path}"
    else:
        import psycopg

        admin = psycopg.connect(PG, autocommit=True)
        schema = f"hs_procs_{uuid.uuid4().hex[:10]}"
        admin.execute(f"CREATE SCHEMA {schema}")
        url = f"{PG}{'&' if '?' in PG else '?'}options=-csearch_path%3D{schema}"
    try:
        maker = hs.storages.SQLStorage(url)
        hs.create_study(storage=maker, study_name=STUDY)
        maker.close()
        ctx = multiprocessing.get_context("fork")
        barrier, out = ctx.Barrier(procs + 1), ctx.Queue()
        workers = [
            ctx.Process(target=_worker, args=(url, total // procs, seed, barrier, out))
            for seed in range(procs)
        ]
        used0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall0 = time.perf_counter()
        for w in workers:
            w.start()
        barrier.wait()
        t0 = time.perf_counter()
        reports = [out.get() for _ in workers]
        for w in workers:
            w.join()
        wall = time.perf_counter() - wall0
        used1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = used1.ru_utime - used0.ru_utime + used1.ru_stime - used0.ru_stime
        errors = [e for _, e, _, _ in reports if e is not None]
        shares = [w for _, _, _, w in reports if w is not None]
        errors += [f"exit code {w.exitcode}" for w in workers if w.exitcode]
        numbers = _numbers(backend, url, path)
        expected = total // procs * procs
        return Result(
            backend=backend,
            procs=procs,
            seconds=max(r[0] for r in reports) - t0,
            wall=wall,
            lost=expected - len(set(numbers)),
            duplicates=len(numbers) - len(set(numbers)),
            dense=sorted(set(numbers)) == list(range(len(set(numbers)))),
            errors=errors,
            retries=sum(r[2] for r in reports),
            cpu=cpu,
            cpu_wait=statistics.mean(shares) if len(shares) == len(reports) else None,
            total=expected,
        )
    finally:
        if admin is not None:
            import psycopg

            admin.close()  # it may have died with a server restart: drop through a fresh one
            with psycopg.connect(PG, autocommit=True) as fresh:
                fresh.execute(f"DROP SCHEMA {schema} CASCADE")


def _spin(seconds: float, out: Any) -> None:
    end, n = time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        n += 1
    out.put(n)


def parallel_capacity(seconds: float = 0.3) -> float:
    """Work two busy processes do in a fixed time over one's: 2.0 means two free cores.

    This machine's cores are shared with other jobs; a ratio of processes below
    one process means little when the machine itself ran two processes as one.
    """
    ctx = multiprocessing.get_context("fork")

    def work(k: int) -> int:
        out = ctx.Queue()
        spinners = [ctx.Process(target=_spin, args=(seconds, out)) for _ in range(k)]
        for p in spinners:
            p.start()
        done = sum(out.get() for _ in spinners)
        for p in spinners:
            p.join()
        return done

    return work(2) / work(1)


def table(results: dict[tuple[str, int], list[Result]]) -> list[str]:
    lines = [
        "| backend | processes | trials | trials/s (median) | vs 1 process | wall s "
        "| worker CPU ms/trial | CPU busy | CPU wait | lost | duplicate numbers | dense | errors "
        "| lock retries |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (backend, procs), runs in results.items():
        rate = statistics.median(r.rate for r in runs)
        base = results.get((backend, 1))
        ratio = f"{rate / statistics.median(r.rate for r in base):.2f}" if base else "-"
        errors = sum(len(r.errors) for r in runs)
        first = next((r.errors[0] for r in runs if r.errors), "")
        waits = [r.cpu_wait for r in runs if r.cpu_wait is not None]
        wait = f"{statistics.median(waits):.0%}" if waits else "-"
        lines.append(
            f"| {backend} | {procs} | {runs[0].total} x {len(runs)} | {rate:.0f} | {ratio} "
            f"| {statistics.median(r.wall for r in runs):.2f} "
            f"| {statistics.median(1000 * r.cpu / r.total for r in runs):.2f} "
            f"| {statistics.median(r.cpu / r.wall for r in runs):.0%} | {wait} | {sum(r.lost for r in runs)} "
            f"| {sum(r.duplicates for r in runs)} | {all(r.dense for r in runs)} "
            f"| {errors}{' ' + first[:80] if first else ''} | {sum(r.retries for r in runs)} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--total", type=int, default=2000)
    parser.add_argument("--procs", default="1,2,4,8")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--markdown", default=None, help="also write the table to this file")
    parser.add_argument("--json", default=None, help="also write each run as JSON lines here")
    args = parser.parse_args()
    procs = [int(p) for p in args.procs.split(",")]
    backends = args.backends.split(",")
    results: dict[tuple[str, int], list[Result]] = {(b, p): [] for b in backends for p in procs}
    load_before = os.getloadavg()[0]
    capacity = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            capacity.append(parallel_capacity())
            print(f"machine: two busy processes do {capacity[-1]:.2f}x one's work", flush=True)
            for backend in backends:
                for n in procs:
                    r = run_once(backend, n, args.total, tmp)
                    results[(backend, n)].append(r)
                    print(
                        f"{backend:<10} {n} procs: {r.rate:7.1f} trials/s ({r.seconds:.2f}s, wall "
                        f"{r.wall:.2f}s) lost {r.lost} dup {r.duplicates} dense {r.dense} "
                        f"errors {r.errors[:1]} retries {r.retries} "
                        f"cpu {1000 * r.cpu / r.total:.2f} ms/trial cpu wait {r.cpu_wait}",
                        flush=True,
                    )
    lines = table(results)
    if args.json:
        with open(args.json, "a") as fh:
            for rs in results.values():
                for r in rs:
                    row = {"backend": r.backend, "procs": r.procs, "rate": r.rate, "lost": r.lost}
                    row.update(duplicates=r.duplicates, errors=len(r.errors), retries=r.retries)
                    fh.write(json.dumps(row) + "\n")
    print("\n".join(lines))
    if args.markdown:
        header = [
            "# Storage: many processes on one study",
            "",
            f"`{' '.join(['python', *sys.argv])}` on {datetime.date.today()}, "
            f"hypersearch {hs.__version__}, Python {platform.python_version()}, "
            f"{os.cpu_count()} cores shared with other jobs: 1-minute load average "
            f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end. "
            f"Machine check before each round: two busy processes did "
            f"{statistics.median(capacity):.2f}x the work of one (median; "
            f"{min(capacity):.2f}-{max(capacity):.2f}; 2.00 = two free cores).",
            "",
            "Each row: a fresh study, N forked workers (each its own storage and connection), "
            "RandomSampler, a one-parameter trivial objective, the trials split evenly. "
            "trials/s counts from the release of a barrier all workers wait at after "
            "connecting to the last worker's end; wall also counts process start and connecting. "
            "lost / duplicate numbers / dense: from the COMPLETE rows in the database. "
            "errors: exceptions in workers (none is a 'database is locked'). "
            "lock retries: lock conflicts the storage retried, summed over workers. "
            "worker CPU ms/trial: user + system CPU of the worker processes per trial "
            "(PostgreSQL's own server processes not included); CPU busy: that CPU time "
            "over the wall time (1 process at 100% would be 100%): far below 100% per process "
            "means the workers waited, for the database or for a CPU the other jobs held; "
            "CPU wait: the share of the workers' timed wall time spent ready to run but "
            "waiting for a CPU (Linux schedstat), i.e. lost to the machine's load, not to the database.",
            "",
        ]
        with open(args.markdown, "w") as fh:
            fh.write("\n".join(header + lines) + "\n")
    bad = any(
        r.lost or r.duplicates or r.errors or not r.dense for rs in results.values() for r in rs
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
