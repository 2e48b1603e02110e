"""Library-level costs for the overhead suite: pruner per report, import time, storage.

Each measurement alternates hypersearch ("ours") and optuna ("peer") rep by rep.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Protocol

import numpy as np

from bench._env import REPO_ROOT, MissingDependency, in_ci, missing_modules
from bench.optimizers.optuna_like import load_library
from bench.stats import fmt, ratio
from bench.suites.common import log

OURS, PEER = "hypersearch", "optuna"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")


class Reps(Protocol):
    """What these measurements need from the suite's mode."""

    reps: int
    pruner_trials: int
    pruner_steps: int
    import_reps: int
    storage_trials: dict[str, int]


def peer_required(modules: tuple[str, ...]) -> str | None:
    missing = missing_modules(modules)
    if missing and in_ci():
        raise MissingDependency(f"overhead suite peer: not installed: {', '.join(missing)}")
    return f"not installed: {', '.join(missing)}" if missing else None


# ---------------------------------------------------------------- pruner cost per report


def pruner_report_time(library: str, n_trials: int, n_steps: int, seed: int) -> float:
    """Mean seconds per ``trial.report`` + ``trial.should_prune`` (decisions are ignored so
    both libraries do identical work)."""
    lib = load_library(library)
    study = lib.create_study(
        sampler=lib.samplers.RandomSampler(seed=seed), pruner=lib.pruners.MedianPruner()
    )
    rng = np.random.default_rng(seed)
    total, calls = 0.0, 0
    clock = time.perf_counter
    for _ in range(n_trials):
        trial = study.ask()
        x = trial.suggest_float("x", 0.0, 1.0)
        noise = rng.normal(0, 0.01, n_steps)
        value = 0.0
        for step in range(n_steps):
            value = x + 1.0 / (step + 1) + noise[step]
            t0 = clock()
            trial.report(value, step)
            trial.should_prune()
            total += clock() - t0
            calls += 1
        study.tell(trial, value)
    return total / calls


def pruner_rows(mode: Reps) -> list[list[str]]:
    peer_reason = peer_required(("optuna",))
    ours_reason = None if _has(OURS, "pruners", "MedianPruner") else "MedianPruner missing"
    res: dict[str, list[float]] = {OURS: [], PEER: []}
    for rep in range(mode.reps):
        for lib in [OURS, PEER] if rep % 2 == 0 else [PEER, OURS]:
            if (ours_reason if lib == OURS else peer_reason) is None:
                res[lib].append(pruner_report_time(lib, mode.pruner_trials, mode.pruner_steps, rep))
    peer = float(np.median(res[PEER])) if res[PEER] else math.nan
    ours = float(np.median(res[OURS])) if res[OURS] else math.nan
    log("overhead pruner done")
    return [
        [
            "MedianPruner",
            f"{mode.pruner_trials} x {mode.pruner_steps}",
            fmt(peer * 1e6),
            fmt(ours * 1e6),
            fmt(ratio(peer, ours)),
            ours_reason or peer_reason or "",
        ]
    ]


def _has(library: str, module: str, name: str) -> bool:
    try:
        lib = load_library(library)
    except Exception:  # noqa: BLE001
        return False
    return getattr(getattr(lib, module, None), name, None) is not None


# ---------------------------------------------------------------- import time


def import_seconds(module: str) -> float:
    """Cumulative import time of ``module`` from ``python -X importtime`` (fresh process)."""
    env = dict(
        os.environ, PYTHONPATH=str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    )
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        check=True,
    )
    for line in reversed(proc.stderr.splitlines()):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1e6
    raise RuntimeError(f"no importtime line for {module}")


def import_rows(mode: Reps) -> list[list[str]]:
    peer_reason = peer_required(("optuna",))
    ours_reason = None if not missing_modules((OURS,)) else "hypersearch not importable"
    res: dict[str, list[float]] = {OURS: [], PEER: []}
    for rep in range(mode.import_reps):
        for lib in [OURS, PEER] if rep % 2 == 0 else [PEER, OURS]:
            if (ours_reason if lib == OURS else peer_reason) is None:
                res[lib].append(import_seconds(lib))
    peer = float(np.median(res[PEER])) if res[PEER] else math.nan
    ours = float(np.median(res[OURS])) if res[OURS] else math.nan
    log("overhead import done")
    return [
        [
            "import",
            str(mode.import_reps),
            fmt(peer * 1e3),
            fmt(ours * 1e3),
            fmt(ratio(peer, ours)),
            ours_reason or peer_reason or "",
        ]
    ]


# ---------------------------------------------------------------- storage throughput


def storage_url(kind: str, tmp: Path) -> str | None:
    if kind == "memory":
        return None
    if kind == "sqlite":
        return f"sqlite:///{tmp / (uuid.uuid4().hex + '.db')}"
    return POSTGRES_URL


def postgres_reason() -> str | None:
    """None when the PostgreSQL server answers (through SQLAlchemy + psycopg2)."""
    if missing_modules(("sqlalchemy", "psycopg2")):
        return "sqlalchemy/psycopg2 not installed"
    import sqlalchemy

    try:
        engine = sqlalchemy.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as exc:  # noqa: BLE001
        return f"server unreachable ({type(exc).__name__})"
    return None


def trials_per_second(library: str, url: str | None, n_trials: int, seed: int) -> float:
    lib = load_library(library)
    name = f"bench-{uuid.uuid4().hex[:12]}"
    study = lib.create_study(
        storage=url, study_name=name, sampler=lib.samplers.RandomSampler(seed=seed)
    )
    start = time.perf_counter()
    study.optimize(
        lambda t: t.suggest_float("x", -1, 1) ** 2 + t.suggest_int("k", 0, 9), n_trials=n_trials
    )
    rate = n_trials / (time.perf_counter() - start)
    if url is not None and url.startswith("postgresql"):
        lib.delete_study(study_name=name, storage=url)
    return rate


def _short(exc: BaseException) -> str:
    first = str(exc).splitlines()[0].split(";")[0] if str(exc) else ""
    return f"{type(exc).__name__}: {first}"[:90]


def storage_rows(mode: Reps) -> list[list[str]]:
    rows = []
    for kind, n in mode.storage_trials.items():
        reasons: dict[str, str | None] = {PEER: peer_required(("optuna",)), OURS: None}
        if kind == "postgresql" and (pg := postgres_reason()):
            reasons = {PEER: pg, OURS: pg}
        res: dict[str, list[float]] = {OURS: [], PEER: []}
        with tempfile.TemporaryDirectory(prefix="bench-storage-") as tmp:
            for rep in range(mode.reps):
                for lib in [OURS, PEER] if rep % 2 == 0 else [PEER, OURS]:
                    if reasons[lib] is not None:
                        continue
                    try:
                        res[lib].append(
                            trials_per_second(lib, storage_url(kind, Path(tmp)), n, rep)
                        )
                    except Exception as exc:  # noqa: BLE001 - unsupported backend -> n/a
                        if lib == PEER and in_ci():
                            raise
                        reasons[lib] = _short(exc)
        peer = float(np.median(res[PEER])) if res[PEER] else math.nan
        ours = float(np.median(res[OURS])) if res[OURS] else math.nan
        note = "; ".join(
            f"{k}: {v}" for k, v in (("ours", reasons[OURS]), ("peer", reasons[PEER])) if v
        )
        rows.append([kind, str(n), fmt(peer), fmt(ours), fmt(ratio(ours, peer)), note])
        log(f"overhead storage {kind} done")
    return rows
