"""Multi-fidelity suite: asynchronous workers on a virtual clock, methods that may prune.

Metric: best validation error (LCBench: any epoch; MF-Hartmann: full fidelity only)
against cumulative simulated time (anytime regret at fractions of the budget T), and
issue #5's target (:mod:`bench.suites.mf_target`): the survival-median time to reach
Optuna TPE + Hyperband's median final incumbent, its ratio to Optuna's own time and the
speed-up over random search without pruning to that same target.
"""

from __future__ import annotations

import math
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.optimizers import MF_METHODS
from bench.problems import MF_PROBLEMS
from bench.rawstore import RawStore, Record
from bench.report import Report, hypersearch_version, plot_series, provenance
from bench.simulator import Trace, simulate
from bench.stats import fmt, mean_ranks, wilcoxon_paired
from bench.suites.common import SuiteOptions, log, quiet_warnings, rotate, run_tasks
from bench.suites.mf_target import (
    BASELINE,
    HALF_TIME_RATIO,
    RANDOM_SPEEDUP,
    REFERENCE,
    Speedup,
    median_speedup,
    median_time,
    speedup,
    survival_median,
)

SUITE = "multifidelity"
FULL_PROBLEMS = ["lcbench-*", "mfh*"]
QUICK_PROBLEMS = ["lcbench-167168", "mfh3-bad"]
FRACTIONS = (0.25, 0.5, 1.0)
ANYTIME = (0.1, 0.25, 0.5, 1.0)
# Methods simulated past T (multiples of T), so that their time to issue #5's target is
# measured rather than censored at T: random search without pruning is cheap to run and
# usually needs more than T to reach the reference's final value.  Everything else about
# these runs (regret at fractions of T, final incumbent) is still read at times <= T.
HORIZON = {BASELINE: 4.0}
BIG = 1e300  # stands for "no incumbent yet" / "target never reached" in order statistics
PACKAGES = ("hypersearch", "optuna", "smac", "yahpo-gym", "onnxruntime", "ConfigSpace")


@dataclass(frozen=True)
class Plan:
    problems: list[str]
    methods: list[str]
    seeds: list[int]
    workers: int
    full_equivalents: int


@dataclass(frozen=True)
class Task:
    problem: str
    method: str
    seed: int
    workers: int
    full_equivalents: int


def make_plan(opts: SuiteOptions) -> Plan:
    problems = MF_PROBLEMS.select(
        opts.problems or (QUICK_PROBLEMS if opts.quick else FULL_PROBLEMS)
    )
    default = [n for n in MF_METHODS.names() if "ablation" not in MF_METHODS.get(n).tags]
    methods = MF_METHODS.select(opts.methods) if opts.methods else default
    n_seeds = opts.seeds or (1 if opts.quick else 10)
    equivalents = (opts.budgets or [8 if opts.quick else 100])[0]
    return Plan(problems, methods, list(range(n_seeds)), opts.workers, equivalents)


def run_task(task: Task) -> Record:
    quiet_warnings()
    rec: Record = {
        "suite": SUITE,
        "problem": task.problem,
        "method": task.method,
        "seed": task.seed,
        "workers": task.workers,
        "full_equivalents": task.full_equivalents,
    }
    rec["hypersearch"] = hypersearch_version()
    try:
        problem = MF_PROBLEMS.make(task.problem, task.seed)
        budget = task.full_equivalents * problem.reference_time() / task.workers
        method = MF_METHODS.make(task.method, problem, task.seed)
        start = time.perf_counter()
        horizon = HORIZON.get(task.method)
        trace = simulate(problem, method, task.workers, budget * (horizon or 1.0))
        rec.update(
            status="ok",
            group=problem.group,
            time_budget=budget,
            horizon=horizon,
            optimum=problem.optimum,
            reference=problem.reference_value(),
            times=trace.times,
            best=trace.best,
            trials=trace.trials,
            pruned=trace.pruned,
            completed=trace.completed,
            epochs=trace.epochs,
            method_seconds=trace.method_seconds,
            seconds=time.perf_counter() - start,
        )
    except Exception as exc:  # noqa: BLE001
        rec.update(status="error", note=f"{type(exc).__name__}: {exc}"[:300])
        log(f"ERROR {task}: {traceback.format_exc(limit=4)}")
    return rec


def _trace(rec: Record) -> Trace:
    return Trace(times=list(rec["times"]), best=list(rec["best"]))


def _order_stat(values: list[float], q: float) -> float:
    """Percentile where inf (never) sorts last instead of poisoning the interpolation."""
    if not values:
        return math.nan
    v = np.percentile(np.minimum(np.asarray(values, dtype=float), BIG), q)
    return math.inf if v >= BIG / 10 else float(v)


def _cell(values: list[float], digits: int = 3) -> str:
    med, lo, hi = (_order_stat(values, q) for q in (50, 25, 75))
    return f"{_fmt_inf(med, digits)} [{_fmt_inf(lo, digits)}, {_fmt_inf(hi, digits)}]"


def _fmt_inf(v: float, digits: int = 3) -> str:
    return "none" if v == math.inf else fmt(v, digits)


class Results:
    """Normalised regrets and times-to-target from the stored records of one plan."""

    def __init__(self, plan: Plan, records: list[Record]) -> None:
        self.plan = plan
        self.recs = {(r["problem"], r["method"], r["seed"]): r for r in records}
        self.lo: dict[str, float] = {}
        for r in records:
            known = r.get("optimum")
            self.lo[r["problem"]] = (
                known if known is not None else min(self.lo.get(r["problem"], math.inf), final(r))
            )
        self.reference = REFERENCE if REFERENCE in plan.methods else plan.methods[0]
        self.target: dict[str, float] = {}
        for p in plan.problems:
            ref = [final(r) for r in self.runs(self.reference, p)]
            self.target[p] = _order_stat(ref, 50) if ref else math.nan

    def get(self, problem: str, method: str, seed: int) -> Record | None:
        return self.recs.get((problem, method, seed))

    def regret(self, rec: Record, fraction: float) -> float:
        best = _trace(rec).best_at(fraction * rec["time_budget"])
        if best == math.inf:
            return math.inf
        scale = rec["reference"] - self.lo[rec["problem"]]
        return max(best - self.lo[rec["problem"]], 0.0) / (scale if scale > 0 else 1e-12)

    def time_to_target(self, rec: Record) -> float:
        """Fraction of the time budget at which the problem's target was reached (inf = never)."""
        target = self.target[rec["problem"]]
        if math.isnan(target):
            return math.inf
        t = _trace(rec).time_to(target)
        return t / rec["time_budget"] if t != math.inf else math.inf

    def t_target(self, method: str, problem: str) -> float:
        """Survival-median time-to-target of a method's runs (NaN: no runs)."""
        return survival_median([self.time_to_target(r) for r in self.runs(method, problem)])

    def reached(self, method: str, problem: str) -> str:
        runs = self.runs(method, problem)
        hits = sum(math.isfinite(self.time_to_target(r)) for r in runs)
        return f"{hits}/{len(runs)}"

    def vs_reference(self, method: str, problem: str) -> Speedup:
        return speedup(self.t_target(self.reference, problem), self.t_target(method, problem))

    def vs_random(self, method: str, problem: str) -> Speedup:
        return speedup(
            self.t_target(BASELINE, problem),
            self.t_target(method, problem),
            HORIZON.get(BASELINE, 1.0),
        )

    def runs(self, method: str, problem: str | None = None) -> list[Record]:
        return [
            r
            for (p, m, _), r in self.recs.items()
            if m == method and (problem is None or p == problem)
        ]


def final(rec: Record) -> float:
    """A run's incumbent at the end of its budget (inf: no eligible report)."""
    return _trace(rec).best_at(rec["time_budget"])


def problem_group(problem: str) -> str:
    """lcbench, mfh-good or mfh-bad: problems whose low fidelities behave alike."""
    if problem.startswith("mfh"):
        return "mfh-" + problem.rsplit("-", 1)[-1]
    return problem.split("-", 1)[0]


def analyse(plan: Plan, store: RawStore, reasons: dict[str, str], opts: SuiteOptions) -> Report:
    records = [
        r
        for r in store.records.values()
        if r.get("status") == "ok"
        and r["problem"] in plan.problems
        and r["method"] in plan.methods
        and r["seed"] in plan.seeds
        and r["workers"] == plan.workers
        and r["full_equivalents"] == plan.full_equivalents
        and r.get("horizon") == HORIZON.get(r["method"])
    ]
    res = Results(plan, records)
    rep = Report(
        f"Multi-fidelity suite{' (quick)' if opts.quick else ''}: "
        "asynchronous workers, simulated time"
    )
    rep.text(
        f"Problems: {', '.join(plan.problems)}.  {plan.workers} asynchronous workers; time budget "
        f"T = {plan.full_equivalents} x (median full-training time of a random configuration) / "
        f"{plan.workers}, i.e. the workers could fully train {plan.full_equivalents} random "
        f"configurations.  Seeds: {len(plan.seeds)}.  Normalised regret = (incumbent - best "
        "known) / (median final error of random configurations - best known); best known = the "
        "Hartmann optimum (MF-Hartmann) or the best value any run reached (LCBench).  The "
        "incumbent counts any epoch on LCBench and only full-fidelity results on MF-Hartmann.  "
        "Methods' own CPU time does not advance the simulated clock."
    )
    rep.text(
        f"Target (issue #5): per problem, A = median over seeds of `{res.reference}`'s final "
        "incumbent.  t_A = survival median of the runs' times to reach A, as a fraction of T: "
        "the first time by which at least half of the seeds got there, i.e. the "
        "ceil(n/2)-th smallest time ('none': fewer than half ever did).  'vs ref' = "
        f"t_A(`{res.reference}`) / t_A(method) (the bar: >= {HALF_TIME_RATIO:g}, half the "
        f"time); 'vs random' = t_A(`{BASELINE}`, no pruning) / t_A(method) (the bar: >= "
        f"{RANDOM_SPEEDUP:g}).  `{BASELINE}` runs on to "
        f"{HORIZON.get(BASELINE, 1.0):g} T so that its t_A is measured (its trials/run and "
        "CPU count that whole horizon; its regrets are read at fractions of T like the "
        "others'); '>x': its median run did not reach A even then, so only the lower bound "
        "horizon / t_A(method) is known (used as the value in medians)."
    )
    rep.text(provenance(records))
    available = [m for m in plan.methods if m not in reasons]
    rep.table(*_main_table(plan, res, reasons))
    rep.table(*_target_summary(plan, res, available))
    rep.table(*_target_per_problem(plan, res, available))
    rep.table(*_anytime_by_group(plan, res, available))
    rows = []
    for m in plan.methods:
        cells = []
        for p in plan.problems:
            runs = res.runs(m, p)
            if not runs:
                cells.append("n/a")
                continue
            fin = _order_stat([final(r) for r in runs], 50)
            cells.append(f"{_fmt_inf(fin, 4)} (t {_fmt_inf(res.t_target(m, p), 2)})")
        rows.append([m, *cells])
    rep.table(
        "Median final incumbent per problem (t = t_A, survival-median time to A as a fraction "
        "of T)",
        ["method", *plan.problems],
        rows,
        "Values are validation errors (LCBench, 1 - accuracy) or Hartmann values (MF-Hartmann).",
    )
    rep.table(*_wilcoxon(plan, res, reasons))
    ablations = _ablations(plan, res, available)
    if ablations[2]:
        rep.table(*ablations)
    _plot(plan, res, opts.out(SUITE, "png"))
    return rep


def _main_table(
    plan: Plan, res: Results, reasons: dict[str, str]
) -> tuple[str, list[str], list[list[str]]]:
    rows = []
    for m in plan.methods:
        if m in reasons:
            rows.append([m, "0", *["n/a"] * (len(FRACTIONS) + 4), f"n/a: {reasons[m]}"])
            continue
        runs = res.runs(m)
        cells = [_cell([res.regret(r, f) for r in runs]) for f in FRACTIONS]
        trials = _order_stat([r["trials"] for r in runs], 50)
        pruned = _order_stat([r["pruned"] / max(r["trials"], 1) for r in runs], 50)
        cpu = _order_stat([r["method_seconds"] for r in runs], 50)
        rows.append(
            [
                m,
                str(len(runs)),
                *cells,
                _rank_cell(res, m),
                fmt(trials),
                fmt(100 * pruned, 2),
                fmt(cpu),
                "",
            ]
        )
    headers = [
        "method",
        "runs",
        *[f"regret@{int(f * 100)}%T" for f in FRACTIONS],
        "rank@100%T",
        "trials/run",
        "% pruned",
        "method CPU s/run",
        "note",
    ]
    return (
        "Normalised regret of the incumbent at fractions of the time budget (median [IQR])",
        headers,
        rows,
    )


def _target_summary(
    plan: Plan, res: Results, methods: list[str]
) -> tuple[str, list[str], list[list[str]], str]:
    rows = []
    n = len(plan.problems)
    for m in methods:
        times = [res.t_target(m, p) for p in plan.problems]
        refs = [res.vs_reference(m, p) for p in plan.problems]
        rands = [res.vs_random(m, p) for p in plan.problems]
        rows.append(
            [
                m,
                _fmt_inf(median_time(times), 3),
                f"{sum(t <= 1.0 for t in times)}/{n}",
                str(median_speedup(refs)),
                f"{sum(s.value >= HALF_TIME_RATIO for s in refs)}/{n}",
                str(median_speedup(rands)),
                f"{sum(s.value >= RANDOM_SPEEDUP for s in rands)}/{n}",
            ]
        )
    return (
        f"Issue #5 target: time to reach `{res.reference}`'s median final incumbent "
        "(median over problems)",
        [
            "method",
            "t_A / T",
            "problems reached within T",
            "vs ref",
            f"problems >= {HALF_TIME_RATIO:g}x ref",
            "vs random",
            f"problems >= {RANDOM_SPEEDUP:g}x random",
        ],
        rows,
        "Medians over problems of the per-problem figures below; 'none' = 0 (not reached) and "
        "counts as the worst value.",
    )


def _target_per_problem(
    plan: Plan, res: Results, methods: list[str]
) -> tuple[str, list[str], list[list[str]], str]:
    rows = []
    for p in plan.problems:
        cells = []
        for m in methods:
            if not res.runs(m, p):
                cells.append("n/a")
                continue
            cells.append(
                f"{_fmt_inf(res.t_target(m, p), 2)} ({res.reached(m, p)}); "
                f"{res.vs_reference(m, p)}; {res.vs_random(m, p)}"
            )
        rows.append([p, _fmt_inf(res.target[p], 4), *cells])
    return (
        "Issue #5 target per problem: t_A / T (seeds reaching A); vs ref; vs random",
        ["problem", "target A", *methods],
        rows,
        "A cell reads: survival-median time to A as a fraction of T (how many seeds reached A "
        "at all); speed-up over the reference; speed-up over random search without pruning.",
    )


def _anytime_by_group(
    plan: Plan, res: Results, methods: list[str]
) -> tuple[str, list[str], list[list[str]], str]:
    groups = sorted({problem_group(p) for p in plan.problems})
    rows = []
    for m in methods:
        cells = []
        for g in groups:
            runs = [r for r in res.runs(m) if problem_group(r["problem"]) == g]
            if not runs:
                cells.append("n/a")
                continue
            cells.append(
                " / ".join(
                    _fmt_inf(_order_stat([res.regret(r, f) for r in runs], 50), 2) for f in ANYTIME
                )
            )
        rows.append([m, *cells])
    fractions = " / ".join(f"{int(f * 100)}%" for f in ANYTIME)
    return (
        f"Anytime: median normalised regret by problem group at {fractions} of T",
        ["method", *groups],
        rows,
        "Medians over the group's (problem, seed) runs; 'none': the median run had no "
        "incumbent yet (MF-Hartmann counts only full-fidelity results).",
    )


def _rank_cell(res: Results, method: str) -> str:
    blocks = []
    for p in res.plan.problems:
        for s in res.plan.seeds:
            block = {}
            for m in res.plan.methods:
                rec = res.get(p, m, s)
                if rec is not None:
                    block[m] = min(res.regret(rec, 1.0), BIG)
            blocks.append(block)
    return fmt(mean_ranks(blocks).get(method, math.nan))


def _wilcoxon(
    plan: Plan, res: Results, reasons: dict[str, str]
) -> tuple[str, list[str], list[list[str]], str]:
    ours = [m for m in plan.methods if MF_METHODS.get(m).ours and m not in reasons]
    peers = [m for m in plan.methods if not MF_METHODS.get(m).ours and m not in reasons]
    rows = []
    for o in ours:
        for p in peers:
            pairs = [
                (res.get(pr, o, s), res.get(pr, p, s)) for pr in plan.problems for s in plan.seeds
            ]
            pairs = [(a, b) for a, b in pairs if a is not None and b is not None]
            cells = [
                str(
                    wilcoxon_paired(
                        [min(res.regret(a, f), BIG) for a, _ in pairs],
                        [min(res.regret(b, f), BIG) for _, b in pairs],
                    )
                )
                for f in FRACTIONS
            ]
            rows.append([o, p, *cells])
    note = (
        "Paired over (problem, seed) on normalised regret; W/T/L = ours better / tied / "
        "worse; two-sided Wilcoxon signed-rank p."
    )
    if not rows:
        rows = [["n/a", "n/a", *["n/a"] * len(FRACTIONS)]]
        note = (
            "No hypersearch method is available yet ("
            + "; ".join(
                f"{m}: {reasons[m]}"
                for m in plan.methods
                if MF_METHODS.get(m).ours and m in reasons
            )
            + ")."
        )
    headers = ["ours", "peer", *[f"W/T/L, p @{int(f * 100)}%T" for f in FRACTIONS]]
    return ("Ours vs each peer (Wilcoxon signed-rank)", headers, rows, note)


def _ablations(
    plan: Plan, res: Results, methods: list[str]
) -> tuple[str, list[str], list[list[str]], str]:
    """Each ablation variant ``<base>-<suffix>`` against its ``<base>`` method."""
    rows = []
    for v in methods:
        base = v.rsplit("-", 1)[0]
        if "ablation" not in MF_METHODS.get(v).tags or base not in methods:
            continue
        faster = slower = 0
        for p in plan.problems:
            tv, tb = res.t_target(v, p), res.t_target(base, p)
            faster += tv < tb
            slower += tv > tb
        pairs = [
            (res.get(pr, v, s), res.get(pr, base, s)) for pr in plan.problems for s in plan.seeds
        ]
        pairs = [(a, b) for a, b in pairs if a is not None and b is not None]
        cells = [
            str(
                wilcoxon_paired(
                    [min(res.regret(a, f), BIG) for a, _ in pairs],
                    [min(res.regret(b, f), BIG) for _, b in pairs],
                )
            )
            for f in FRACTIONS
        ]
        ties = len(plan.problems) - faster - slower
        rows.append([v, base, f"{faster}/{ties}/{slower}", *cells])
    return (
        "Ablations: each variant vs its base method",
        [
            "variant",
            "base",
            "t_A faster/equal/slower",
            *[f"W/T/L, p @{int(f * 100)}%T" for f in FRACTIONS],
        ],
        rows,
        "t_A compared per problem (survival-median time to A); W/T/L, p as above (variant "
        "better / tied / worse on normalised regret, paired over (problem, seed)).",
    )


def _plot(plan: Plan, res: Results, path: Path) -> None:
    grid = np.linspace(0.02, 1.0, 50)
    panels = {}
    for p in plan.problems:
        series = {}
        for m in plan.methods:
            runs = res.runs(m, p)
            if not runs:
                continue
            curves = np.array([[min(res.regret(r, f), 10.0) for f in grid] for r in runs])
            q = np.percentile(curves, [50, 25, 75], axis=0)
            series[m] = (grid, q[0], q[1], q[2])
        if series:
            panels[p] = series
    if panels:
        plot_series(path, panels, "simulated time / T", "normalised regret (capped at 10)")


def execute(plan: Plan, opts: SuiteOptions, store: RawStore, available: list[str]) -> None:
    tasks = [
        Task(p, m, s, plan.workers, plan.full_equivalents)
        for i, p in enumerate(plan.problems)
        for s in plan.seeds
        for m in rotate(available, i + s)
        if not store.has(
            problem=p,
            method=m,
            seed=s,
            workers=plan.workers,
            full_equivalents=plan.full_equivalents,
            horizon=HORIZON.get(m),
        )
    ]
    log(
        f"{SUITE}: {len(tasks)} runs to do ({len(plan.problems)} problems, {len(available)} "
        f"methods, {len(plan.seeds)} seeds, {plan.workers} workers, jobs {opts.jobs})"
    )
    for done, rec in enumerate(run_tasks(run_task, tasks, opts.jobs), 1):
        store.add(rec)
        log(
            f"{done}/{len(tasks)} {rec['problem']} {rec['method']} s{rec['seed']} {rec['status']} "
            f"trials={rec.get('trials')} {rec.get('seconds', 0):.1f}s"
        )


def run(opts: SuiteOptions) -> Path:
    quiet_warnings()
    plan = make_plan(opts)
    reasons = {m: r for m in plan.methods if (r := MF_METHODS.unavailable(m))}
    missing = {p: r for p in plan.problems if (r := MF_PROBLEMS.unavailable(p))}
    for p, r in missing.items():
        log(f"problem {p} n/a: {r}")
    plan = Plan(
        [p for p in plan.problems if p not in missing],
        plan.methods,
        plan.seeds,
        plan.workers,
        plan.full_equivalents,
    )
    store = RawStore(
        opts.raw(SUITE),
        ("problem", "method", "seed", "workers", "full_equivalents", "horizon"),
        fresh=opts.fresh,
    )
    execute(plan, opts, store, [m for m in plan.methods if m not in reasons])
    return analyse(plan, store, reasons, opts).write(opts.out(SUITE, "md"), PACKAGES)
