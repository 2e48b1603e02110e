"""Overhead suite: per-trial sampler cost, pruner cost per report, import time, storage speed.

Every measurement runs hypersearch ("ours") and optuna ("peer") alternately, rep by rep,
so machine noise hits both alike.  Ratios are peer time / our time (> 1: ours is faster).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.optimizers.optuna_like import load_library, sampler_probe
from bench.rawstore import RawStore, Record
from bench.report import Report, plot_series
from bench.stats import fmt, ratio
from bench.suites.common import SuiteOptions, log, quiet_warnings
from bench.suites.overhead_library import (
    OURS,
    PEER,
    POSTGRES_URL,
    import_rows,
    peer_required,
    pruner_rows,
    storage_rows,
)
from bench.suites.overhead_spaces import GRIDS, SPACES

SUITE = "overhead"
PACKAGES = ("hypersearch", "optuna", "SQLAlchemy", "psycopg2-binary")


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
        peer_reason = peer_required(("optuna", "torch") if case.cls == "GPSampler" else ("optuna",))
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
