"""Cost-aware search (issue #17): plain EI against EI per unit cost with cost cooling.

Per problem (``bench/problems/costed.py``) the budget ``B`` is ``TRIAL_EQUIV`` times the
median cost of a random configuration; every run spends up to ``HORIZON x B``
(``optimize(budget_cost=HORIZON * B)``, at most ``MAX_TRIALS`` trials) so that the cost to
reach a target is measured past ``B``. The cost-aware samplers cool over ``B``
(``cost_budget=B``); cost-aware TPE also drops the cost while its trials show that the
costly ones are the good ones (``hypersearch/samplers/_cost/_pitfall.py``). The trial's simulated cost is
its ``cost`` user attribute; the samplers' own CPU time is not added (reported apart;
without the end-of-run diagnostics).

* target = the median over seeds of plain EI's best value within ``B``;
* a run's cost to target = its summed cost when its best first reaches the target
  (``inf``: not within ``HORIZON x B``); a method's = the survival median over seeds (the
  ``ceil(n/2)``-th smallest, as in ``mf_target``); ratio = cost-aware / plain;
* best value within ``B``: per seed, paired Wilcoxon (two-sided) of cost-aware vs plain;
  the per-seed costs to target likewise (``inf`` ranks above every finite cost).
"""

from __future__ import annotations

import math
import os
import subprocess
import time
from typing import Any

import numpy as np

from bench.optimizers.optuna_like import suggest_all
from bench.problems.costed import COSTED, needs_yahpo
from bench.rawstore import RawStore
from bench.report import Report
from bench.stats import PairedTest, fmt, wilcoxon_paired
from bench.suites.common import SuiteOptions, log, quiet_warnings, rotate, run_tasks
from bench.suites.mf_target import survival_median

SUITE = "cost-aware"
TRIAL_EQUIV = 50
HORIZON = 2.0
MAX_TRIALS = 250
PAIRS = (("gp-cost", "gp"), ("tpe-cost", "tpe"), ("auto", "gp"))
METHODS = ("gp", "gp-cost", "tpe", "tpe-cost", "auto")
# The AutoSampler decides by measured time, so its trials take real time: the median random
# configuration sleeps this long (the full GP's level; its cost attribute is as the others').
AUTO_MEDIAN_TRIAL_S = 0.2
QUICK_PROBLEMS = ("branin-cost30",)
SPREAD_BAR = 10.0  # "when costs vary 10x or more across the space" (p90/p10)
RATIO_BAR = 0.7  # "... reaches the target in at most 0.7x the total cost of plain EI"


def make_sampler(method: str, seed: int, budget: float) -> Any:
    import hypersearch as hs

    if method == "auto":
        return hs.samplers.AutoSampler(seed=seed)
    aware = method.endswith("-cost")
    extra: dict[str, Any] = {"cost_aware": True, "cost_budget": budget} if aware else {}
    if method.startswith("gp"):
        return hs.samplers.GPSampler(seed=seed, **extra)
    return hs.samplers.TPESampler(seed=seed, **extra)


def run_one(task: tuple[str, str, int, float]) -> dict[str, Any]:
    """One study: (problem, method, seed, max trials factor) -> its costs and values."""
    quiet_warnings()
    import hypersearch as hs

    hs.logging.set_verbosity(hs.logging.WARNING)
    name, method, seed, scale = task
    problem = COSTED[name]()
    median_cost, spread = problem.cost_profile()
    budget = TRIAL_EQUIV * scale * median_cost

    def objective(trial: Any) -> float:
        value, cost = problem(suggest_all(trial, problem.space))
        trial.set_user_attr("cost", cost)
        if method == "auto":
            time.sleep(AUTO_MEDIAN_TRIAL_S * cost / median_cost)
        return value

    study = hs.create_study(sampler=make_sampler(method, seed, budget))
    start = time.process_time()
    study.optimize(
        objective,
        n_trials=int(MAX_TRIALS * scale),
        budget_cost=HORIZON * budget,
        diagnose=False,  # its checkpoints' CPU time is no part of the samplers' own
    )
    trials = study.get_trials(states=[hs.TrialState.COMPLETE])
    chosen = [r["sampler"] for r in study.system_attrs.get(hs._keys.AUTO_CHOICES, [])]
    return {
        "chosen": chosen,
        "problem": name,
        "method": method,
        "seed": seed,
        "status": "ok",
        "budget": budget,
        "spread": spread,
        "costs": [t.user_attrs["cost"] for t in trials],
        "values": [t.value for t in trials],
        "cpu_s": time.process_time() - start,
    }


def best_within(rec: dict[str, Any], budget: float) -> float:
    """The best value among the trials started before ``budget`` was spent."""
    spent = np.cumsum(rec["costs"])
    before = np.r_[0.0, spent[:-1]] < budget
    values = np.asarray(rec["values"], dtype=float)[before]
    return float(values.min()) if len(values) else math.inf


def cost_to(rec: dict[str, Any], target: float) -> float:
    """Summed cost when the run's best first reaches ``target`` (inf: never)."""
    spent = np.cumsum(rec["costs"])
    hit = np.flatnonzero(np.asarray(rec["values"], dtype=float) <= target)
    return float(spent[hit[0]]) if len(hit) else math.inf


def _problems(opts: SuiteOptions) -> list[str]:
    if opts.problems:
        globs = [g for item in opts.problems for g in item.split(",")]
        import fnmatch

        return [n for n in COSTED if any(fnmatch.fnmatch(n, g) for g in globs)]
    if opts.quick:
        return list(QUICK_PROBLEMS)
    return list(COSTED)


def _methods(opts: SuiteOptions) -> list[str]:
    if not opts.methods:
        return list(METHODS)
    globs = [g for item in opts.methods for g in item.split(",")]
    import fnmatch

    return [m for m in METHODS if any(fnmatch.fnmatch(m, g) for g in globs)]


def _yahpo_ready() -> str | None:
    from bench.problems.yahpo import data_probe

    try:
        import yahpo_gym  # noqa: F401
    except ImportError:
        return "yahpo-gym not installed"
    return data_probe()


def run(opts: SuiteOptions) -> Any:
    problems = _problems(opts)
    missing = _yahpo_ready() if any(needs_yahpo(p) for p in problems) else None
    if missing:
        log(f"skipping YAHPO problems: {missing}")
        problems = [p for p in problems if not needs_yahpo(p)]
    methods = _methods(opts)
    seeds = opts.seeds or (1 if opts.quick else 10)
    scale = 0.4 if opts.quick else 1.0
    store = RawStore(opts.raw(SUITE), ("problem", "method", "seed"), fresh=opts.fresh)
    tasks = [
        (p, m, s, scale)
        for s in range(seeds)
        for p in problems
        for m in rotate(methods, s)
        if not store.has(problem=p, method=m, seed=s)
    ]
    log(
        f"{len(tasks)} runs to do ({len(problems)} problems x {len(methods)} methods x {seeds} seeds)"
    )
    for i, rec in enumerate(run_tasks(run_one, tasks, opts.jobs), 1):
        store.add(rec)
        log(
            f"{i}/{len(tasks)} {rec['problem']} {rec['method']} seed {rec['seed']}: "
            f"{len(rec['values'])} trials, {rec['cpu_s']:.1f} s CPU"
        )
    return write_report(opts, store, problems, methods, seeds)


def _pair_rows(
    store: RawStore, problems: list[str], ours: str, plain: str, seeds: int
) -> list[list[object]]:
    rows: list[list[object]] = []
    for p in problems:
        a = {r["seed"]: r for r in store.select(problem=p, method=ours) if r["seed"] < seeds}
        b = {r["seed"]: r for r in store.select(problem=p, method=plain) if r["seed"] < seeds}
        paired = sorted(set(a) & set(b))
        if not paired:
            continue
        budget, spread = b[paired[0]]["budget"], b[paired[0]]["spread"]
        best_a = np.array([best_within(a[s], budget) for s in paired])
        best_b = np.array([best_within(b[s], budget) for s in paired])
        target = float(np.median(best_b))
        cost_a = [cost_to(a[s], target) for s in paired]
        cost_b = [cost_to(b[s], target) for s in paired]
        med_a, med_b = survival_median(cost_a), survival_median(cost_b)
        ratio = med_a / med_b if math.isfinite(med_b) and med_b > 0 else math.nan
        big = 10.0 * HORIZON * budget  # "never" ranks above every finite cost
        cost_test = wilcoxon_paired(np.minimum(cost_a, big), np.minimum(cost_b, big))
        best_test = wilcoxon_paired(best_a, best_b)
        rows.append(
            [
                p,
                f"{spread:.1f}x",
                f"{target:.4g}",
                _cost_cell(med_b, budget),
                _cost_cell(med_a, budget),
                "n/a" if math.isnan(ratio) else f"{ratio:.2f}x",
                str(cost_test),
                f"{fmt(float(np.median(best_b)), 4)} / {fmt(float(np.median(best_a)), 4)}",
                str(best_test),
                f"{_mean_trials(b, paired):.0f} / {_mean_trials(a, paired):.0f}",
                f"{_mean_cpu(b, paired):.2f} / {_mean_cpu(a, paired):.2f}",
                _bar(spread, ratio, cost_test, best_test),
            ]
        )
    return rows


def _bar(spread: float, ratio: float, cost_test: PairedTest, best_test: PairedTest) -> str:
    """Issue #17's bar: <= 0.7x the cost where costs vary >= 10x, else no significant loss."""
    if spread >= SPREAD_BAR:
        return "met" if ratio <= RATIO_BAR else "missed"
    worse = [t for t in (cost_test, best_test) if t.p_value < 0.05 and t.losses > t.wins]
    return "no worse: missed" if worse else "no worse: met"


def _cost_cell(cost: float, budget: float) -> str:
    return "never" if not math.isfinite(cost) else f"{cost / budget:.2f} B"


def _mean_trials(recs: dict[int, dict[str, Any]], seeds: list[int]) -> float:
    return float(np.mean([len(recs[s]["values"]) for s in seeds]))


def _mean_cpu(recs: dict[int, dict[str, Any]], seeds: list[int]) -> float:
    return float(np.mean([recs[s]["cpu_s"] for s in seeds]))


HEADERS = [
    "problem",
    "cost p90/p10",
    "target",
    "plain: cost to target",
    "aware: cost to target",
    "ratio aware/plain",
    "cost W/T/L p",
    "best within B (plain / aware)",
    "best W/T/L p",
    "trials (plain / aware)",
    "CPU s (plain / aware)",
    "bar",
]


def write_report(
    opts: SuiteOptions, store: RawStore, problems: list[str], methods: list[str], seeds: int
) -> Any:
    report = Report("Cost-aware search: plain EI vs EI per unit cost with cost cooling")
    load = _uptime()
    report.text(
        f"Command: `python -m bench cost-aware{' --quick' if opts.quick else ''}"
        f"{f' --seeds {seeds}' if opts.seeds else ''}"
        f"{f' --jobs {opts.jobs}' if opts.jobs > 1 else ''}"
        f"{''.join(f' --problems {p!r}' for p in opts.problems)}"
        f"{''.join(f' --methods {m!r}' for m in opts.methods)}"
        f"{f' --tag {opts.tag}' if opts.tag else ''}`. "
        f"Load when the report was written: `{load}` (costs are simulated, so the load "
        "changes only the CPU column).\n\n"
        f"{__doc__.split(chr(10), 2)[2].strip()}\n\n"
        f"B = {TRIAL_EQUIV} x the median random cost; runs go on to {HORIZON:g} B "
        f"(at most {MAX_TRIALS} trials). Costs to target are in units of B. "
        "W/T/L count seeds where the cost-aware sampler is better / equal / worse. Bar "
        f"(issue #17): cost p90/p10 >= {SPREAD_BAR:g}x: ratio <= {RATIO_BAR}x; otherwise "
        "no worse: no significant loss (p < 0.05) on cost to target or best within B.\n\n"
        "`auto` is the AutoSampler (the default sampler), given nothing but the study: its "
        f"trials sleep {AUTO_MEDIAN_TRIAL_S} s x cost / median cost, since it decides by "
        "measured time, and its cooling counts down the budget the run declares, "
        f"``budget_cost = {HORIZON:g} B`` (the fixed samplers' cools over B)."
    )
    for ours, plain in PAIRS:
        if ours in methods and plain in methods:
            rows = _pair_rows(store, problems, ours, plain, seeds)
            report.table(f"{ours} vs {plain}", HEADERS, rows)
    if "auto" in methods:
        report.text(_auto_choices(store, problems, seeds))
    path = report.write(opts.out(SUITE, "md"), packages=("numpy", "scipy"))
    log(f"wrote {path}")
    return path


def _auto_choices(store: RawStore, problems: list[str], seeds: int) -> str:
    """Which samplers the AutoSampler went through, per problem (runs with that sequence)."""
    lines = ["The AutoSampler's choices (sequence: runs):", ""]
    for p in problems:
        runs = [r for r in store.select(problem=p, method="auto") if r["seed"] < seeds]
        counts: dict[str, int] = {}
        for r in runs:
            key = " -> ".join(r.get("chosen", [])) or "n/a"
            counts[key] = counts.get(key, 0) + 1
        listed = "; ".join(f"{k}: {n}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))
        lines.append(f"* {p}: {listed}")
    return "\n".join(lines)


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return f"n/a (os.getloadavg {os.getloadavg()})"
