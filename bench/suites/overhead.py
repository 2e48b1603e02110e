"""Overhead suite: per-trial sampler cost, pruner cost per report, import time, storage speed.

Every measurement runs hypersearch ("ours") and optuna ("peer") alternately, rep by rep,
so machine noise hits both alike.  Ratios are peer time / our time (> 1: ours is faster).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench._env import REPO_ROOT, MissingDependency, in_ci, missing_modules
from bench.optimizers.optuna_like import load_library, sampler_probe
from bench.rawstore import RawStore, Record
from bench.report import Report, plot_series
from bench.stats import fmt, ratio
from bench.suites.common import SuiteOptions, log, quiet_warnings
from bench.suites.overhead_spaces import GRIDS, SPACES

SUITE = "overhead"
OURS, PEER = "hypersearch", "optuna"
PACKAGES = ("hypersearch", "optuna", "SQLAlchemy", "psycopg2-binary")
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")


@dataclass(frozen=True)
class SamplerCase:
    label: str
    cls: str
    kwargs: dict[str, Any]
    max_trials: int  # full mode cap: sampler cost grows with the study ("where feasible")


SAMPLERS = [
    SamplerCase("random", "RandomSampler", {}, 10_000),
    SamplerCase("tpe", "TPESampler", {}, 1_000),
    SamplerCase("gp", "GPSampler", {}, 200),
    SamplerCase("cmaes", "CmaEsSampler", {}, 3_000),
    SamplerCase("qmc", "QMCSampler", {"scramble": True}, 10_000),
    SamplerCase("nsga2", "NSGAIISampler", {}, 10_000),
    SamplerCase("grid", "GridSampler", {}, 1_000),
]
FULL_CHECKPOINTS = [100, 300, 1000, 3000, 10_000]
QUICK_CHECKPOINTS = [30, 100, 300]
QUICK_CAPS = {"GPSampler": 30, "GridSampler": 100}


@dataclass(frozen=True)
class Mode:
    checkpoints: list[int]
    spaces: list[str]
    reps: int
    pruner_trials: int
    pruner_steps: int
    import_reps: int
    storage_trials: dict[str, int]


def make_mode(opts: SuiteOptions) -> Mode:
    spaces = [s for s in SPACES if not opts.problems or s in ",".join(opts.problems).split(",")]
    if opts.quick:
        return Mode(
            opts.budgets or QUICK_CHECKPOINTS,
            spaces if opts.problems else ["floats5"],
            opts.seeds or 1,
            30,
            20,
            2,
            {"memory": 100, "sqlite": 20, "postgresql": 20},
        )
    return Mode(
        opts.budgets or FULL_CHECKPOINTS,
        spaces,
        opts.seeds or 3,
        200,
        100,
        7,
        {"memory": 2000, "sqlite": 300, "postgresql": 300},
    )


def selected_samplers(opts: SuiteOptions) -> list[SamplerCase]:
    """Sampler cases matching ``--methods`` globs (all by default)."""
    import fnmatch

    globs = [g for item in opts.methods for g in item.split(",") if g] or ["*"]
    return [c for c in SAMPLERS if any(fnmatch.fnmatch(c.label, g) for g in globs)]


def _peer_required(modules: tuple[str, ...]) -> str | None:
    missing = missing_modules(modules)
    if missing and in_ci():
        raise MissingDependency(f"overhead suite peer: not installed: {', '.join(missing)}")
    return f"not installed: {', '.join(missing)}" if missing else None


# ---------------------------------------------------------------- sampler time per trial


def trial_times(
    library: str, case: SamplerCase, space: str, n_trials: int, seed: int
) -> np.ndarray:
    """Seconds of ask + suggest + tell for each trial (the objective itself is excluded)."""
    lib = load_library(library)
    kwargs = {"search_space": GRIDS[space]} if case.cls == "GridSampler" else case.kwargs
    sampler = getattr(lib.samplers, case.cls)(seed=seed, **kwargs)
    study = lib.create_study(direction="minimize", sampler=sampler)
    objective = SPACES[space]
    out = np.empty(n_trials)
    clock = time.perf_counter
    for i in range(n_trials):
        t0 = clock()
        trial = study.ask()
        value = objective(trial)  # suggest_* calls are sampler work; the arithmetic is ~1 µs
        study.tell(trial, value)
        out[i] = clock() - t0
    return out


def window_mean(times: np.ndarray, n: int) -> float:
    """Mean per-trial time over trials (n/2, n]: the amortised cost as the study reaches n."""
    if times.size < n:
        return math.nan
    return float(np.mean(times[n // 2 : n]))


def _median_window(reps: list[np.ndarray], n: int) -> float:
    return float(np.median([window_mean(t, n) for t in reps])) if reps else math.nan


def _curve(reps: list[np.ndarray]) -> list[list[float]]:
    """Median per-trial time (rolling median over 25 trials) at ~200 log-spaced trials."""
    if not reps:
        return []
    y = _rolling_median(np.median(np.vstack(reps), axis=0), 25)
    idx = np.unique(np.geomspace(1, y.size, 200).astype(int)) - 1
    return [[int(i + 1), float(y[i])] for i in idx]


def measure_sampler(
    case: SamplerCase,
    space: str,
    points: list[int],
    reps: int,
    ours_reason: str | None,
    peer_reason: str | None,
) -> Record:
    """Interleaved ours/peer runs of one sampler on one space (order flips every rep)."""
    n_max = max(points)
    runs: dict[str, list[np.ndarray]] = {OURS: [], PEER: []}
    for rep in range(reps):
        for lib in [OURS, PEER] if rep % 2 == 0 else [PEER, OURS]:
            if (ours_reason if lib == OURS else peer_reason) is None:
                runs[lib].append(trial_times(lib, case, space, n_max, seed=rep))
    log(f"overhead sampler {case.label}/{space}: {n_max} trials x {reps} reps")
    return {
        "kind": "sampler",
        "label": case.label,
        "space": space,
        "reps": reps,
        "status": "ok",
        "ours_reason": ours_reason,
        "peer_reason": peer_reason,
        "ours": {str(n): _median_window(runs[OURS], n) for n in points},
        "peer": {str(n): _median_window(runs[PEER], n) for n in points},
        "ours_curve": _curve(runs[OURS]),
        "peer_curve": _curve(runs[PEER]),
    }


def _sampler_row(rec: Record, checkpoints: list[int]) -> list[str]:
    cells = []
    for n in checkpoints:
        peer, ours = rec["peer"].get(str(n)), rec["ours"].get(str(n))
        if peer is None and ours is None:
            cells.append(
                "skipped (too slow)" if n > max(map(int, rec["peer"]), default=0) else "not run"
            )
            continue
        peer = math.nan if peer is None else peer
        ours = math.nan if ours is None else ours
        both = math.isfinite(peer) and math.isfinite(ours)
        cells.append(
            f"{fmt(peer * 1e3)} / {fmt(ours * 1e3)}"
            + (f" ({fmt(ratio(peer, ours))}x)" if both else "")
        )
    reasons = (("ours", rec["ours_reason"]), ("peer", rec["peer_reason"]))
    note = "; ".join(f"{k}: {v}" for k, v in reasons if v)
    return [rec["label"], rec["space"], *cells, note]


def sampler_rows(
    mode: Mode, cases: list[SamplerCase], quick: bool, store: RawStore
) -> tuple[list[list[str]], dict[str, Any]]:
    """Rows for the selected samplers (measured now) and, from the raw store, earlier
    measurements of the samplers not selected this time (same mode, same availability)."""
    rows, curves = [], {}
    for case in SAMPLERS:
        peer_reason = _peer_required(
            ("optuna", "torch") if case.cls == "GPSampler" else ("optuna",)
        )
        ours_reason = sampler_probe(OURS, case.cls)
        cap = min(
            case.max_trials, QUICK_CAPS.get(case.cls, case.max_trials) if quick else case.max_trials
        )
        points = [n for n in mode.checkpoints if n <= cap]
        for space in mode.spaces:
            key = {"kind": "sampler", "label": case.label, "space": space, "reps": mode.reps}
            if case in cases and points:
                rec = measure_sampler(case, space, points, mode.reps, ours_reason, peer_reason)
                store.add(rec)
            else:
                found = [
                    r
                    for r in store.select(**key)
                    if r["ours_reason"] == ours_reason and r["peer_reason"] == peer_reason
                ]
                if not found:
                    continue
                rec = found[-1]
            rows.append(_sampler_row(rec, mode.checkpoints))
            for lib in (OURS, PEER):
                if rec[f"{lib_key(lib)}_curve"]:
                    xy = np.array(rec[f"{lib_key(lib)}_curve"])
                    curves[f"{case.label}/{space} {lib}"] = xy
    return rows, curves


def lib_key(lib: str) -> str:
    return "ours" if lib == OURS else "peer"


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


def pruner_rows(mode: Mode) -> list[list[str]]:
    peer_reason = _peer_required(("optuna",))
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


def import_rows(mode: Mode) -> list[list[str]]:
    peer_reason = _peer_required(("optuna",))
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


def storage_rows(mode: Mode) -> list[list[str]]:
    rows = []
    for kind, n in mode.storage_trials.items():
        reasons: dict[str, str | None] = {PEER: _peer_required(("optuna",)), OURS: None}
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


# ---------------------------------------------------------------- the suite


def run(opts: SuiteOptions) -> Path:
    quiet_warnings()
    mode = make_mode(opts)
    rep = Report(f"Overhead suite{' (quick)' if opts.quick else ''}: hypersearch vs optuna")
    rep.text(
        f"Reps: {mode.reps} (interleaved ours/peer, order alternating per rep); medians over reps. "
        "Ratio = optuna time / hypersearch time, so > 1 means hypersearch is faster.  Single "
        "process, OMP/OpenBLAS/MKL threads = 1.  Timings are of this machine at this moment; "
        "compare ratios, not absolute numbers."
    )
    cases = selected_samplers(opts)
    rep.text(
        f"Measured in this run: {', '.join(c.label for c in cases)}; spaces: "
        f"{', '.join(mode.spaces)}; study sizes n: {', '.join(map(str, mode.checkpoints))}.  "
        "Rows of samplers not selected with --methods come from earlier runs on this machine "
        "(results/raw), when their availability has not changed since."
    )
    store = RawStore(opts.raw(SUITE), ("kind", "label", "space", "reps"), fresh=opts.fresh)
    rows, curves = sampler_rows(mode, cases, opts.quick, store)
    rep.table(
        "Sampler overhead per trial (ms): optuna / hypersearch (ratio)",
        ["sampler", "space", *[f"n={n}" for n in mode.checkpoints], "note"],
        rows,
        "Per-trial time = `study.ask()` + the objective's `suggest_*` calls + `study.tell()`, "
        "averaged over trials (n/2, n] (amortised: includes once-per-generation work). "
        "Spaces: floats5 = 5 floats; mixed = 3 floats + log-int + 4-way categorical; "
        "conditional = a categorical choosing between 2-parameter branches.  "
        "Grid: 7^5, 10^3 x 7 x 4 and 3 x 6 x 3 x 6 x 6 x 10 point grids.  'skipped (too slow)': "
        "above this sampler's trial cap (full: GP 200, TPE and grid 1000, CMA-ES 3000; quick: GP 30, grid 100); "
        "'n/a': the sampler does not exist in that library yet.",
    )
    rep.table(
        "Pruner cost per report (µs)",
        ["pruner", "trials x steps", "optuna µs", "hypersearch µs", "ratio", "note"],
        pruner_rows(mode),
        "One `trial.report(value, step)` + `trial.should_prune()` pair, averaged over all "
        "calls; prune decisions are ignored so both libraries see identical studies.",
    )
    rep.table(
        "Import time (ms)",
        ["what", "reps", "optuna ms", "hypersearch ms", "ratio", "note"],
        import_rows(mode),
        "Cumulative time of the top-level package from `python -X importtime -c 'import X'` "
        "in fresh processes; median over reps.",
    )
    rep.table(
        "Storage throughput (trials per second)",
        [
            "storage",
            "trials",
            "optuna trials/s",
            "hypersearch trials/s",
            "ratio (ours/peer)",
            "note",
        ],
        storage_rows(mode),
        "`study.optimize` of a trivial 2-parameter objective with RandomSampler.  SQLite: a "
        f"fresh file per run; PostgreSQL: `{POSTGRES_URL}` (override with BENCH_POSTGRES_URL).",
    )
    if curves:
        panels: dict[str, dict[str, Any]] = {}
        for key, xy in curves.items():
            panel, lib = key.rsplit(" ", 1)
            y_ms = xy[:, 1] * 1e3
            panels.setdefault(panel, {})[lib] = (xy[:, 0], y_ms, y_ms, y_ms)
        plot_series(opts.out(SUITE, "png"), panels, "trial", "ms per trial", logy=True, logx=True)
    return rep.write(opts.out(SUITE, "md"), PACKAGES)


def _rolling_median(y: np.ndarray, width: int) -> np.ndarray:
    if y.size <= width:
        return y
    from numpy.lib.stride_tricks import sliding_window_view

    core = np.median(sliding_window_view(y, width), axis=1)
    return np.concatenate([np.full(width - 1, core[0]), core])
