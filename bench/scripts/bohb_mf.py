"""BOHB-style TPE under Hyperband vs Optuna TPE + Hyperband and random search (no pruning).

Drives every method through the multi-fidelity suite's simulator (4 asynchronous
workers on a virtual clock, ``bench/simulator.py``) and reports time-to-target ratios:

* target A = the median (over seeds) final incumbent of ``optuna-tpe-hyperband`` on the
  problem; ``t_A(method)`` = median over seeds of the simulated time at which the
  method's incumbent first reaches it, as a fraction of the budget T. Claim to check:
  ``t_A(ours) <= 0.5``, i.e. ours gets there in at most half the time.
* target R = the median final incumbent of ``random`` (no pruning); speed-up =
  ``t_R(random) / t_R(method)`` (claim: >= 3).

Usage (repository root; finished runs are kept in ``bench/results/raw/bohb_mf.jsonl``)::

    python bench/scripts/bohb_mf.py --seeds 10 --equivalents 100 \
        --methods hs-bohb-hyperband,hs-tpe-hyperband,optuna-tpe-hyperband,random

Measured 2026-11-26 (lcbench-167168/189906/3945, mfh3-good, mfh6-bad; 10 seeds; T = 100
full trainings / 4 workers): ratio_A geo-mean 2.68 (4 of 5 problems reached; Optuna TPE +
Hyperband = 1), speed-up_R geo-mean 3.07 (random without pruning = 1; Optuna TPE +
Hyperband 1.71, our TPE + Hyperband 2.72).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.optimizers import MF_METHODS  # noqa: E402
from bench.optimizers.multifidelity import StudyTrial, make_pruner  # noqa: E402
from bench.optimizers.optuna_like import load_library, suggest_all  # noqa: E402
from bench.problems import MF_PROBLEMS  # noqa: E402
from bench.simulator import Trace, simulate  # noqa: E402
from bench.suites.common import quiet_warnings  # noqa: E402

RAW = ROOT / "bench" / "results" / "raw" / "bohb_mf.jsonl"

# name -> (library, sampler, sampler kwargs, pruner)
VARIANTS: dict[str, tuple[str, str, dict[str, Any], str | None]] = {
    "hs-bohb-hyperband": ("hypersearch", "BOHBSampler", {}, "HyperbandPruner"),
    "hs-bohb-own-bracket": (
        "hypersearch",
        "BOHBSampler",
        {"share_brackets": False},
        "HyperbandPruner",
    ),
    "hs-bohb-rf0.1": ("hypersearch", "BOHBSampler", {"random_fraction": 0.1}, "HyperbandPruner"),
    "hs-bohb-stopped-bad": (
        "hypersearch",
        "BOHBSampler",
        {"stopped_as_bad": True},
        "HyperbandPruner",
    ),
    "hs-bohb-rf0.2": ("hypersearch", "BOHBSampler", {"random_fraction": 0.2}, "HyperbandPruner"),
    "hs-tpe-hyperband": ("hypersearch", "TPESampler", {}, "HyperbandPruner"),
    "optuna-tpe-hyperband": ("optuna", "TPESampler", {}, "HyperbandPruner"),
}


class Method:
    """``create_study(sampler(**kwargs, seed), pruner)`` driven by ask / report / tell."""

    def __init__(
        self, spec: tuple[str, str, dict[str, Any], str | None], problem: Any, seed: int
    ) -> None:
        library, sampler, kwargs, pruner = spec
        self.lib = load_library(library)
        self.space = problem.space
        self.study = self.lib.create_study(
            direction="minimize",
            sampler=getattr(self.lib.samplers, sampler)(seed=seed, **kwargs),
            pruner=make_pruner(self.lib, pruner, problem),
        )
        state = getattr(self.lib, "TrialState", None) or self.lib.trial.TrialState
        self.pruned = state.PRUNED

    def ask(self) -> StudyTrial:
        trial = self.study.ask()
        return StudyTrial(trial, suggest_all(trial, self.space))

    def tell(self, trial: Any, value: float, pruned: bool) -> None:
        if pruned:
            self.study.tell(trial.trial, state=self.pruned)
        else:
            self.study.tell(trial.trial, value)

    def close(self) -> None:
        pass


def run_one(problem_name: str, method: str, seed: int, equivalents: int, workers: int) -> dict:
    quiet_warnings()
    problem = MF_PROBLEMS.make(problem_name, seed)
    budget = equivalents * problem.reference_time() / workers
    if method in VARIANTS:
        m: Any = Method(VARIANTS[method], problem, seed)
    else:
        m = MF_METHODS.make(method, problem, seed)
    start = time.perf_counter()
    trace = simulate(problem, m, workers, budget)
    return {
        "problem": problem_name,
        "method": method,
        "seed": seed,
        "eq": equivalents,
        "workers": workers,
        "budget": budget,
        "times": trace.times,
        "best": trace.best,
        "trials": trace.trials,
        "pruned": trace.pruned,
        "epochs": trace.epochs,
        "cpu": time.perf_counter() - start,
    }


def load() -> dict[tuple, dict]:
    out = {}
    if RAW.exists():
        for line in RAW.read_text().splitlines():
            r = json.loads(line)
            out[(r["problem"], r["method"], r["seed"], r["eq"], r["workers"])] = r
    return out


def ttt(rec: dict, target: float) -> float:
    """One run's first time (fraction of T) with incumbent <= target (inf: never)."""
    t = Trace(times=rec["times"], best=rec["best"]).time_to(target)
    return t / rec["budget"]


GRID = np.linspace(0.0, 1.0, 401)[1:]


def median_curve_ttt(recs: list[dict], target: float) -> float:
    """First time (fraction of T) the median-over-seeds incumbent is <= target (inf: never)."""
    if not recs:
        return math.inf
    curves = np.array(
        [
            [Trace(times=r["times"], best=r["best"]).best_at(f * r["budget"]) for f in GRID]
            for r in recs
        ]
    )
    hit = np.flatnonzero(np.median(curves, axis=0) <= target)
    return float(GRID[hit[0]]) if len(hit) else math.inf


def final(rec: dict) -> float:
    return rec["best"][-1] if rec["best"] else math.inf


def med(xs: list[float]) -> float:
    return float(np.median(xs)) if xs else math.nan


def _t(x: float) -> str:
    return f"{x:.3f}" if x < math.inf else "never"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--problems", default="lcbench-167168,lcbench-189906,mfh3-good,mfh6-bad")
    ap.add_argument("--methods", default=",".join([*VARIANTS, "random"]))
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--equivalents", type=int, default=100)
    ap.add_argument("--workers", type=int, default=4)
    args = ap.parse_args()
    problems = args.problems.split(",")
    methods = args.methods.split(",")
    store = load()
    RAW.parent.mkdir(parents=True, exist_ok=True)
    with RAW.open("a") as fh:
        for seed in range(args.seeds):
            for p in problems:
                for m in methods:
                    key = (p, m, seed, args.equivalents, args.workers)
                    if key in store:
                        continue
                    rec = run_one(p, m, seed, args.equivalents, args.workers)
                    store[key] = rec
                    fh.write(json.dumps(rec) + "\n")
                    fh.flush()
                    print(
                        f"{p} {m} s{seed}: final {final(rec):.4g} trials {rec['trials']} "
                        f"cpu {rec['cpu']:.1f}s",
                        flush=True,
                    )
    print(
        f"\n{args.seeds} seeds, {args.workers} workers, T = {args.equivalents} full trainings "
        "of a random configuration / workers"
    )
    print(
        "t_A: first time (fraction of T) at which the method's median-over-seeds incumbent "
        "reaches A = optuna-tpe-hyperband's median final incumbent; ratio_A = t_A(optuna) / "
        "t_A(method)"
    )
    print(
        "t_R likewise for R = random's (no pruning) median final incumbent; speed-up_R = "
        "t_R(random) / t_R(method). 'seeds reaching': runs whose own incumbent got there.\n"
    )
    print(
        "| problem | method | median final | t_A | seeds reaching A | ratio_A | t_R | "
        "seeds reaching R | speed-up_R |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    geo: dict[str, list[tuple[float, float]]] = {}
    for p in problems:
        recs = {
            m: [
                store[(p, m, s, args.equivalents, args.workers)]
                for s in range(args.seeds)
                if (p, m, s, args.equivalents, args.workers) in store
            ]
            for m in methods
        }
        target_a = med([final(r) for r in recs.get("optuna-tpe-hyperband", [])])
        target_r = med([final(r) for r in recs.get("random", [])])
        ta_opt = median_curve_ttt(recs.get("optuna-tpe-hyperband", []), target_a)
        tr_rand = median_curve_ttt(recs.get("random", []), target_r)
        for m in methods:
            if not recs[m]:
                continue
            tas = [ttt(r, target_a) for r in recs[m]]
            trs = [ttt(r, target_r) for r in recs[m]]
            ta = median_curve_ttt(recs[m], target_a)
            tr = median_curve_ttt(recs[m], target_r)
            na = f"{sum(t < math.inf for t in tas)}/{len(tas)}"
            nr = f"{sum(t < math.inf for t in trs)}/{len(trs)}"
            ra = ta_opt / ta if ta < math.inf else 0.0
            rr = tr_rand / tr if tr < math.inf else 0.0
            geo.setdefault(m, []).append((ra, rr))
            print(
                f"| {p} | {m} | {med([final(r) for r in recs[m]]):.4g} | "
                f"{_t(ta)} | {na} | {ra:.2f} | "
                f"{_t(tr)} | {nr} | {rr:.2f} |"
            )
    print(
        "\n| method | geo-mean ratio_A (problems where the median run reached A) | "
        "geo-mean speed-up_R (where reached) |"
    )
    print("|---|---|---|")
    for m, rows in geo.items():
        a = [x for x, _ in rows if x > 0]
        r = [y for _, y in rows if y > 0]
        ga = float(np.exp(np.mean(np.log(a)))) if a else 0.0
        gr = float(np.exp(np.mean(np.log(r)))) if r else 0.0
        print(f"| {m} | {ga:.2f} ({len(a)}/{len(rows)}) | {gr:.2f} ({len(r)}/{len(rows)}) |")


if __name__ == "__main__":
    main()
