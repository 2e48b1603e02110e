"""PBT suite: PBT / PB2 vs random search vs promotion ASHA on a real (small) training run.

Task (``pbt_task``): a 64-64-10 MLP trained by SGD (momentum 0.9) on scikit-learn's
digits, on the CPU, one torch thread; hyperparameters learning rate and weight decay;
value: validation cross-entropy after the last epoch (minimised). Methods and the
equal-compute rules are in ``pbt_runs``. Writes ``bench/results/pbt.md`` (tables, paired
Wilcoxon tests per seed) and ``pbt.png`` (curves and the best members' evolved schedules).

    PYTHONPATH=. OMP_NUM_THREADS=1 nice -n 5 python -m bench pbt [--seeds 20] [--quick]
"""

from __future__ import annotations

import fnmatch
import math
import time
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.rawstore import RawStore, Record
from bench.report import Report, hypersearch_version, provenance
from bench.stats import fmt, fmt_quartiles, wilcoxon_paired
from bench.suites.common import SuiteOptions, log, quiet_warnings, rotate, run_tasks
from bench.suites.pbt_runs import ASHA_ETA, SLOTS, RunConfig, run_method
from bench.suites.pbt_task import TaskConfig

SUITE = "pbt"
METHODS = ("random", "pbt", "pb2", "asha")
PAIRS = (("pbt", "random"), ("pbt", "asha"), ("pb2", "random"), ("pb2", "asha"), ("pb2", "pbt"))
PACKAGES = ("hypersearch", "torch", "scikit-learn", "scipy")
FULL = RunConfig(TaskConfig(epochs=60, train=300), interval=4)
QUICK = RunConfig(TaskConfig(epochs=6, train=200), interval=2)


@dataclass(frozen=True)
class Task:
    method: str
    seed: int
    cfg: RunConfig


def run_task(task: Task) -> Record:
    quiet_warnings()
    import hypersearch as hs

    hs.logging.set_verbosity(hs.logging.WARNING)
    rec: Record = {
        "suite": SUITE,
        "method": task.method,
        "seed": task.seed,
        "epochs_per_member": task.cfg.task.epochs,
        "train": task.cfg.task.train,
        "interval": task.cfg.interval,
        "hypersearch": hypersearch_version(),
    }
    start = time.perf_counter()
    try:
        rec.update(run_method(task.method, task.seed, task.cfg), status="ok")
    except Exception as exc:  # noqa: BLE001
        rec.update(status="error", note=f"{type(exc).__name__}: {exc}"[:300])
        log(f"ERROR {task}: {traceback.format_exc(limit=4)}")
    rec["seconds"] = time.perf_counter() - start
    return rec


def _key(cfg: RunConfig) -> dict[str, int]:
    return {
        "epochs_per_member": cfg.task.epochs,
        "train": cfg.task.train,
        "interval": cfg.interval,
    }


def analyse(
    cfg: RunConfig, methods: list[str], seeds: list[int], store: RawStore, png: Path
) -> Report:
    recs = {
        (r["method"], r["seed"]): r
        for r in store.select(**_key(cfg), status="ok")
        if r["method"] in methods and r["seed"] in seeds
    }
    epochs = cfg.task.epochs
    rep = Report(f"PBT suite: a small PyTorch MLP on digits ({len(seeds)} seeds)")
    rep.text(
        f"Task: 64-64-10 MLP, SGD with momentum 0.9, digits (60/20/20 split per seed, training "
        f"part cut to {cfg.task.train} examples), CPU, one torch thread. Hyperparameters: "
        "learning rate (log 1e-4..1), weight decay (log 1e-6..1e-1). Value: validation "
        "cross-entropy after the last epoch of the best fully trained model. Every method has "
        f"{SLOTS} slots and a budget of {SLOTS} x {epochs} = {cfg.budget} epochs. random: the 8 "
        f"configurations of the seed trained {epochs} epochs each. pbt / pb2: population 8 "
        f"from the same 8 configurations, a segment every {cfg.interval} epochs, scheduler "
        "defaults (quantile 0.25, resample probability 0.25, factors 0.8 / 1.2). asha: "
        f"promotion ASHA (eta {ASHA_ETA}, rungs at {cfg.interval} x {ASHA_ETA}^k epochs, "
        "one worker), the same 8 configurations first, then random ones, stopped when the "
        "budget is spent. 'epochs spent' counts every epoch trained: a PBT member that copies "
        "a member further ahead continues from that member's step, so PBT can spend less."
    )
    rep.text(provenance(list(recs.values())))
    rows = []
    for m in methods:
        runs = [recs[(m, s)] for s in seeds if (m, s) in recs]
        if not runs:
            rows.append([m, "0", *["n/a"] * 5])
            continue
        vals = [r["value"] for r in runs]
        extra = ""
        if m in ("pbt", "pb2"):
            extra = f"exploits {fmt(float(np.median([r['exploits'] for r in runs])))}"
        elif m == "asha":
            extra = (
                f"configurations {fmt(float(np.median([r['configurations'] for r in runs])))}, "
                f"fully trained {fmt(float(np.median([r['completed'] for r in runs])))}"
            )
        rows.append(
            [
                m,
                str(len(runs)),
                fmt_quartiles(vals, 4),
                fmt(float(np.mean(vals)), 4),
                fmt(float(np.mean([r["test_accuracy"] for r in runs])), 4),
                fmt(float(np.median([r["epochs"] for r in runs]))),
                extra,
            ]
        )
    rep.table(
        "Validation loss of the answer (lower is better)",
        [
            "method",
            "runs",
            "val loss median [IQR]",
            "val loss mean",
            "test accuracy mean",
            "epochs spent (median)",
            "note",
        ],
        rows,
        "Test accuracy: the same model's accuracy on the held-out test part.",
    )
    rows = []
    for a, b in PAIRS:
        if a not in methods or b not in methods:
            continue
        both = [s for s in seeds if (a, s) in recs and (b, s) in recs]
        va = [recs[(a, s)]["value"] for s in both]
        vb = [recs[(b, s)]["value"] for s in both]
        diff = float(np.median(np.subtract(va, vb))) if both else math.nan
        rows.append([a, b, str(len(both)), str(wilcoxon_paired(va, vb)), fmt(diff, 3)])
    rep.table(
        "Paired per seed (Wilcoxon signed-rank)",
        ["method", "vs", "seeds", "W/T/L, p", "median difference"],
        rows,
        "W/T/L: seeds where the first method's validation loss is lower / equal / higher; "
        "two-sided p; median of (first - second).",
    )
    _schedule_table(rep, methods, seeds, recs, epochs)
    _plot(cfg, methods, seeds, recs, png)
    return rep


def _schedule_table(
    rep: Report, methods: list[str], seeds: list[int], recs: dict[Any, Record], epochs: int
) -> None:
    marks = sorted({0, epochs // 4, epochs // 2, (3 * epochs) // 4, epochs - 1})
    rows = []
    for m in ("pbt", "pb2"):
        if m not in methods:
            continue
        scheds = [recs[(m, s)]["schedule"] for s in seeds if (m, s) in recs]
        if not scheds:
            continue
        for name, col in (("lr", 2), ("weight_decay", 3)):
            cells = [
                fmt(float(np.exp(np.median([np.log(_at(sc, e, col)) for sc in scheds]))), 3)
                for e in marks
            ]
            rows.append([m, name, *cells])
    if rows:
        rep.table(
            "Evolved schedule of the best member (median over seeds, geometric)",
            ["method", "hyperparameter", *[f"epoch {e}" for e in marks]],
            rows,
            "The hyperparameters the best member's final weights were trained with at each "
            "epoch (its checkpoint ancestry, `pbt_schedule`). Per-seed schedules: pbt.png.",
        )


def _at(schedule: list[list[float]], epoch: int, col: int) -> float:
    for start, end, *_ in schedule:
        if start <= epoch < end:
            return float(next(s for s in schedule if s[0] == start)[col])
    return float(schedule[-1][col])


def _plot(
    cfg: RunConfig, methods: list[str], seeds: list[int], recs: dict[Any, Record], path: Path
) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception:  # noqa: BLE001
        return
    epochs = cfg.task.epochs
    x = np.arange(1, epochs + 1)
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.2))
    ax = axes[0]
    for m in methods:
        curves = np.array([recs[(m, s)]["curve"] for s in seeds if (m, s) in recs], dtype=float)
        if curves.size == 0:
            continue
        with warnings.catch_warnings():  # all-NaN columns (asha before its first full run)
            warnings.simplefilter("ignore", RuntimeWarning)
            q = np.nanpercentile(curves, [50, 25, 75], axis=0)
        (line,) = ax.plot(x, q[0], label=m)
        ax.fill_between(x, q[1], q[2], color=line.get_color(), alpha=0.15)
    ax.set_xlabel(f"epoch per slot (total compute / {SLOTS})")
    ax.set_ylabel("best validation loss (median, IQR)")
    ax.set_yscale("log")
    ax.set_title("population best (asha: best fully trained so far)", fontsize=9)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    for ax, col, name in ((axes[1], 2, "learning rate"), (axes[2], 3, "weight decay")):
        for m, color in (("pbt", "C1"), ("pb2", "C2")):
            for s in seeds:
                if (m, s) not in recs:
                    continue
                sched = recs[(m, s)]["schedule"]
                xs = [e for seg in sched for e in (seg[0], seg[1])]
                ys = [seg[col] for seg in sched for _ in (0, 1)]
                ax.plot(xs, ys, color=color, alpha=0.3, linewidth=0.8)
            scheds = [recs[(m, s)]["schedule"] for s in seeds if (m, s) in recs]
            if scheds:  # geometric median over seeds, epoch by epoch
                med = [
                    float(np.exp(np.median([np.log(_at(sc, e, col)) for sc in scheds])))
                    for e in range(epochs)
                ]
                ax.step(range(epochs), med, where="post", color=color, linewidth=2.2)
            ax.plot([], [], color=color, label=f"{m} best member: per seed, median (thick)")
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.set_title(f"evolved {name} schedule", fontsize=9)
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(opts: SuiteOptions) -> Path:
    quiet_warnings()
    cfg = QUICK if opts.quick else FULL
    globs = [g.strip() for item in opts.methods for g in item.split(",") if g.strip()]
    methods = [m for m in METHODS if not globs or any(fnmatch.fnmatch(m, g) for g in globs)]
    seeds = list(range(opts.seeds or (1 if opts.quick else 20)))
    store = RawStore(opts.raw(SUITE), ("method", "seed", *_key(cfg)), fresh=opts.fresh)
    tasks = [
        Task(m, s, cfg)
        for s in seeds
        for m in rotate(methods, s)
        if not store.has(method=m, seed=s, **_key(cfg))
    ]
    log(f"{SUITE}: {len(tasks)} runs to do ({len(methods)} methods, {len(seeds)} seeds)")
    for done, rec in enumerate(run_tasks(run_task, tasks, opts.jobs), 1):
        store.add(rec)
        log(
            f"{done}/{len(tasks)} {rec['method']} s{rec['seed']} {rec['status']} "
            f"value={rec.get('value', math.nan):.4f} epochs={rec.get('epochs')} "
            f"{rec['seconds']:.1f}s"
        )
    report = analyse(cfg, methods, seeds, store, opts.out(SUITE, "png"))
    return report.write(opts.out(SUITE, "md"), PACKAGES)
