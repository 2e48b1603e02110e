"""Pitfalls suite, the seeds part (#16): does picking by the mean over seeds pick better?

On a noisy objective, a search's best single run is often a lucky draw (the
winner's curse). Per run (seed r): TPE (seed r) searches ``N`` trials; then

* **single@N**: ``study.best_trial`` (the best single run), as Optuna picks;
* **mean5@N+20**: ``study.reevaluate(top_k=5, n_seeds=5)`` reruns the 5 best
  configurations with 4 new seeds each (20 more trials), and
  ``study.best_trial_by("mean")`` picks the best mean;
* **single@N+20**: the same 20 trials spent on searching longer instead (the
  honest alternative at equal cost), then the best single run.

Each pick is scored by its *true* score: the noise-free value (synthetic
problems) or the mean over 50 fixed splits never used by the search
(scikit-learn). Paired over runs, two-sided Wilcoxon signed-rank.

Problems: ``branin-noise1`` / ``branin-noise3`` (Branin plus N(0, sd^2) noise drawn
from ``trial.seed``, sd 1 and 3; minimum 0.398) and ``svc-cancer`` (an RBF SVC on
scikit-learn's breast-cancer data, error rate on a random 30% validation split drawn
from ``trial.seed``; ``C`` and ``gamma`` on log scales).

The budget part: the PyTorch example (``examples/pytorch_cpu_pruning.py``) under
promotion ASHA, one worker: the time the objective actually ran (summed from inside
it), against ``study.budget().trial_time`` (paused waits left out) and the old
start-to-finish sum that counted them.

    PYTHONPATH=. OMP_NUM_THREADS=1 nice -n 5 python -m bench pitfalls --part seeds [--seeds 20] [--quick]
"""

from __future__ import annotations

import fnmatch
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench.report import Report
from bench.stats import fmt, fmt_quartiles, wilcoxon_paired
from bench.suites.common import SuiteOptions, log, quiet_warnings

PART = "seeds"  # python -m bench pitfalls --part seeds
SUITE = "pitfalls-seeds"  # the results file's name
PACKAGES = ("hypersearch", "scikit-learn", "scipy", "torch")
TOP_K, N_SEEDS = 5, 5
TRUE_SPLITS = 50  # the many-seed estimate of an SVC configuration's true error


@dataclass(frozen=True)
class Problem:
    name: str
    space: Callable[[Any], dict[str, float]]  # trial -> params (suggests them)
    noisy: Callable[[dict[str, float], int], float]  # (params, seed) -> observed value
    true: Callable[[dict[str, float]], float]  # params -> true value (lower is better)
    note: str


def _branin(x: float, y: float) -> float:
    a, b, c = 1.0, 5.1 / (4 * math.pi**2), 5 / math.pi
    return a * (y - b * x**2 + c * x - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x) + 10


def _branin_space(trial: Any) -> dict[str, float]:
    return {"x": trial.suggest_float("x", -5, 10), "y": trial.suggest_float("y", 0, 15)}


def _branin_problem(sd: float) -> Problem:
    def noisy(p: dict[str, float], seed: int) -> float:
        return _branin(p["x"], p["y"]) + sd * float(np.random.default_rng(seed).normal())

    return Problem(
        f"branin-noise{sd:g}",
        _branin_space,
        noisy,
        lambda p: _branin(p["x"], p["y"]),
        f"Branin + N(0, {sd:g}^2); true = noise-free",
    )


_CANCER: tuple[np.ndarray, np.ndarray] | None = None
_TRUE_CACHE: dict[tuple[float, float], float] = {}


def _cancer() -> tuple[np.ndarray, np.ndarray]:
    global _CANCER
    if _CANCER is None:
        from sklearn.datasets import load_breast_cancer
        from sklearn.preprocessing import StandardScaler

        x, y = load_breast_cancer(return_X_y=True)
        _CANCER = StandardScaler().fit_transform(x), y
    return _CANCER


def _svc_error(p: dict[str, float], split_seed: int) -> float:
    from sklearn.model_selection import train_test_split
    from sklearn.svm import SVC

    x, y = _cancer()
    xf, xv, yf, yv = train_test_split(x, y, test_size=0.3, stratify=y, random_state=split_seed)
    return 1.0 - float(SVC(C=p["C"], gamma=p["gamma"]).fit(xf, yf).score(xv, yv))


def _svc_true(p: dict[str, float]) -> float:
    key = (p["C"], p["gamma"])
    if key not in _TRUE_CACHE:  # splits 10**6 + i: never a seed the search draws from
        errors = [_svc_error(p, 10**6 + i) for i in range(TRUE_SPLITS)]
        _TRUE_CACHE[key] = float(np.mean(errors))
    return _TRUE_CACHE[key]


PROBLEMS = {
    "branin-noise1": _branin_problem(1.0),
    "branin-noise3": _branin_problem(3.0),
    "svc-cancer": Problem(
        "svc-cancer",
        lambda t: {
            "C": t.suggest_float("C", 1e-2, 1e3, log=True),
            "gamma": t.suggest_float("gamma", 1e-5, 1.0, log=True),
        },
        lambda p, seed: _svc_error(p, seed % (2**31 - 1)),
        _svc_true,
        f"RBF SVC, breast cancer; observed = error on a random 30% split; true = mean over {TRUE_SPLITS} other splits",
    ),
}


def _objective(problem: Problem) -> Callable[[Any], float]:
    def objective(trial: Any) -> float:
        return problem.noisy(problem.space(trial), trial.seed)

    return objective


def one_run(problem: Problem, seed: int, n_trials: int) -> dict[str, float]:
    """The three picks of one run and their true scores, with the cost of each."""
    import hypersearch as hs

    objective = _objective(problem)
    study = hs.create_study(sampler=hs.samplers.TPESampler(seed=seed))
    start = time.perf_counter()
    study.optimize(objective, n_trials=n_trials)
    search_s = time.perf_counter() - start
    single = study.best_trial.params
    start = time.perf_counter()
    study.reevaluate(objective, top_k=TOP_K, n_seeds=N_SEEDS)
    reeval_s = time.perf_counter() - start
    extra = len(study.trials) - n_trials
    by_mean = study.best_trial_by("mean").params
    longer = hs.create_study(sampler=hs.samplers.TPESampler(seed=seed))
    longer.optimize(objective, n_trials=n_trials + extra)  # same first N trials, then 20 more
    return {
        "single": problem.true(dict(single)),
        "mean": problem.true(dict(by_mean)),
        "longer": problem.true(dict(longer.best_trial.params)),
        "same_pick": float(single == by_mean),
        "extra_trials": float(extra),
        "extra_time": reeval_s / search_s,
    }


def budget_check(trials: int, epochs: int) -> dict[str, float]:
    """The ASHA example: objective time measured inside it against what the budget reports."""
    import importlib.util

    import hypersearch as hs
    from bench._env import REPO_ROOT
    from hypersearch.schedulers import ASHAScheduler, optimize_asha

    spec = importlib.util.spec_from_file_location(
        "pytorch_cpu_pruning", REPO_ROOT / "examples" / "pytorch_cpu_pruning.py"
    )
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    import torch

    torch.set_num_threads(1)
    inner = example.make_objective(example.load(0), epochs)
    worked = [0.0]

    def timed(trial: Any) -> float:
        start = time.perf_counter()
        try:
            return float(inner(trial))
        finally:
            worked[0] += time.perf_counter() - start

    study = hs.create_study(
        direction="maximize",
        sampler=hs.samplers.TPESampler(seed=0),
        pruner=ASHAScheduler(max_resource=epochs, min_resource=1, reduction_factor=3),
    )
    start = time.perf_counter()
    optimize_asha(study, timed, n_trials=trials)
    wall = time.perf_counter() - start
    budget = study.budget()
    durations = sum(t.duration.total_seconds() for t in study.trials if t.duration is not None)
    return {
        "wall": wall,
        "worked": worked[0],
        "reported": budget.trial_time.total_seconds(),
        "old": durations,
        "paused": budget.paused_time.total_seconds(),
        "n_paused": float(sum(1 for t in study.trials if "active_time" in t.system_attrs)),
    }


def run(opts: SuiteOptions) -> Any:
    quiet_warnings()
    import hypersearch as hs

    hs.logging.set_verbosity(hs.logging.WARNING)
    seeds = opts.seeds or (1 if opts.quick else 20)
    n_trials = 12 if opts.quick else 40
    names = [n for n in PROBLEMS if not opts.problems or _match(n, opts.problems)]
    if opts.quick:
        names = names[:1]
    load = _load()
    report = Report("Pitfalls: picking by the mean over seeds, and the budget of paused trials")
    report.text(__doc__.split("\n\n")[0] + "\n\n" + "\n\n".join(__doc__.split("\n\n")[1:4]))
    rows, cost_rows = [], []
    for name in names:
        problem = PROBLEMS[name]
        results = []
        for seed in range(seeds):
            log(f"{SUITE}: {name} seed {seed}")
            results.append(one_run(problem, seed, n_trials))
        rows += _rows(name, results)
        cost_rows.append(_cost_row(name, results, n_trials))
    report.table(
        f"True score of the pick ({seeds} runs, {n_trials} search trials; lower is better)",
        ["problem", "pick", "median [q25, q75]", "vs single@N (W/T/L, p)", "vs single@N+20"],
        rows,
        note="W/T/L counts runs where the row's pick is truly better / equal / worse; "
        "p: two-sided paired Wilcoxon signed-rank.",
    )
    report.table(
        "Extra cost of the re-evaluation",
        ["problem", "extra trials", "extra trials / N", "extra time / search time", "same pick"],
        cost_rows,
        note="Extra time: wall time of reevaluate() over that of the N-trial search "
        "(TPE's own cost is part of the search's).",
    )
    trials, epochs = (4, 3) if opts.quick else (12, 9)
    log(f"{SUITE}: ASHA budget check ({trials} trials x {epochs} epochs)")
    b = budget_check(trials, epochs)
    report.table(
        f"Budget under promotion ASHA (examples/pytorch_cpu_pruning.py, {trials} trials x {epochs} epochs, 1 worker)",
        ["measure", "seconds", "ratio to the objective's own time"],
        [
            ["objective's own time (timed inside it)", fmt(b["worked"]), "1"],
            ["budget().trial_time (active intervals)", fmt(b["reported"]), fmt(b["reported"] / b["worked"])],
            ["start-to-finish sum (before: waits counted)", fmt(b["old"]), fmt(b["old"] / b["worked"])],
            ["optimize wall time", fmt(b["wall"]), fmt(b["wall"] / b["worked"])],
            ["paused time left out", fmt(b["paused"]), f"{int(b['n_paused'])} trials paused"],
        ],
        note="trial_time also holds the run loop's work around the objective (sampling, "
        "storage writes, checkpoint copies): the residual over the objective's own time.",
    )  # fmt: skip
    report.text(
        f"Machine load (1/5/15-min load averages; 2 cores, shared): {load} at the start, "
        f"{_load()} at the end."
    )
    report.text(
        f"Command: `PYTHONPATH=. OMP_NUM_THREADS=1 nice -n 5 python -m bench pitfalls --part {PART}"
        f"{' --quick' if opts.quick else ''} --seeds {seeds}`"
    )
    return report.write(opts.out(SUITE, "md"), PACKAGES)


def _rows(name: str, results: list[dict[str, float]]) -> list[list[str]]:
    single = [r["single"] for r in results]
    longer = [r["longer"] for r in results]
    rows = []
    for pick, label in (("single", "single@N"), ("mean", "mean5@N+20"), ("longer", "single@N+20")):
        values = [r[pick] for r in results]
        vs_single = "" if pick == "single" else str(wilcoxon_paired(values, single))
        vs_longer = "" if pick != "mean" else str(wilcoxon_paired(values, longer))
        rows.append([name, label, fmt_quartiles(values, 4), vs_single, vs_longer])
    return rows


def _cost_row(name: str, results: list[dict[str, float]], n_trials: int) -> list[str]:
    extra = float(np.mean([r["extra_trials"] for r in results]))
    same = int(sum(r["same_pick"] for r in results))
    return [
        name,
        fmt(extra),
        fmt(extra / n_trials),
        fmt_quartiles([r["extra_time"] for r in results]),
        f"{same} of {len(results)}",
    ]


def _match(name: str, patterns: list[str]) -> bool:
    globs = [p.strip() for item in patterns for p in item.split(",") if p.strip()]
    return any(fnmatch.fnmatch(name, g) for g in globs)


def _load() -> str:
    try:
        return ", ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "n/a"
