"""Paired before/after comparison of two raw stores of the same bench suite (one method).

Quality (``python -m bench quality ... --out-dir A``): normalised regret at each budget,
paired over (problem, seed). Strategy (``python -m bench strategy ... --out-dir A``): the
final value per (problem, regime, seed), paired within each regime, plus trials per run.
Two-sided Wilcoxon signed-rank test (ties dropped); W/T/L counts "after better / tied / worse".

    python bench/scripts/gp_paired.py quality BEFORE.jsonl AFTER.jsonl --method hs-gp
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import defaultdict
from pathlib import Path

from scipy.stats import wilcoxon


def _load(path: str, method: str, field: str) -> dict[tuple, dict]:
    out = {}
    for line in Path(path).read_text().splitlines():
        rec = json.loads(line)
        if rec.get(field) != method or rec.get("status") != "ok":
            continue
        out[(rec["problem"], rec.get("regime", ""), rec["seed"])] = rec
    return out


def _regret(rec: dict, budget: int) -> float:
    best = min(v for v in rec["values"][:budget] if v is not None)
    return (best - rec["optimum"]) / (rec["reference"] - rec["optimum"])


def _verdict(before: list[float], after: list[float]) -> str:
    wins = sum(a < b for a, b in zip(after, before))
    losses = sum(a > b for a, b in zip(after, before))
    ties = len(before) - wins - losses
    p = wilcoxon(after, before).pvalue if wins + losses else 1.0
    return f"{wins}/{ties}/{losses} p={p:.2g}"


def quality(before: dict, after: dict, budgets: list[int]) -> None:
    keys = sorted(set(before) & set(after))
    problems = sorted({k[0] for k in keys})
    print(f"Paired runs: {len(keys)} ({len(problems)} problems: {', '.join(problems)})\n")
    print("| budget | median regret before | median regret after | W/T/L (after better), p |")
    print("|---|---|---|---|")
    for b in budgets:
        rb = [_regret(before[k], b) for k in keys]
        ra = [_regret(after[k], b) for k in keys]
        med_b, med_a = statistics.median(rb), statistics.median(ra)
        print(f"| {b} | {med_b:.3g} | {med_a:.3g} | {_verdict(rb, ra)} |")


def _normalise(before: dict, after: dict) -> None:
    """``final`` -> normalised regret, the optimum being the known one or the best seen in either."""
    best: dict[str, float] = {}
    for rec in [*before.values(), *after.values()]:
        best[rec["problem"]] = min(best.get(rec["problem"], rec["final"]), rec["final"])
    for rec in [*before.values(), *after.values()]:
        opt = rec.get("known_optimum")
        opt = best[rec["problem"]] if opt is None else opt
        rec["final"] = (rec["final"] - opt) / (rec["reference"] - opt)


def strategy(before: dict, after: dict) -> None:
    _normalise(before, after)
    by_regime: dict[str, list[tuple]] = defaultdict(list)
    for k in sorted(set(before) & set(after)):
        by_regime[k[1]].append(k)
    print(
        "| regime | runs | median trials before -> after | W/T/L normalised regret (after better), p |"
    )
    print("|---|---|---|---|")
    for regime, keys in sorted(by_regime.items()):
        fb = [before[k]["final"] for k in keys]
        fa = [after[k]["final"] for k in keys]
        tb = statistics.median(before[k]["trials"] for k in keys)
        ta = statistics.median(after[k]["trials"] for k in keys)
        print(f"| {regime} | {len(keys)} | {tb:g} -> {ta:g} | {_verdict(fb, fa)} |")
        for problem in sorted({k[0] for k in keys}):
            sub = [k for k in keys if k[0] == problem]
            pb = [before[k]["final"] for k in sub]
            pa = [after[k]["final"] for k in sub]
            print(f"| {regime}: {problem} | {len(sub)} | | {_verdict(pb, pa)} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("suite", choices=["quality", "strategy"])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--method", default="hs-gp")
    parser.add_argument("--budgets", default="30,50")
    args = parser.parse_args()
    field = "optimizer" if args.suite == "quality" else "method"
    before = _load(args.before, args.method, field)
    after = _load(args.after, args.method, field)
    if args.suite == "quality":
        quality(before, after, [int(b) for b in args.budgets.split(",")])
    else:
        strategy(before, after)


if __name__ == "__main__":
    main()
