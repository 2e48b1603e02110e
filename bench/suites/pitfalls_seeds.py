"""Pitfalls suite, the seeds part (#16): does picking by the mean over seeds pick better?

On a noisy objective, a search's best single run is often a lucky draw (the
winner's curse). Per run (seed r): TPE (seed r) searches ``N`` trials; then
``study.reevaluate(top_k=5, n_seeds=5)`` reruns the 5 best configurations with 4
new seeds each (20 more trials) and each rule below picks one of them:

* **single@N**: ``study.best_trial`` (the best single run), as Optuna picks;
* **mean@N+20**: ``study.best_trial_by("mean")``, the best mean over the 5 runs;
* **fresh-mean@N+20**: the best mean over the 4 new runs (the search's run left out);
* **mean+se@N+20**: the best mean plus its standard error (pessimistic);
* **shrunk@N+20**: the best empirical-Bayes posterior mean (each mean pulled toward
  the top-5's mean by its own standard error; see ``pick_indices``);
* **gp-mean@N**: ``study.best_trial_by("model")`` before re-evaluating: the search
  trial with the best posterior mean of a GP with a noise term fitted on the N search
  trials (no extra run), the kriging-mean choice of Picheny et al. (2013);
* **gp-mean@N+20**: ``study.best_trial_by("model")`` after it: the re-evaluated
  configuration with the best GP posterior mean (fitted on all N+20 trials);
* **single@N+20**: the same 20 trials spent on searching longer instead (the
  honest alternative at equal cost), then the best single run;
* **oracle**: the truly best of the 5 re-evaluated configurations (what any rule
  picking among them can reach at most).

Each pick is scored by its *true* score: the noise-free value (synthetic problems)
or the mean over 50 fixed splits never used by the search (scikit-learn); the
problems are in ``pitfalls_seeds_problems``. Paired over runs, two-sided Wilcoxon
signed-rank.

The budget part: the PyTorch example (``examples/pytorch_cpu_pruning.py``) under
promotion ASHA, one worker: the time the objective actually ran (summed from inside
it), against ``study.budget().trial_time`` (paused waits left out) and the old
start-to-finish sum that counted them.

    PYTHONPATH=. OMP_NUM_THREADS=1 nice -n 5 python -m bench pitfalls --part seeds [--seeds 20] [--jobs 2] [--quick]
"""

from __future__ import annotations

import fnmatch
import json
import math
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from bench.report import Report
from bench.stats import fmt, fmt_quartiles, wilcoxon_paired
from bench.suites.common import SuiteOptions, log, quiet_warnings, run_tasks
from bench.suites.pitfalls_seeds_problems import PROBLEMS, Problem

PART = "seeds"  # python -m bench pitfalls --part seeds
SUITE = "pitfalls-seeds"  # the results file's name
PACKAGES = ("hypersearch", "scikit-learn", "scipy", "torch")
TOP_K, N_SEEDS = 5, 5


def _objective(problem: Problem) -> Callable[[Any], float]:
    def objective(trial: Any) -> float:
        return problem.noisy(problem.space(trial), trial.seed)

    return objective


def one_run(problem: Problem, seed: int, n_trials: int) -> dict[str, Any]:
    """The picks of one run and their true scores, with what explains them."""
    import hypersearch as hs

    objective = _objective(problem)
    study = hs.create_study(sampler=hs.samplers.TPESampler(seed=seed))
    start = time.perf_counter()
    study.optimize(objective, n_trials=n_trials, diagnose=False)
    search_s = time.perf_counter() - start
    single = study.best_trial
    gp_at_n = study.best_trial_by("model").params  # every search trial: one run each
    start = time.perf_counter()
    summaries = study.reevaluate(objective, top_k=TOP_K, n_seeds=N_SEEDS)
    reeval_s = time.perf_counter() - start
    extra = len(study.trials) - n_trials
    by_mean = study.best_trial_by("mean")
    assert by_mean.params == summaries[0].params  # the best mean (ties: the earliest trial)
    longer = hs.create_study(sampler=hs.samplers.TPESampler(seed=seed))
    longer.optimize(objective, n_trials=n_trials + extra, diagnose=False)  # same first N, then more
    true_top = [problem.true(dict(s.params)) for s in summaries]
    picks = {name: true_top[i] for name, i in pick_indices(summaries).items()}
    picks["single"] = problem.true(dict(single.params))
    picks["longer"] = problem.true(dict(longer.best_trial.params))
    picks["oracle"] = min(true_top)
    picks["gp@N"] = problem.true(dict(gp_at_n))
    start = time.perf_counter()
    by_model = study.best_trial_by("model")  # the top-5 only
    model_s = time.perf_counter() - start
    picks["gp"] = problem.true(dict(by_model.params))
    return {
        **picks,
        "curse_single": float(single.values[0]) - picks["single"],  # observed - true
        "curse_mean": summaries[0].mean - picks["mean"],
        "noise_sd": float(np.median([s.std for s in summaries])),
        "top_spread": max(true_top) - min(true_top),
        "same_pick": float(single.params == by_mean.params),
        "extra_trials": float(extra),
        "extra_time": reeval_s / search_s,
        "model_time": model_s / search_s,
    }


def pick_indices(summaries: list[Any]) -> dict[str, int]:
    """Which of the re-evaluated configurations each rule picks (lower is better).

    * mean: the mean over every run (the search's own run included): the library's
      ``select="mean"``;
    * fresh: the mean over the new seeds only (the search's run is the one that made
      the configuration a top-k one: its value carries the selection's luck);
    * mean+se: the mean plus its standard error (a pessimistic bound);
    * shrunk: the empirical-Bayes posterior mean (each mean pulled toward the top-k's
      mean in proportion to its own standard error: noisier means move more).
    """
    means = np.array([s.mean for s in summaries])
    fresh = np.array([_fresh_mean(s) for s in summaries])
    se2 = np.array([s.std**2 / s.n if s.n > 1 else np.nan for s in summaries])
    se2 = np.where(np.isfinite(se2), se2, np.nanmax(se2) if np.isfinite(se2).any() else 0.0)
    tau2 = max(float(np.var(means, ddof=1)) - float(np.mean(se2)), 1e-12)
    shrunk = means + se2 / (se2 + tau2) * (float(np.mean(means)) - means)
    return {
        "mean": int(np.argmin(means)),
        "fresh": int(np.nanargmin(fresh)),
        "mean+se": int(np.argmin(means + np.sqrt(se2))),
        "shrunk": int(np.argmin(shrunk)),
    }


def _fresh_mean(summary: Any) -> float:
    fresh = [v for v, n in zip(summary.values, summary.numbers) if n != summary.number]
    return float(np.mean(fresh)) if fresh else math.nan


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


def _task(task: tuple[str, int, int]) -> tuple[str, int, dict[str, Any]]:
    quiet_warnings()
    import hypersearch as hs

    hs.logging.set_verbosity(hs.logging.ERROR)
    name, seed, n_trials = task
    return name, seed, one_run(PROBLEMS[name], seed, n_trials)


PICKS = (  # (key, label): the rows of the main table
    ("single", "single@N"),
    ("mean", "mean@N+20 (library)"),
    ("fresh", "fresh-mean@N+20"),
    ("mean+se", "mean+se@N+20"),
    ("shrunk", "shrunk@N+20"),
    ("longer", "single@N+20"),
    ("gp@N", "gp-mean@N (no re-evaluation)"),
    ("gp", "gp-mean@N+20"),
    ("oracle", "best of top-5 (oracle)"),
)


def run(opts: SuiteOptions) -> Any:
    quiet_warnings()
    seeds = opts.seeds or (1 if opts.quick else 20)
    n_trials = 12 if opts.quick else 40
    names = [n for n in PROBLEMS if not opts.problems or _match(n, opts.problems)]
    if opts.quick:
        names = names[:1]
    load = _load()
    tasks = [(name, seed, n_trials) for name in names for seed in range(seeds)]
    log(f"{SUITE}: {len(tasks)} runs")
    by_problem: dict[str, dict[int, dict[str, Any]]] = {name: {} for name in names}
    raw = opts.raw(SUITE)
    raw.parent.mkdir(parents=True, exist_ok=True)
    with raw.open("w") as out:
        for name, seed, result in run_tasks(_task, tasks, opts.jobs):
            by_problem[name][seed] = result
            out.write(json.dumps({"problem": name, "seed": seed, **result}) + "\n")
            out.flush()
            log(f"{SUITE}: {name} seed {seed} done")
    report = Report("Pitfalls: picking by the mean over seeds, and the budget of paused trials")
    report.text("\n\n".join((__doc__ or "").split("\n\n")[:4]))
    rows, why_rows, cost_rows = [], [], []
    for name in names:
        results = [by_problem[name][seed] for seed in sorted(by_problem[name])]
        rows += _rows(name, results)
        why_rows.append(_why_row(name, results))
        cost_rows.append(_cost_row(name, results, n_trials))
    report.table(
        f"True score of the pick ({seeds} runs, {n_trials} search trials; lower is better)",
        [
            "problem",
            "pick",
            "median [q25, q75]",
            "vs single@N (W/T/L, p)",
            "vs single@N+20",
            "vs mean@N+20",
        ],
        rows,
        note="W/T/L counts runs where the row's pick is truly better / equal / worse; "
        "p: two-sided paired Wilcoxon signed-rank.",
    )
    report.table(
        "Why: the noise against the top-5's true spread, and the winner's curse",
        ["problem", "noise sd (median over top-5)", "true spread of the top-5 (max - min)",
         "single pick: observed - true", "mean pick: observed mean - true"],
        why_rows,
        note="Medians [q25, q75] over runs. A negative observed - true is the winner's curse: "
        "the pick looked better than it is.",
    )  # fmt: skip
    report.table(
        "Extra cost of the re-evaluation",
        [
            "problem",
            "extra trials",
            "extra trials / N",
            "extra time / search time",
            "GP pick time / search time",
            "same pick (single, mean)",
        ],
        cost_rows,
        note="Extra time: wall time of reevaluate() over that of the N-trial search "
        "(TPE's own cost is part of the search's); GP pick time: one best_trial_by('model') "
        "call after it.",
    )
    _budget_table(report, opts)
    report.text(
        f"Machine load (1/5/15-min load averages; 2 cores, shared): {load} at the start, "
        f"{_load()} at the end."
    )
    problems = f" --problems {','.join(opts.problems)}" if opts.problems else ""
    report.text(
        f"Command: `PYTHONPATH=. OMP_NUM_THREADS=1 nice -n 5 python -m bench pitfalls --part {PART}"
        f"{' --quick' if opts.quick else ''} --seeds {seeds} --jobs {opts.jobs}{problems}`"
    )
    return report.write(opts.out(SUITE, "md"), PACKAGES)


def _budget_table(report: Report, opts: SuiteOptions) -> None:
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


def _rows(name: str, results: list[dict[str, Any]]) -> list[list[str]]:
    single = [r["single"] for r in results]
    longer = [r["longer"] for r in results]
    mean = [r["mean"] for r in results]
    rows = []
    for pick, label in PICKS:
        values = [r[pick] for r in results]
        vs_single = "" if pick == "single" else str(wilcoxon_paired(values, single))
        vs_longer = "" if pick in ("single", "longer") else str(wilcoxon_paired(values, longer))
        vs_mean = "" if pick in ("single", "mean") else str(wilcoxon_paired(values, mean))
        rows.append([name, label, fmt_quartiles(values, 4), vs_single, vs_longer, vs_mean])
    return rows


def _why_row(name: str, results: list[dict[str, Any]]) -> list[str]:
    return [name] + [
        fmt_quartiles([r[key] for r in results], 3)
        for key in ("noise_sd", "top_spread", "curse_single", "curse_mean")
    ]


def _cost_row(name: str, results: list[dict[str, Any]], n_trials: int) -> list[str]:
    extra = float(np.mean([r["extra_trials"] for r in results]))
    same = int(sum(r["same_pick"] for r in results))
    return [
        name,
        fmt(extra),
        fmt(extra / n_trials),
        fmt_quartiles([r["extra_time"] for r in results]),
        fmt_quartiles([r.get("model_time", math.nan) for r in results]),
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
