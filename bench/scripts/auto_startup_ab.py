"""A/B of the AutoSampler's start-up: Sobol' points (``STARTUP_QMC``) vs random draws.

Runs ``hs-auto`` of the strategy suite both ways on the same (problem, seed), on the suite's
simulated clock, appends one JSON line per run to ``--out`` (it resumes nothing: a new file per
experiment) and prints per problem the median normalised regret of each, the paired
wins / ties / losses of Sobol' and a two-sided Wilcoxon p.  Spaces that are not numeric and
unconditional start at random either way (their runs tie).

    OMP_NUM_THREADS=1 PYTHONPATH=. nice -n 5 python bench/scripts/auto_startup_ab.py \
        --problems yahpo-glmnet-40981,mfh3-bad,lcbench-3945 --regime cheap --seeds 20 --out ab.jsonl
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.stats import wilcoxon

import hypersearch.samplers._auto._sampler as auto_sampler
from bench.suites.strategy import TRIAL_CAP_FACTOR, _task
from bench.suites.strategy_methods import make_method
from bench.suites.strategy_sim import REGIMES, simulate

VARIANTS = ("qmc", "random")


def run(problems: list[str], regime_name: str, seeds: int, n_equiv: int, out: Path) -> None:
    regime = next(r for r in REGIMES if r.name == regime_name)
    with out.open("a") as f:
        for problem in problems:
            for seed in range(seeds):
                task = _task(problem, seed)
                for variant in VARIANTS:
                    auto_sampler.STARTUP_QMC = variant == "qmc"
                    method = make_method("hs-auto", task, seed, n_equiv)
                    budget = n_equiv * regime.trial_seconds
                    trace = simulate(task, method, regime, budget, TRIAL_CAP_FACTOR * n_equiv)
                    row = {
                        "problem": problem,
                        "seed": seed,
                        "variant": variant,
                        "final": trace.final,
                        "trials": trace.trials,
                        "reference": task.reference_value(),
                        "optimum": task.known_optimum,
                    }
                    f.write(json.dumps(row) + "\n")
                    f.flush()


def summarise(out: Path) -> None:
    by: dict[str, dict[int, dict[str, dict]]] = defaultdict(lambda: defaultdict(dict))
    for line in out.read_text().splitlines():
        row = json.loads(line)
        by[row["problem"]][row["seed"]][row["variant"]] = row
    for problem, seeds in sorted(by.items()):
        pairs = [(v["qmc"], v["random"]) for v in seeds.values() if len(v) == 2]
        qmc = np.array([a["final"] for a, _ in pairs])
        rnd = np.array([b["final"] for _, b in pairs])
        known = pairs[0][0]["optimum"]
        best = min(qmc.min(), rnd.min(), np.inf if known is None else known)
        scale = pairs[0][0]["reference"] - best
        wins, losses = int((qmc < rnd).sum()), int((qmc > rnd).sum())
        p = wilcoxon(qmc, rnd).pvalue if wins + losses else 1.0
        print(
            f"{problem}: n={len(pairs)} regret qmc {np.median(qmc - best) / scale:.3g} "
            f"random {np.median(rnd - best) / scale:.3g}; qmc W/T/L "
            f"{wins}/{len(pairs) - wins - losses}/{losses} p={p:.3f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--problems", required=True)
    ap.add_argument("--regime", default="cheap", choices=[r.name for r in REGIMES])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--budget", type=int, default=30)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--summary-only", action="store_true")
    a = ap.parse_args()
    if not a.summary_only:
        run(a.problems.split(","), a.regime, a.seeds, a.budget, a.out)
    summarise(a.out)


if __name__ == "__main__":
    main()
