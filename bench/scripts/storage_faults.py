"""The long fault runs: storages under readers, kills, stops, skewed clocks, bad files and objectives.

    PYTHONPATH=. python bench/scripts/storage_faults.py [--backends sqlite,postgresql,mysql]
        [--seconds 6] [--markdown bench/results/faults.md]

Every scenario runs real worker processes on a fresh study (SQLite: a new file;
PostgreSQL: a new schema; MySQL/MariaDB: a new database, all dropped afterwards).
Each worker writes the number of every trial it saw COMPLETE to a file; then

* completed: COMPLETE trials in the database;
* lost: numbers a worker saw COMPLETE that the database does not hold as COMPLETE;
* duplicated: numbers reported COMPLETE by two workers, or held twice;
* deaths: workers that ended by a signal or a traceback we did not cause (a
  worker the scenario SIGKILLs is not a death);
* RUNNING left: RUNNING trials once every worker ended and a reaper ran after
  the grace period (scenarios with heartbeats), or at once (the others);
* recover s: the longest time no trial completed (from the COMPLETE trials'
  completion times) in the run: how long a fault stalled the study;
* late kept: results of trials another worker failed as stale while they ran,
  stored as new trials (``late_result_of``).

Scenarios: writers 2/4/8 processes and 4 threads beside readers (the CLI, ``load_study``
in a loop, a fresh connection per read, a late-joining worker); SIGKILL of random
workers with heartbeats and retries; SIGSTOP/SIGCONT of random workers; clocks
skewed by +-10 s and +-1 h (``time.time`` patched in the worker before it imports
hypersearch) with the +1 h worker killed; a GIL-holding call longer than the
grace period; server-side session kills (``pg_terminate_backend``, MariaDB
``KILL``) every 0.2 s; the file system full mid-study (SQLite, RLIMIT_FSIZE);
bad files; bad objectives and hostile parameter names; ``--max-trials`` with 8
CLI workers; ``study.trials`` at 20,000 trials.
"""

from __future__ import annotations

import os
import sys
import time

_SKEW = float(os.environ.get("HS_FAULT_SKEW", "0") or 0)
if _SKEW:  # a worker whose wall clock is off: patched before hypersearch is imported
    _real_time = time.time
    time.time = lambda: _real_time() + _SKEW  # type: ignore[assignment]

import argparse  # noqa: E402
import collections  # noqa: E402
import contextlib  # noqa: E402
import datetime  # noqa: E402
import multiprocessing  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import signal  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import uuid  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

import hypersearch as hs  # noqa: E402
from hypersearch.storages import RetryFailedTrialCallback, SQLStorage  # noqa: E402
from hypersearch.trial import TrialState  # noqa: E402

PG = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
MYSQL = os.environ.get("BENCH_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/")
STUDY = "faults"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(hs.__file__)))  # the tree under test


@dataclass
class Row:
    backend: str
    scenario: str
    completed: int = 0
    lost: int = 0
    duplicated: int = 0
    deaths: int = 0
    running_left: int = 0
    recover: float = 0.0
    late: int = 0
    note: str = ""
    seconds: float = 0.0


@dataclass
class Opts:
    seconds: float
    heartbeat: tuple[float, float] | None = None  # (interval, grace)
    retry: bool = False
    objective: str = "square"
    n_jobs: int = 1
    fsize: int | None = None  # RLIMIT_FSIZE after the first trials (disk full)
    extra: dict[str, Any] = field(default_factory=dict)


# -- databases -------------------------------------------------------------------------
@contextlib.contextmanager
def fresh_url(backend: str, tmp: str):
    tag = f"faults_{uuid.uuid4().hex[:10]}"
    if backend == "sqlite":
        yield f"sqlite:///{os.path.join(tmp, tag + '.db')}"
        return
    if backend == "postgresql":
        import psycopg

        with psycopg.connect(PG, autocommit=True) as admin:
            admin.execute(f"CREATE SCHEMA {tag}")
        try:
            yield f"{PG}{'&' if '?' in PG else '?'}options=-csearch_path%3D{tag}"
        finally:
            with psycopg.connect(PG, autocommit=True) as admin:
                admin.execute(f"DROP SCHEMA {tag} CASCADE")
        return
    import pymysql

    admin = pymysql.connect(host="127.0.0.1", port=3306, user="root", autocommit=True)
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {tag} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
    try:
        yield f"{MYSQL.rstrip('/')}/{tag}"
    finally:
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE {tag}")
        admin.close()


# -- workers ---------------------------------------------------------------------------
def _objective(kind: str, extra: dict[str, Any]) -> Any:
    def square(trial: Any) -> float:
        x = trial.suggest_float("x", -5.0, 5.0)
        time.sleep(extra.get("sleep", 0.0))
        return x * x

    def gil(trial: Any) -> float:
        x = trial.suggest_float("x", -5.0, 5.0)
        if trial.number % 5 == 1:  # holds the GIL (no thread switch) longer than the grace period
            sys.setswitchinterval(extra["hold"] + 1.0)
            end = time.perf_counter() + extra["hold"]
            while time.perf_counter() < end:
                pass
            sys.setswitchinterval(0.005)
        return x * x

    return {"square": square, "gil": gil}[kind]


def _work(url: str, out: str, opts: Opts, seed: int) -> None:
    hs.logging.set_verbosity(hs.logging.ERROR)
    import warnings

    warnings.simplefilter("ignore")
    interval, grace = opts.heartbeat or (None, None)
    storage = SQLStorage(
        url,
        heartbeat_interval=interval,
        grace_period=grace,
        failed_trial_callback=RetryFailedTrialCallback(3) if opts.retry else None,
    )
    study = hs.load_study(
        study_name=STUDY, storage=storage, sampler=hs.samplers.RandomSampler(seed=seed)
    )
    done = [0]
    with open(out, "a") as fh:

        def record(study: Any, trial: Any) -> None:
            if trial.state == TrialState.COMPLETE:
                fh.write(f"{trial.number}\n")
                fh.flush()
            done[0] += 1
            if opts.fsize is not None and done[0] == 20:  # the disk fills up now
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                size = os.path.getsize(url.split("///", 1)[1])
                resource.setrlimit(resource.RLIMIT_FSIZE, (size + opts.fsize, size + opts.fsize))

        study.optimize(
            _objective(opts.objective, opts.extra),
            timeout=opts.seconds,
            n_jobs=opts.n_jobs,
            callbacks=[record],
            catch=(Exception,),
        )
    storage.close()


def _start(ctx: Any, url: str, out: str, opts: Opts, seed: int) -> Any:
    p = ctx.Process(target=_work, args=(url, out, opts, seed))
    p.start()
    return p


def _reported(out: str) -> list[int]:
    if not os.path.exists(out):
        return []
    with open(out) as fh:
        return [int(line) for line in fh if line.strip()]


def _outcome(backend: str, scenario: str, url: str, outs: list[str], opts: Opts) -> Row:
    storage = SQLStorage(url, timeout=10)
    if opts.heartbeat is not None:
        time.sleep(opts.heartbeat[1] + 0.5)
        sid = storage.get_study_id_from_name(STUDY)
        storage.fail_stale_trials(sid, grace_period=opts.heartbeat[1])
    study = hs.load_study(study_name=STUDY, storage=storage)
    trials = study.get_trials(deepcopy=False)
    storage.close()
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    held = collections.Counter(t.number for t in complete)
    reported: collections.Counter[int] = collections.Counter()
    for out in outs:
        reported.update(set(_reported(out)))
    ends = sorted(t.datetime_complete for t in complete if t.datetime_complete is not None)
    gaps = [(b - a).total_seconds() for a, b in zip(ends, ends[1:])]
    return Row(
        backend,
        scenario,
        completed=len(complete),
        lost=sum(1 for n in reported if n not in held),
        duplicated=sum(c - 1 for c in reported.values() if c > 1)
        + sum(c - 1 for c in held.values() if c > 1),
        running_left=sum(t.state == TrialState.RUNNING for t in trials),
        recover=max(gaps, default=0.0),
        late=sum("late_result_of" in t.system_attrs for t in trials),
    )


def _deaths(procs: list[Any], killed: set[int]) -> int:
    return sum(1 for p in procs if p.pid not in killed and p.exitcode != 0)


# -- readers ---------------------------------------------------------------------------
def _read_loop(kind: str, url: str, stop: threading.Event, counts: collections.Counter) -> None:
    env = {**os.environ, "PYTHONPATH": ROOT}
    while not stop.is_set():
        try:
            if kind == "cli":
                subprocess.run(
                    [sys.executable, "-m", "hypersearch", "summary", "--storage", url]
                    + ["--study-name", STUDY],
                    env=env,
                    capture_output=True,
                    timeout=60,
                    check=True,
                )
            elif kind == "load_study":
                study = hs.load_study(study_name=STUDY, storage=url)
                len(study.get_trials(deepcopy=False))
                study.storage.close()
            else:  # a process of its own that opens the file afresh (SQLite's first-opener case)
                code = (
                    "import sys, hypersearch as hs; from hypersearch.storages import SQLStorage\n"
                    "for _ in range(20):\n"
                    "    s = SQLStorage(sys.argv[1]); s.get_n_trials(s.get_study_id_from_name(sys.argv[2])); s.close()\n"
                )
                subprocess.run(
                    [sys.executable, "-c", code, url, STUDY],
                    env=env,
                    capture_output=True,
                    timeout=60,
                    check=True,
                )
                counts[kind] += 19
            counts[kind] += 1
        except Exception:  # noqa: BLE001 - counted
            counts["errors"] += 1
        time.sleep(0.05)


def _readers(url: str, stop: threading.Event, counts: collections.Counter) -> list[Any]:
    """The CLI, load_study in a loop and processes opening the file afresh, side by side."""
    threads = [
        threading.Thread(target=_read_loop, args=(kind, url, stop, counts))
        for kind in ("cli", "load_study", "fresh process")
    ]
    for t in threads:
        t.start()
    return threads


def run_workers(
    backend: str,
    scenario: str,
    tmp: str,
    opts: Opts,
    n: int,
    *,
    readers: bool = False,
    fault: Any = None,
    late_joiner: bool = False,
    ctx_name: str = "fork",
    skews: list[float] | None = None,
) -> Row:
    with fresh_url(backend, tmp) as url:
        hs.create_study(study_name=STUDY, storage=url)
        ctx = multiprocessing.get_context(ctx_name)
        outs = [os.path.join(tmp, f"{uuid.uuid4().hex}.txt") for _ in range(n + 16)]
        procs: list[Any] = []
        for i in range(n):
            if skews is not None:
                os.environ["HS_FAULT_SKEW"] = str(skews[i])
            procs.append(_start(ctx, url, outs[i], opts, i))
        os.environ.pop("HS_FAULT_SKEW", None)
        stop, counts = threading.Event(), collections.Counter()
        reading = _readers(url, stop, counts) if readers else []
        killed: set[int] = set()
        start = time.monotonic()
        note = ""
        if fault is not None:
            note = fault(url, procs, killed, outs, opts, ctx) or ""
        if late_joiner:
            time.sleep(opts.seconds / 2)
            late = Opts(**{**opts.__dict__, "seconds": opts.seconds / 2})
            procs.append(_start(ctx, url, outs[len(procs)], late, 99))
        for p in procs:
            p.join(opts.seconds + 120)
        stop.set()
        for t in reading:
            t.join()
        if readers:
            note = f"reads: {dict(counts)}; " + note
        row = _outcome(backend, scenario, url, outs, opts)
        row.deaths = _deaths(procs, killed)
        row.seconds = time.monotonic() - start
        row.note = note + row.note
        return row


# -- faults ----------------------------------------------------------------------------
def kill_random(url, procs, killed, outs, opts, ctx) -> str:
    """SIGKILL a random live worker every 1.5 s and start a replacement."""
    end = time.monotonic() + opts.seconds - 2
    n = 0
    while time.monotonic() < end:
        time.sleep(1.5)
        alive = [p for p in procs if p.is_alive()]
        if not alive:
            break
        victim = random.choice(alive)
        os.kill(victim.pid, signal.SIGKILL)
        killed.add(victim.pid)
        n += 1
        left = Opts(**{**opts.__dict__, "seconds": max(0.5, end - time.monotonic())})
        procs.append(_start(ctx, url, outs[len(procs)], left, len(procs)))
    return f"{n} SIGKILLs"


def stop_random(url, procs, killed, outs, opts, ctx) -> str:
    """SIGSTOP a random worker for 1.5 s (beyond the grace period), then SIGCONT it."""
    end = time.monotonic() + opts.seconds - 2
    n = 0
    while time.monotonic() < end:
        time.sleep(0.5)
        victim = random.choice([p for p in procs if p.is_alive()] or [None])
        if victim is None:
            break
        os.kill(victim.pid, signal.SIGSTOP)
        time.sleep(1.5)
        os.kill(victim.pid, signal.SIGCONT)
        n += 1
    return f"{n} SIGSTOP/SIGCONT of 1.5 s"


def kill_first(url, procs, killed, outs, opts, ctx) -> str:
    """SIGKILL worker 0 (the one with the clock 1 h ahead) half-way."""
    time.sleep(opts.seconds / 2)
    os.kill(procs[0].pid, signal.SIGKILL)
    killed.add(procs[0].pid)
    return "worker with clock +1 h SIGKILLed half-way"


def server_kills(url, procs, killed, outs, opts, ctx) -> str:
    """End a random session of the workers from the server side every 0.2 s."""
    end = time.monotonic() + opts.seconds
    n = 0
    if url.startswith("postgresql"):
        import psycopg

        schema = url.rsplit("%3D", 1)[1]
        with psycopg.connect(PG, autocommit=True) as admin:
            while time.monotonic() < end:
                row = admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                    "pid <> pg_backend_pid() AND backend_type = 'client backend' AND "
                    "query NOT ILIKE '%pg_stat_activity%' AND application_name = '' "
                    "AND state IS NOT NULL ORDER BY random() LIMIT 1"
                ).fetchone()
                n += bool(row and row[0])
                time.sleep(0.2)
        return f"{n} pg_terminate_backend (schema {schema})"
    import pymysql

    db = url.rsplit("/", 1)[1]
    admin = pymysql.connect(host="127.0.0.1", port=3306, user="root", autocommit=True)
    with admin.cursor() as cur:
        while time.monotonic() < end:
            cur.execute(
                "SELECT id FROM information_schema.processlist WHERE db = %s "
                "AND id <> CONNECTION_ID() ORDER BY RAND() LIMIT 1",
                (db,),
            )
            row = cur.fetchone()
            if row:
                with contextlib.suppress(Exception):
                    cur.execute(f"KILL {int(row[0])}")
                    n += 1
            time.sleep(0.2)
    admin.close()
    return f"{n} KILLs"


# -- single-process checks -------------------------------------------------------------
def disk_full(tmp: str, seconds: float) -> Row:
    """One SQLite worker whose file may grow by only 64 KiB more after 20 trials."""
    opts = Opts(seconds=seconds, fsize=64 * 1024)
    with fresh_url("sqlite", tmp) as url:
        hs.create_study(study_name=STUDY, storage=url)
        out = os.path.join(tmp, f"{uuid.uuid4().hex}.txt")
        err = os.path.join(tmp, f"{uuid.uuid4().hex}.err")
        code = (
            f"import sys; sys.path.insert(0, {HERE!r}); import storage_faults as f; "
            f"f._work({url!r}, {out!r}, f.Opts(seconds={seconds}, fsize={64 * 1024}), 0)"
        )
        with open(err, "w") as fh:
            proc = subprocess.run(
                [sys.executable, "-c", code],
                stderr=fh,
                env={**os.environ, "PYTHONPATH": ROOT},
                timeout=seconds + 120,
                check=False,
            )
        with open(err) as fh:
            last = (fh.read().strip().splitlines() or [""])[-1]
        row = _outcome("sqlite", "file system full mid-study (1 worker)", url, [out], opts)
        row.deaths = int(proc.returncode < 0)
        path = url.split("///", 1)[1]
        named = path in last
        row.note = f"exit {proc.returncode}; error names the file: {named}; last line: {last[:140]}"
        return row


def bad_files(tmp: str) -> list[Row]:
    rows = []
    cases = _make_bad_files(tmp)
    for what, path in cases.items():
        start = time.perf_counter()
        try:
            SQLStorage(f"sqlite:///{path}").close()
            outcome = "opened"
        except Exception as err:  # noqa: BLE001 - reported
            outcome = f"{type(err).__name__}, names the path: {os.path.abspath(path) in str(err)}"
        took = time.perf_counter() - start
        rows.append(Row("sqlite", f"bad file: {what}", recover=took, note=outcome))
    return rows


def _make_bad_files(tmp: str) -> dict[str, str]:
    base = os.path.join(tmp, f"bad-{uuid.uuid4().hex[:6]}")
    os.makedirs(os.path.join(base, "adir"))
    with open(os.path.join(base, "garbage.db"), "wb") as fh:
        fh.write(os.urandom(8192))
    good = os.path.join(base, "foreign.db")
    conn = sqlite3.connect(good)
    conn.execute("CREATE TABLE notes (x)")
    conn.executemany("INSERT INTO notes VALUES (?)", [(i,) for i in range(3000)])
    conn.commit()
    conn.close()
    with open(good, "rb") as fh:
        data = fh.read()
    with open(os.path.join(base, "truncated.db"), "wb") as fh:
        fh.write(data[: len(data) // 2])
    future = os.path.join(base, "future.db")
    SQLStorage(f"sqlite:///{future}").close()
    conn = sqlite3.connect(future)
    conn.execute("UPDATE hs_version SET version = 99")
    conn.commit()
    conn.close()
    return {
        "missing directory": os.path.join(base, "nodir", "x.db"),
        "a directory": os.path.join(base, "adir"),
        "garbage": os.path.join(base, "garbage.db"),
        "truncated": os.path.join(base, "truncated.db"),
        "foreign SQLite database": good,
        "future schema (version 99)": future,
    }


BAD_RETURNS = {
    "None": None,
    "10**400": 10**400,
    "NaN": float("nan"),
    "wrong arity (2 values)": (1.0, 2.0),
    "'abc'": "abc",
}
HOSTILE_NAMES = {
    "lone surrogate": "x\udc80",
    "NUL": "a\x00b",
    "SQL": "'; DROP TABLE hs_trials; --",
    "emoji": "\U0001f600",
    "10,000 characters": "n" * 10_000,
}


def _returns(value: Any) -> Any:
    return lambda trial: value


def _suggests(name: str) -> Any:
    return lambda trial: trial.suggest_float(name, 0.0, 1.0)


def bad_objectives(backend: str, tmp: str) -> Row:
    import warnings

    running = failed = completed = 0
    problems = []
    with fresh_url(backend, tmp) as url, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cases = [(f"returns {k}", _returns(v)) for k, v in BAD_RETURNS.items()]
        cases += [(f"name {k}", _suggests(n)) for k, n in HOSTILE_NAMES.items()]
        for what, func in cases:
            study = hs.create_study(storage=url)
            try:
                study.optimize(func, n_trials=2, catch=(Exception,))
            except Exception as err:  # noqa: BLE001 - reported
                problems.append(f"{what}: {type(err).__name__}")
            states = [t.state for t in study.get_trials(deepcopy=False)]
            running += states.count(TrialState.RUNNING)
            failed += states.count(TrialState.FAIL)
            completed += states.count(TrialState.COMPLETE)
    note = f"{len(cases)} objectives x 2 trials: {failed} FAIL, {completed} COMPLETE"
    if problems:
        note += f"; optimize raised: {problems}"
    return Row(
        backend, "bad objectives and hostile names", completed, running_left=running, note=note
    )


def max_trials(tmp: str, workers: int = 8, cap: int = 100) -> Row:
    with fresh_url("sqlite", tmp) as url:
        hs.create_study(study_name=STUDY, storage=url)
        obj = os.path.join(tmp, f"obj_{uuid.uuid4().hex[:6]}.py")
        with open(obj, "w") as fh:
            fh.write(
                "import time\n\ndef f(t):\n    time.sleep(0.05)\n    return t.suggest_float('x', 0, 1)\n"
            )
        cmd = [sys.executable, "-m", "hypersearch", "-q", "worker", "--storage", url]
        cmd += ["--study-name", STUDY, "--objective", f"{obj}:f", "--max-trials", str(cap)]
        env = {**os.environ, "PYTHONPATH": ROOT}
        start = time.monotonic()
        procs = [subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL) for _ in range(workers)]
        codes = [p.wait(300) for p in procs]
        took = time.monotonic() - start
        trials = hs.load_study(study_name=STUDY, storage=url).get_trials(deepcopy=False)
        complete = sum(t.state == TrialState.COMPLETE for t in trials)
        return Row(
            "sqlite",
            f"--max-trials {cap} with {workers} CLI workers",
            complete,
            deaths=sum(c != 0 for c in codes),
            running_left=sum(t.state == TrialState.RUNNING for t in trials),
            seconds=took,
            note=f"overshoot {complete - cap}",
        )


def many_trials(tmp: str, n: int = 20_000) -> Row:
    with fresh_url("sqlite", tmp) as url:
        study = hs.create_study(study_name=STUDY, storage=url)
        dist = {"x": hs.distributions.FloatDistribution(0, 1)}
        study.add_trials(
            [
                hs.trial.create_trial(params={"x": i / n}, distributions=dist, value=float(i))
                for i in range(n)
            ]
        )
        fresh = hs.load_study(study_name=STUDY, storage=url)
        start = time.perf_counter()
        assert len(fresh.trials) == n
        first = time.perf_counter() - start
        start = time.perf_counter()
        assert len(fresh.trials) == n
        again = time.perf_counter() - start
        return Row(
            "sqlite",
            f"study.trials at {n:,} trials",
            n,
            note=f"first call (reads them) {first:.2f} s, again {again:.2f} s",
        )


# -- the suite -------------------------------------------------------------------------
def suite(backend: str, tmp: str, seconds: float, only: str | None = None) -> list[Row]:
    """Every scenario on ``backend`` (those whose tag contains ``only``, if given)."""
    hb = (0.5, 2.0)
    plan: list[tuple[str, Any]] = [
        (
            f"procs{n}",
            lambda n=n: run_workers(
                backend,
                f"{n} writer processes + readers + a late joiner",
                tmp,
                Opts(seconds),
                n,
                readers=True,
                late_joiner=True,
            ),
        )
        for n in (2, 4, 8)
    ]
    plan += [
        (
            "threads",
            lambda: run_workers(
                backend, "4 writer threads + readers", tmp, Opts(seconds, n_jobs=4), 1, readers=True
            ),
        ),
        (
            "kill",
            lambda: run_workers(
                backend,
                "SIGKILL a random worker every 1.5 s (heartbeats 0.5/2 s, retries)",
                tmp,
                Opts(seconds, heartbeat=hb, retry=True),
                4,
                fault=kill_random,
            ),
        ),
        (
            "stop",
            lambda: run_workers(
                backend,
                "SIGSTOP a random worker for 1.5 s (heartbeats 0.25/1 s)",
                tmp,
                Opts(seconds, heartbeat=(0.25, 1.0)),
                4,
                fault=stop_random,
            ),
        ),
        (
            "skew",
            lambda: run_workers(
                backend,
                "clocks +1 h, -1 h, +10 s, -10 s (heartbeats 0.5/2 s)",
                tmp,
                Opts(seconds, heartbeat=hb, extra={"sleep": 0.01}),
                4,
                fault=kill_first,
                ctx_name="spawn",
                skews=[3600.0, -3600.0, 10.0, -10.0],
            ),
        ),
        (
            "gil",
            lambda: run_workers(
                backend,
                "a 2.5 s GIL-holding call every 5th trial (heartbeats 0.5/1.5 s)",
                tmp,
                Opts(seconds, heartbeat=(0.5, 1.5), objective="gil", extra={"hold": 2.5}),
                2,
            ),
        ),
        ("objectives", lambda: bad_objectives(backend, tmp)),
    ]
    if backend != "sqlite":
        plan.append(
            (
                "server",
                lambda: run_workers(
                    backend,
                    "server kills a random session every 0.2 s",
                    tmp,
                    Opts(seconds),
                    4,
                    fault=server_kills,
                ),
            )
        )
    return [run() for tag, run in plan if only is None or only in tag]


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| backend | scenario | completed | lost | duplicated | worker deaths | RUNNING left "
        "| recover s | late kept | notes |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.backend} | {r.scenario} | {r.completed} | {r.lost} | {r.duplicated} | "
            f"{r.deaths} | {r.running_left} | {r.recover:.2f} | {r.late} | {r.note} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backends", default="sqlite,postgresql,mysql")
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument(
        "--only",
        default=None,
        help="run the scenarios whose tag holds this: procs2/4/8, threads, kill, stop, skew, "
        "gil, objectives, server, diskfull, badfiles, maxtrials, many",
    )
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args()
    hs.logging.set_verbosity(hs.logging.ERROR)
    rows: list[Row] = []
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            for row in suite(backend, tmp, args.seconds, args.only):
                print("\n".join(table([row])[2:]), flush=True)
                rows.append(row)
        extra = {
            "diskfull": lambda: [disk_full(tmp, args.seconds)],
            "badfiles": lambda: bad_files(tmp),
            "maxtrials": lambda: [max_trials(tmp)],
            "many": lambda: [many_trials(tmp)],
        }
        wanted = [run for tag, run in extra.items() if args.only is None or args.only in tag]
        for run in wanted if "sqlite" in args.backends else []:
            for row in run():
                print("\n".join(table([row])[2:]), flush=True)
                rows.append(row)
    lines = table(rows)
    if args.markdown:
        head = [
            "# Storages under faults",
            "",
            f"`{' '.join(['python', *sys.argv])}` on {datetime.date.today()}, hypersearch "
            f"{hs.__version__}, {os.cpu_count()} cores shared with other jobs (load average "
            f"{load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end).",
            "",
            (__doc__ or "").split("\n\n", 2)[2].strip(),
            "",
        ]
        with open(args.markdown, "w") as fh:
            fh.write("\n".join(head + lines) + "\n")
    bad = any(r.lost or r.duplicated or r.deaths or r.running_left for r in rows)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
