"""Multi-objective suite: hypervolume of everything evaluated so far, against trials."""

from __future__ import annotations

import math
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.optimizers import MO_OPTIMIZERS
from bench.problems import MO_PROBLEMS
from bench.rawstore import RawStore, Record
from bench.report import Report, hypersearch_version, plot_series, provenance
from bench.stats import fmt, fmt_quartiles, mean_ranks, quartiles, wilcoxon_paired
from bench.suites.common import (
    SuiteOptions,
    log,
    per_problem_verdicts,
    quiet_warnings,
    rotate,
    run_tasks,
)

SUITE = "multiobjective"
FULL_PROBLEMS = ["zdt1", "zdt2", "zdt3", "dtlz2", "wfg4"]
QUICK_PROBLEMS = ["zdt1"]
FULL_BUDGETS = [100, 200, 400]
QUICK_BUDGETS = [20, 40]
PACKAGES = ("hypersearch", "optuna", "pymoo")


@dataclass(frozen=True)
class Plan:
    problems: list[str]
    optimizers: list[str]
    budgets: list[int]
    seeds: list[int]

    @property
    def max_budget(self) -> int:
        return max(self.budgets)

    @property
    def checkpoints(self) -> list[int]:
        step = max(self.max_budget // 40, 1)
        return sorted(set(range(step, self.max_budget + 1, step)) | set(self.budgets))


@dataclass(frozen=True)
class Task:
    problem: str
    optimizer: str
    seed: int
    budget: int
    checkpoints: tuple[int, ...]


def make_plan(opts: SuiteOptions) -> Plan:
    problems = MO_PROBLEMS.select(
        opts.problems or (QUICK_PROBLEMS if opts.quick else FULL_PROBLEMS)
    )
    optimizers = MO_OPTIMIZERS.select(opts.methods or ["*"])
    budgets = sorted(opts.budgets or (QUICK_BUDGETS if opts.quick else FULL_BUDGETS))
    return Plan(problems, optimizers, budgets, list(range(opts.seeds or (1 if opts.quick else 10))))


def run_task(task: Task) -> Record:
    quiet_warnings()
    rec: Record = {
        "suite": SUITE,
        "problem": task.problem,
        "optimizer": task.optimizer,
        "seed": task.seed,
        "budget": task.budget,
    }
    rec["hypersearch"] = hypersearch_version()
    try:
        problem = MO_PROBLEMS.make(task.problem, task.seed)
        start = time.perf_counter()
        vectors = MO_OPTIMIZERS.make(task.optimizer).minimize(problem, task.budget, task.seed)
        seconds = time.perf_counter() - start
        f = np.asarray(vectors, dtype=float)
        hv = {str(n): problem.hv_ratio(f[:n]) for n in task.checkpoints if n <= len(f)}
        rec.update(status="ok", n=len(f), hv=hv, seconds=seconds)
    except Exception as exc:  # noqa: BLE001
        rec.update(status="error", note=f"{type(exc).__name__}: {exc}"[:300])
        log(f"ERROR {task}: {traceback.format_exc(limit=4)}")
    return rec


def execute(plan: Plan, opts: SuiteOptions, store: RawStore, available: list[str]) -> None:
    tasks = [
        Task(p, o, s, plan.max_budget, tuple(plan.checkpoints))
        for i, p in enumerate(plan.problems)
        for s in plan.seeds
        for o in rotate(available, i + s)
        if not store.has(problem=p, optimizer=o, seed=s, budget=plan.max_budget)
    ]
    log(f"{SUITE}: {len(tasks)} runs to do (jobs {opts.jobs})")
    for done, rec in enumerate(run_tasks(run_task, tasks, opts.jobs), 1):
        store.add(rec)
        log(
            f"{done}/{len(tasks)} {rec['problem']} {rec['optimizer']} s{rec['seed']} "
            f"{rec['status']} {rec.get('seconds', 0):.1f}s"
        )


def analyse(plan: Plan, store: RawStore, reasons: dict[str, str], opts: SuiteOptions) -> Report:
    hv: dict[str, dict[tuple[str, int], dict[int, float]]] = {o: {} for o in plan.optimizers}
    seconds: dict[str, list[float]] = {o: [] for o in plan.optimizers}
    used = []
    for r in store.records.values():
        if (
            r.get("status") == "ok"
            and r["problem"] in plan.problems
            and r["seed"] in plan.seeds
            and r["optimizer"] in hv
            and r["budget"] == plan.max_budget
        ):
            hv[r["optimizer"]][(r["problem"], r["seed"])] = {int(k): v for k, v in r["hv"].items()}
            seconds[r["optimizer"]].append(r["seconds"])
            used.append(r)
    blocks = sorted({k for runs in hv.values() for k in runs})
    rep = Report(f"Multi-objective suite{' (quick)' if opts.quick else ''}: hypervolume ratio")
    rep.text(
        f"Problems: {', '.join(plan.problems)} (pymoo definitions; ZDT with 10 variables, DTLZ2 "
        "12 variables / 3 objectives, WFG4 6 variables / 2 objectives).  Hypervolume of all "
        "points evaluated so far, objectives normalised by the front's ideal/nadir, reference "
        "point 1.1 x max(1, median of uniform random points) per objective, divided by the true "
        "front's hypervolume under the same reference (1 = the whole front found; higher "
        f"is better).  Seeds: {len(plan.seeds)}.  One run of {plan.max_budget} trials per "
        "(problem, seed, optimizer); smaller budgets read off the same run."
    )
    rep.text(provenance(used))
    rows = []
    for o in plan.optimizers:
        if o in reasons:
            rows.append([o, "0", *["n/a"] * (2 * len(plan.budgets)), f"n/a: {reasons[o]}"])
            continue
        cells = [fmt_quartiles([h.get(b, math.nan) for h in hv[o].values()]) for b in plan.budgets]
        ranks = []
        for b in plan.budgets:
            mr = mean_ranks(
                [
                    {x: -hv[x][k][b] for x in plan.optimizers if k in hv[x] and b in hv[x][k]}
                    for k in blocks
                ]
            )
            ranks.append(fmt(mr.get(o, math.nan)))
        rows.append([o, str(len(hv[o])), *cells, *ranks, ""])
    rep.table(
        "Hypervolume ratio: median [25%, 75%] over (problem, seed), and mean rank",
        [
            "optimizer",
            "runs",
            *[f"HV@{b}" for b in plan.budgets],
            *[f"rank@{b}" for b in plan.budgets],
            "note",
        ],
        rows,
    )
    rows = [
        [
            o,
            *[
                fmt(
                    quartiles(
                        [
                            h[plan.max_budget]
                            for (p, _), h in hv[o].items()
                            if p == prob and plan.max_budget in h
                        ]
                    )[0]
                )
                for prob in plan.problems
            ],
        ]
        for o in plan.optimizers
    ]
    rep.table(
        f"Median hypervolume ratio at {plan.max_budget} trials per problem",
        ["optimizer", *plan.problems],
        rows,
    )
    rep.table(*_wilcoxon(plan, hv, blocks, reasons))
    table, target = _per_problem(plan, hv, reasons)
    rep.table(*table)
    if target:
        rep.text(target)
    rep.table(
        "Median wall time per run (seconds)",
        ["optimizer", "seconds"],
        [[o, fmt(quartiles(seconds[o])[0])] for o in plan.optimizers],
    )
    _plot(plan, hv, opts.out(SUITE, "png"))
    return rep


def _wilcoxon(
    plan: Plan,
    hv: dict[str, dict[tuple[str, int], dict[int, float]]],
    blocks: list[tuple[str, int]],
    reasons: dict[str, str],
) -> tuple[str, list[str], list[list[str]], str]:
    ours = [o for o in plan.optimizers if MO_OPTIMIZERS.get(o).ours and o not in reasons]
    peers = [o for o in plan.optimizers if not MO_OPTIMIZERS.get(o).ours and o not in reasons]
    rows = []
    for o in ours:
        for p in peers:
            keys = [k for k in blocks if k in hv[o] and k in hv[p]]
            rows.append(
                [
                    o,
                    p,
                    *[
                        str(
                            wilcoxon_paired(
                                [-hv[o][k][b] for k in keys], [-hv[p][k][b] for k in keys]
                            )
                        )
                        for b in plan.budgets
                    ],
                ]
            )
    note = (
        "Paired over (problem, seed); W/T/L = ours higher / tied / lower hypervolume; "
        "two-sided Wilcoxon signed-rank p."
    )
    if not rows:
        rows = [["n/a", "n/a", *["n/a"] * len(plan.budgets)]]
        note = (
            "No hypersearch multi-objective sampler is available yet ("
            + "; ".join(f"{o}: {reasons[o]}" for o in plan.optimizers if o in reasons)
            + ")."
        )
    return (
        "Ours vs each peer (Wilcoxon signed-rank)",
        ["ours", "peer", *[f"W/T/L, p @{b}" for b in plan.budgets]],
        rows,
        note,
    )


def _per_problem(
    plan: Plan,
    hv: dict[str, dict[tuple[str, int], dict[int, float]]],
    reasons: dict[str, str],
) -> tuple[tuple[str, list[str], list[list[str]], str], str]:
    """Per problem and budget, ours vs each peer over the seeds; and the issue #6 target."""
    ours = [o for o in plan.optimizers if MO_OPTIMIZERS.get(o).ours and o not in reasons]
    peers = [o for o in plan.optimizers if not MO_OPTIMIZERS.get(o).ours and o not in reasons]
    rows = []
    at_least: dict[tuple[str, int], list[set[str]]] = {}  # (ours, budget) -> per peer
    for o in ours:
        for p in peers:
            for b in plan.budgets:
                verdicts = per_problem_verdicts(_at(hv[o], b), _at(hv[p], b), higher_is_better=True)
                fine = {k for k, v in verdicts.items() if v.kind != "loss"}
                at_least.setdefault((o, b), []).append(fine)
                cells = [
                    verdicts[k].cell(higher_is_better=True) if k in verdicts else "n/a"
                    for k in plan.problems
                ]
                rows.append([o, p, str(b), *cells, f"{len(fine)} of {len(verdicts)}"])
    note = (
        "Per problem: W/T/L over its seeds (paired by seed; W = ours higher hypervolume), "
        "two-sided Wilcoxon signed-rank p, and the verdict: win = ours higher with p < 0.05, "
        "loss = lower with p < 0.05, else tie (with whose median is higher).  "
        "Fewer than six paired seeds can never reach p < 0.05."
    )
    headers = ["ours", "peer", "trials", *plan.problems, "problems where ours >= peer (win or tie)"]
    lines = []
    for (o, b), sets in sorted(at_least.items()):
        both = set.intersection(*sets) if sets else set()
        lines.append(
            f"{o} @{b}: {len(both)} of {len(plan.problems)} "
            f"({', '.join(k for k in plan.problems if k in both) or 'none'})"
        )
    target = (
        "Issue #6 target (ours >= every peer, win or tie, on at least 4 of the 5 problems), "
        "problems where ours >= all of " + ", ".join(peers) + ": " + "; ".join(lines) + "."
        if lines
        else ""
    )
    return (
        ("Per problem: ours vs each peer over the seeds (Wilcoxon)", headers, rows, note),
        target,
    )


def _at(runs: dict[tuple[str, int], dict[int, float]], budget: int) -> dict[tuple[str, int], float]:
    """Each run's hypervolume ratio after ``budget`` trials (runs that stopped early drop out)."""
    return {k: h[budget] for k, h in runs.items() if budget in h}


def _plot(plan: Plan, hv: dict[str, dict[tuple[str, int], dict[int, float]]], path: Path) -> None:
    x = np.array(plan.checkpoints)
    panels = {}
    for prob in plan.problems:
        series = {}
        for o, runs in hv.items():
            curves = [
                [h.get(int(n), math.nan) for n in x] for (p, _), h in runs.items() if p == prob
            ]
            if curves:
                q = np.nanpercentile(np.array(curves, dtype=float), [50, 25, 75], axis=0)
                series[o] = (x, q[0], q[1], q[2])
        if series:
            panels[prob] = series
    if panels:
        plot_series(path, panels, "trials", "hypervolume ratio", logy=False)


def run(opts: SuiteOptions) -> Path:
    quiet_warnings()
    plan = make_plan(opts)
    reasons = {o: r for o in plan.optimizers if (r := MO_OPTIMIZERS.unavailable(o))}
    plan = Plan(
        [p for p in plan.problems if not MO_PROBLEMS.unavailable(p)],
        plan.optimizers,
        plan.budgets,
        plan.seeds,
    )
    store = RawStore(opts.raw(SUITE), ("problem", "optimizer", "seed", "budget"), fresh=opts.fresh)
    execute(plan, opts, store, [o for o in plan.optimizers if o not in reasons])
    return analyse(plan, store, reasons, opts).write(opts.out(SUITE, "md"), PACKAGES)
