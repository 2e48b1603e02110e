"""Sampler variants on the strategy suite's real HPO problems, by trial count (issue #17 item 3).

Each variant is ``name=library:Sampler:{json kwargs}`` (constructor arguments only); every
variant runs ``--trials`` full-fidelity trials per (problem, seed) and the script prints,
per problem and budget, each variant's median normalised regret and a paired two-sided
Wilcoxon test against ``--base`` and against ``--peer`` (wins/ties/losses over the seeds).
Runs are cached in ``--raw`` (JSON lines) so variants can be added later.

    PYTHONPATH=. python bench/scripts/sampler_hpo_ab.py --seeds 10 --trials 50 \\
        --variant 'tpe=hypersearch:TPESampler:{}' --variant 'optuna=optuna:TPESampler:{}' \\
        --base tpe --peer optuna --raw /tmp/ab.jsonl
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from bench._env import pin_threads
from bench.optimizers.optuna_like import load_library, suggest_all
from bench.rawstore import RawStore
from bench.stats import fmt, wilcoxon_paired
from bench.suites.common import quiet_warnings
from bench.suites.strategy_problems import TASKS

PROBLEMS = (
    "yahpo-rpart-41138,yahpo-rpart-1220,yahpo-glmnet-40981,yahpo-glmnet-1489,"
    "lcbench-3945,lcbench-189906,hpolib-naval_propulsion,hpolib-protein_structure,"
    "hpolib-parkinsons_telemonitoring"
)


def run(problem: str, spec: str, seed: int, trials: int) -> list[float]:
    library, sampler, kwargs = spec.split(":", 2)
    lib = load_library(library)
    task = TASKS.make(problem, seed)
    study = lib.create_study(
        direction="minimize",
        sampler=getattr(lib.samplers, sampler)(seed=seed, **json.loads(kwargs)),
    )
    values: list[float] = []

    def objective(trial: object) -> float:
        values.append(float(task.curve(suggest_all(trial, task.space))[0][-1]))
        return values[-1]

    study.optimize(objective, n_trials=trials)
    return values


def regret_table(store: RawStore, names: list[str], args: argparse.Namespace) -> None:
    budgets = [int(b) for b in args.budgets.split(",")]
    for problem in args.problems.split(","):
        recs = {(r["variant"], r["seed"]): r for r in store.select(problem=problem)}
        seeds = [s for s in range(args.seeds) if all((n, s) in recs for n in names)]
        if not seeds:
            continue
        opt = min(min(r["values"]) for r in recs.values())
        ref = TASKS.make(problem, 0).reference_value()

        def regret(name: str, seed: int, b: int, recs=recs, opt=opt, ref=ref) -> float:
            best = min(recs[(name, seed)]["values"][:b])
            return (best - opt) / (ref - opt) if ref > opt else 0.0

        print(f"\n#### {problem} ({len(seeds)} seeds)\n")
        print(
            "| variant | "
            + " | ".join(f"@{b}: median, vs {args.base}, vs {args.peer}" for b in budgets)
            + " |"
        )
        print("|---|" + "---|" * len(budgets))
        for name in names:
            cells = []
            for b in budgets:
                mine = [regret(name, s, b) for s in seeds]
                vs = [
                    wilcoxon_paired(mine, [regret(o, s, b) for s in seeds])
                    for o in (args.base, args.peer)
                ]
                cells.append(f"{fmt(float(np.median(mine)))}, {vs[0]}, {vs[1]}")
            print(f"| {name} | " + " | ".join(cells) + " |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--variant", action="append", required=True)
    ap.add_argument("--base", required=True)
    ap.add_argument("--peer", required=True)
    ap.add_argument("--problems", default=PROBLEMS)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--trials", type=int, default=50)
    ap.add_argument("--budgets", default="20,50")
    ap.add_argument("--raw", type=Path, required=True)
    args = ap.parse_args()
    pin_threads()
    quiet_warnings()
    specs = dict(v.split("=", 1) for v in args.variant)
    store = RawStore(args.raw, ("problem", "variant", "seed", "trials"))
    for problem in args.problems.split(","):
        for seed in range(args.seeds):
            for name, spec in specs.items():
                key = dict(problem=problem, variant=name, seed=seed, trials=args.trials)
                if store.has(**key):
                    continue
                values = run(problem, spec, seed, args.trials)
                store.add({**key, "spec": spec, "status": "ok", "values": values})
    regret_table(store, list(specs), args)


if __name__ == "__main__":
    main()
