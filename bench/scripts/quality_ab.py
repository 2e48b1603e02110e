"""Before/after comparison of one optimizer from two quality-suite raw files.

Both files come from ``python -m bench quality ... --tag NAME --out-dir DIR`` run on
two checkouts (e.g. ``git worktree add /tmp/base <commit>`` and
``PYTHONPATH=/tmp/base``); their runs are paired over (problem, seed). Prints, per
budget, the median normalised regret [quartiles] of each, wins/ties/losses of
"after" and the two-sided Wilcoxon signed-rank p (bench/stats.py), and how many
paired runs produced the very same sequence of values.

    python bench/scripts/quality_ab.py BEFORE.jsonl AFTER.jsonl --budgets 50,100,200
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from bench.stats import best_so_far, fmt_quartiles, normalised_regret, wilcoxon_paired


def load(path: Path, optimizer: str) -> dict[tuple[str, int], dict[str, Any]]:
    runs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec.get("status") == "ok" and rec["optimizer"] == optimizer:
            runs[(rec["problem"], rec["seed"])] = rec
    return runs


def regret_at(rec: dict[str, Any], optimum: float, budget: int) -> float:
    best = best_so_far(rec["values"][:budget])
    return float(normalised_regret(best[-1], optimum, rec["reference"]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    ap.add_argument("--optimizer", default="hs-tpe")
    ap.add_argument("--budgets", default="50,100,200")
    args = ap.parse_args()
    before, after = load(args.before, args.optimizer), load(args.after, args.optimizer)
    keys = sorted(set(before) & set(after))
    optimum = {}
    for key in keys:  # known optimum, else the best value either run found
        for rec in (before[key], after[key]):
            known = rec.get("optimum")
            seen = min(v for v in rec["values"] if v is not None and math.isfinite(v))
            cur = optimum.get(key[0], math.inf)
            optimum[key[0]] = known if known is not None else min(cur, seen)
    same = sum(before[k]["values"] == after[k]["values"] for k in keys)
    problems = len({k[0] for k in keys})
    print(
        f"{args.optimizer}: {len(keys)} paired runs ({problems} problems); "
        f"identical value sequences: {same}/{len(keys)}\n"
    )
    print("| budget | before: median [25%, 75%] | after: median [25%, 75%] | after W/T/L, p |")
    print("|---|---|---|---|")
    for budget in (int(b) for b in args.budgets.split(",")):
        a = np.array([regret_at(before[k], optimum[k[0]], budget) for k in keys])
        b = np.array([regret_at(after[k], optimum[k[0]], budget) for k in keys])
        test = wilcoxon_paired(b, a)
        print(f"| {budget} | {fmt_quartiles(a)} | {fmt_quartiles(b)} | {test} |")


if __name__ == "__main__":
    main()
