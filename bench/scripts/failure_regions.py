"""Samplers on objectives that crash in part of their space: failed trials and regret.

Real tuning spaces crash: a large batch of a wide network runs out of memory, a deep
tree on tiny splits hits the time limit. A sampler that learns nothing from a FAIL trial
keeps proposing the region (it has no data there, so a GP's uncertainty and TPE's
prior both favour it). Each problem here is a strategy-suite task (lower is better, the
value at the last fidelity step) whose objective raises in a region of about a quarter
of the space (``CRASHES``). Every method runs ``--trials`` trials, the failed ones
included, on each seed; all in this one process, paired by seed:

* ``hs-tpe``, ``hs-gp``, ``hs-auto``: hypersearch's defaults (``avoid_failures=True``);
* ``hs-tpe-ignore``, ``hs-gp-ignore``: the same with ``avoid_failures=False``;
* ``optuna-tpe``, ``optuna-gp``: Optuna's samplers with the same seeds.

The table gives per problem the median number of failed trials and the median
normalised regret ``(best - optimum) / (random median - optimum)`` (optimum: the best
value any run found; random median: of uniform configurations, the suite's reference),
then paired Wilcoxon tests (W/T/L = the first better / equal / worse).

    OMP_NUM_THREADS=1 python bench/scripts/failure_regions.py --seeds 20 \\
        --out bench/results/failure-regions.md
"""

from __future__ import annotations

import argparse
import math
import platform
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[2]))

from bench.optimizers.optuna_like import load_library, suggest_all  # noqa: E402
from bench.space import Cat, Params, Space  # noqa: E402
from bench.stats import wilcoxon_paired  # noqa: E402
from bench.suites.strategy_problems import TASKS  # noqa: E402


def _unit(space: Space, name: str, value: object) -> float:
    """Where ``value`` lies in its parameter's range, 0..1 (in log scale for log ones)."""
    p = next(q for q in space.params if q.name == name)
    assert not isinstance(p, Cat)
    x = float(value)  # type: ignore[arg-type]
    if p.log:
        return (math.log(x) - math.log(p.low)) / (math.log(p.high) - math.log(p.low))
    return (x - p.low) / (p.high - p.low)


# problem -> (story, crash rule on the unit-scaled parameters)
CRASHES: dict[str, tuple[str, Callable[[Callable[[str], float]], bool]]] = {
    "lcbench-3945": (
        "out of memory: u(batch_size) + u(max_units) > 1.25",
        lambda u: u("batch_size") + u("max_units") > 1.25,
    ),
    "hpolib-naval_propulsion": (
        "out of memory: batch_size >= 2 of 0-3 and n_units_1 >= 3 of 0-5",
        lambda u: u("batch_size") >= 2 / 3 and u("n_units_1") >= 3 / 5,
    ),
    "yahpo-rpart-41138": (
        "time limit: u(maxdepth) > 0.55 and u(minsplit) < 0.5",
        lambda u: u("maxdepth") > 0.55 and u("minsplit") < 0.5,
    ),
    "yahpo-glmnet-40981": (
        "diverges: u(s) < 0.3 (log scale)",
        lambda u: u("s") < 0.3,
    ),
    "mfh3-bad": (
        "out of memory: x0 + x1 > 1.25",
        lambda u: u("x0") + u("x1") > 1.25,
    ),
}


class Crash(RuntimeError):
    """The objective's failure in its crash region."""


def make_objective(problem: str, seed: int) -> tuple[Callable[[Any], float], float]:
    """The crashing objective of ``problem`` and its random-median reference value."""
    task = TASKS.make(problem, seed)
    _, crashes = CRASHES[problem]

    def objective(trial: Any) -> float:
        params: Params = suggest_all(trial, task.space)
        if crashes(lambda name: _unit(task.space, name, params[name])):
            raise Crash("out of memory")
        values, _ = task.curve(params)
        return float(values[-1])

    return objective, task.reference_value()


def _sampler(method: str, seed: int) -> tuple[str, Any]:
    library = "optuna" if method.startswith("optuna") else "hypersearch"
    lib = load_library(library)
    kind = method.split("-")[1]
    if kind == "auto":
        return library, lib.samplers.AutoSampler(seed=seed)
    kw: dict[str, Any] = {"seed": seed}
    if method.endswith("-ignore"):
        kw["avoid_failures"] = False
    cls = lib.samplers.TPESampler if kind == "tpe" else lib.samplers.GPSampler
    return library, cls(**kw)


METHODS = ("hs-tpe", "hs-tpe-ignore", "hs-gp", "hs-gp-ignore", "hs-auto", "optuna-tpe", "optuna-gp")
PAIRS = (
    ("hs-tpe", "hs-tpe-ignore"),
    ("hs-gp", "hs-gp-ignore"),
    ("hs-tpe", "optuna-tpe"),
    ("hs-gp", "optuna-gp"),
    ("hs-auto", "optuna-tpe"),
)


def run_one(problem: str, method: str, seed: int, n_trials: int) -> tuple[int, float]:
    """(failed trials, best value) of one run."""
    objective, _ = make_objective(problem, seed)
    library, sampler = _sampler(method, seed)
    lib = load_library(library)
    study = lib.create_study(sampler=sampler)
    kwargs = {"diagnose": False} if library == "hypersearch" else {}
    study.optimize(objective, n_trials=n_trials, catch=(Crash,), **kwargs)
    failed = sum(t.state.name == "FAIL" for t in study.trials)
    complete = [t.value for t in study.trials if t.state.name == "COMPLETE"]
    return failed, min(complete) if complete else math.inf


def report(results: dict[tuple[str, str, int], tuple[int, float]], args: argparse.Namespace) -> str:
    lines = [
        "# Samplers on objectives that crash in part of their space",
        "",
        f"_Generated {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by "
        f"`bench/scripts/failure_regions.py --seeds {args.seeds} --trials {args.trials}`; "
        f"Python {platform.python_version()}; one process, paired by seed._",
        "",
        "Crash regions (the objective raises there; the trial is FAIL):",
        "",
    ]
    lines += [f"- `{p}`: {CRASHES[p][0]}" for p in args.problems]
    lines += [
        "",
        f"### Median failed trials of {args.trials} / median normalised regret (lower is better)",
        "",
        "| problem | " + " | ".join(METHODS) + " |",
        "|---" * (len(METHODS) + 1) + "|",
    ]
    regrets: dict[tuple[str, str], np.ndarray] = {}
    for problem in args.problems:
        _, ref = make_objective(problem, 0)
        best = min(results[(problem, m, s)][1] for m in METHODS for s in range(args.seeds))
        scale = max(ref - best, 1e-12)
        cells = []
        for m in METHODS:
            runs = [results[(problem, m, s)] for s in range(args.seeds)]
            regret = np.array([(b - best) / scale for _, b in runs])
            regrets[(problem, m)] = regret
            cells.append(f"{np.median([f for f, _ in runs]):g} / {np.median(regret):.3g}")
        lines.append(f"| {problem} | " + " | ".join(cells) + " |")
    lines += ["", "### Paired by seed: W/T/L, p (Wilcoxon), regret", ""]
    lines += ["| problem | " + " | ".join(f"{a} vs {b}" for a, b in PAIRS) + " |"]
    lines += ["|---" * (len(PAIRS) + 1) + "|"]
    for problem in args.problems:
        cells = []
        for a, b in PAIRS:
            cells.append(str(wilcoxon_paired(regrets[(problem, a)], regrets[(problem, b)])))
        lines.append(f"| {problem} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--problems", default=",".join(CRASHES))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    args.problems = args.problems.split(",")
    warnings.filterwarnings("ignore")
    results = {}
    for problem in args.problems:
        for seed in range(args.seeds):
            for method in METHODS:
                results[(problem, method, seed)] = run_one(problem, method, seed, args.trials)
        print(f"[{time.strftime('%H:%M:%S')}] {problem} done", file=sys.stderr, flush=True)
    text = report(results, args)
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
