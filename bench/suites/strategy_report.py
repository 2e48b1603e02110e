"""Tables of the strategy suite: per-regime regret, the auto bar, Wilcoxon vs Optuna."""

from __future__ import annotations

import math
import subprocess
from collections import defaultdict

import numpy as np

from bench.rawstore import RawStore, Record
from bench.report import Report, provenance
from bench.stats import fmt, mean_ranks
from bench.suites.common import SuiteOptions, per_problem_verdicts
from bench.suites.strategy_methods import METHODS

NO_RESULT = 1e3  # regret of a run that finished no eligible evaluation within the budget
AUTO, OPTUNA = "hs-auto", "optuna-tpe"

Regrets = dict[str, dict[str, dict[tuple[str, int], float]]]
"""regime -> method -> (problem, seed) -> normalised regret."""


def regrets(records: list[Record]) -> Regrets:
    """Normalised regret of each run's final incumbent.

    optimum = the known minimum, else the best value any run of any regime found;
    reference = the median final value of random configurations.
    """
    best: dict[str, float] = {}
    for r in records:
        for v in (r.get("final"), r.get("known_optimum")):
            if v is not None:
                best[r["problem"]] = min(best.get(r["problem"], math.inf), v)
    out: Regrets = defaultdict(lambda: defaultdict(dict))
    for r in records:
        opt, ref = best[r["problem"]], r["reference"]
        value = NO_RESULT
        if r.get("final") is not None:
            value = max(0.0, (r["final"] - opt) / (ref - opt)) if ref > opt else 0.0
        out[r["regime"]][r["method"]][(r["problem"], r["seed"])] = value
    return out


def _median(runs: dict[tuple[str, int], float], problem: str) -> float:
    vals = [v for (p, _), v in runs.items() if p == problem]
    return float(np.median(vals)) if vals else math.nan


def regime_table(
    rep: Report, regime: str, reg: Regrets, problems: list[str], methods: list[str]
) -> None:
    data = reg.get(regime, {})
    cols = [m for m in methods if m in data]
    rows = [[p, *[fmt(_median(data[m], p)) for m in cols]] for p in problems]
    blocks = [
        {m: data[m][(p, s)] for m in cols if (p, s) in data[m]}
        for (p, s) in sorted({k for m in cols for k in data[m]})
    ]
    ranks = mean_ranks(blocks)
    mean_med = {m: np.nanmean([_median(data[m], p) for p in problems]) for m in cols}
    rows.append(["**mean rank**", *[fmt(ranks.get(m, math.nan)) for m in cols]])
    rows.append(["**mean of medians**", *[fmt(mean_med[m]) for m in cols]])
    best = min(cols, key=lambda m: ranks.get(m, math.inf)) if cols else "n/a"
    rep.table(
        f"{regime}: median normalised regret at the budget (lower is better)",
        ["problem", *cols],
        rows,
        f"Best on average in the {regime} regime (mean rank over (problem, seed), methods "
        f"that ran on every problem count where they ran): **{best}**.  Empty cells: the "
        "method does not apply (fidelity methods need reports: the expensive regime).",
    )


def auto_bar(rep: Report, reg: Regrets, problems: list[str], reasons: dict[str, str]) -> None:
    """Issue #17's bar: auto within 10% of the best fixed strategy of ours on every problem."""
    if AUTO in reasons or not any(AUTO in reg[r] for r in reg):
        rep.text(f"**AutoSampler bar: pending** ({AUTO}: {reasons.get(AUTO, 'no runs')}).")
        return
    fixed = [m for m in METHODS.names(tag="fixed")]
    rows = []
    for regime, data in reg.items():
        ok = compared = 0
        for p in problems:
            meds = {m: _median(data[m], p) for m in fixed if m in data}
            meds = {m: v for m, v in meds.items() if math.isfinite(v)}
            if not meds or AUTO not in data:
                continue
            best_m = min(meds, key=meds.__getitem__)
            auto = _median(data[AUTO], p)
            met = auto <= 1.1 * meds[best_m] + 1e-12
            ok += met
            compared += 1
            paired = per_problem_verdicts(data[AUTO], data[best_m]).get(p)
            test = paired.cell(False) if paired else "n/a"
            verdict = "met" if met else "not met"
            rows.append([regime, p, best_m, fmt(meds[best_m]), fmt(auto), verdict, test])
        rows.append([regime, "**all**", "", "", "", f"{ok} of {compared} problems", ""])
    rep.table(
        "AutoSampler vs the best fixed strategy of ours (bar: within 10% on every problem)",
        ["regime", "problem", "best fixed", "its median", "hs-auto median", "within 10%", _PAIRED],
        rows,
        "The best fixed strategy is picked per problem by its median after the runs (the lowest "
        "of several noisy medians, so the bar leans against hs-auto); the last column is the "
        "paired test of hs-auto against it (W/T/L = hs-auto better / equal / worse).",
    )


_PAIRED = "hs-auto vs it: W/T/L p verdict"


def versus_table(rep: Report, reg: Regrets, peer: str, methods: list[str]) -> None:
    ours = [m for m in methods if METHODS.get(m).ours]
    rows = []
    for m in ours:
        cells, lost = [], []
        for regime, data in reg.items():
            if m not in data or peer not in data:
                cells.append("n/a")
                continue
            v = per_problem_verdicts(data[m], data[peer])
            kinds = [x.kind for x in v.values()]
            cells.append(
                f"{kinds.count('win')}/{kinds.count('tie')}/{kinds.count('loss')} of {len(v)}"
            )
            lost += [f"{p}@{regime}" for p, x in sorted(v.items()) if x.kind == "loss"]
        rows.append([m, *cells, ", ".join(lost)])
    rep.table(
        f"Ours vs {peer}: significant wins / ties / losses per problem",
        ["ours", *reg.keys(), "lost on"],
        rows,
        "Per problem and regime a two-sided Wilcoxon signed-rank test over the seeds (paired "
        "by seed, p < 0.05).  Issue #17's bar for the AutoSampler against Optuna's default: "
        "wins on at least half of the problems, losses on none.",
    )


def detail_table(rep: Report, reg: Regrets, ours: str, peer: str) -> None:
    rows = []
    for regime, data in reg.items():
        if ours not in data or peer not in data:
            continue
        for p, v in sorted(per_problem_verdicts(data[ours], data[peer]).items()):
            rows.append([regime, p, fmt(v.ours_median), fmt(v.peer_median), v.cell(False)])
    if rows:
        rep.table(
            f"{ours} vs {peer} per problem",
            ["regime", "problem", ours, peer, "W/T/L p verdict"],
            rows,
        )


def cost_table(rep: Report, records: list[Record], methods: list[str]) -> None:
    by: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for r in records:
        by[(r["method"], r["regime"])].append(r)
    regimes = sorted({r["regime"] for r in records}, key=["cheap", "moderate", "expensive"].index)
    rows = []
    for m in methods:
        cells = []
        for g in regimes:
            rs = by.get((m, g), [])
            if not rs:
                cells.append("n/a")
                continue
            trials = np.median([r["trials"] for r in rs])
            cpu = np.median([r["method_seconds"] / max(r["trials"], 1) for r in rs])
            cells.append(f"{fmt(trials)} trials, {fmt(cpu * 1e3)} ms/trial")
        rows.append([m, *cells])
    rep.table(
        "Trials run and method CPU time per trial (medians over runs)", ["method", *regimes], rows
    )


def choices_table(rep: Report, records: list[Record]) -> None:
    """What the AutoSampler picked: its sequences of samplers, when it switched, how often."""
    switches: dict[tuple[str, str, tuple[str, ...]], list[list[int]]] = defaultdict(list)
    for r in records:
        if r["method"] == AUTO and r.get("auto_choices"):
            names, at = zip(*(c.rsplit("@", 1) for c in r["auto_choices"]))
            switches[(r["problem"], r["regime"], names)].append([int(n) for n in at])
    rows = []
    for (problem, regime, names), runs in sorted(switches.items()):
        steps = [
            f"{name}@{min(col)}" + (f"..{max(col)}" if max(col) > min(col) else "")
            for name, col in zip(names, zip(*runs))
        ]
        rows.append([problem, regime, " -> ".join(steps), str(len(runs))])
    if rows:
        rep.table(
            f"{AUTO}'s choices (sampler@finished trials when chosen, range over runs)",
            ["problem", "regime", "choices", "runs"],
            rows,
        )


def _load() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "uptime unavailable"


def analyse(plan, store: RawStore, reasons: dict[str, str], opts: SuiteOptions) -> Report:  # type: ignore[no-untyped-def]
    records = [
        r
        for r in store.records.values()
        if r.get("status") == "ok"
        and r["problem"] in plan.problems
        and r["method"] in plan.methods
        and r["seed"] in plan.seeds
        and r["n_equiv"] == plan.n_equiv
    ]
    errors = [
        r
        for r in store.records.values()
        if r.get("status") == "error"
        and r["problem"] in plan.problems
        and r["method"] in plan.methods
    ]
    reg = regrets(records)
    reg = {g: reg[g] for g in plan.regimes if g in reg}
    rep = Report(
        f"Strategy suite{' (quick)' if opts.quick else ''}: best value within a wall-clock budget"
    )
    rep.text(
        f"Problems ({len(plan.problems)}): {', '.join(plan.problems)}.  Seeds: {len(plan.seeds)}.  "
        f"Budget: {plan.n_equiv} x the cost of a median trial, on one worker whose simulated "
        "clock advances by each trial's cost and by the method's real CPU time (ask, "
        "suggestions, report, should_prune, tell).  Regimes: cheap = 10 ms per median trial, "
        "moderate = 1 s, expensive = 100 s with a report per fidelity step (pruning and "
        "multi-fidelity methods act only there; it runs on the problems with a fidelity).  Costs vary across the space where the problem "
        "measures them (YAHPO `timetrain`, LCBench `time`, scikit-learn CPU seconds).  "
        "Normalised regret = (best - optimum) / (random median - optimum); optimum = the known one "
        "or the best value any run found.  `optunahub-auto-rebuilt` = the documented OptunaHub "
        "AutoSampler rules rebuilt from Optuna's own samplers (bench/optimizers/optunahub_rules.py), "
        "not OptunaHub's code.  On a `*-noisy` problem the method sees each value plus "
        "Gaussian noise, and `best` is the noise-free value of its best-observed trial (what "
        "a user would deploy); a conditional problem runs only the define-by-run methods "
        "(the others' cells read n/a)."
    )
    rep.text(f"Machine load at report time: `{_load()}` (2 shared cores).  " + provenance(records))
    if reasons:
        rep.text("Not run: " + "; ".join(f"{m}: {r}" for m, r in reasons.items()) + ".")
    if errors:
        rep.text(
            f"{len(errors)} runs failed, e.g. {errors[0]['method']} on {errors[0]['problem']}: "
            f"{errors[0].get('note', '')}"[:300]
        )
    methods = [m for m in plan.methods if m not in reasons]
    for regime in reg:
        regime_table(rep, regime, reg, plan.problems, methods)
    auto_bar(rep, reg, plan.problems, reasons)
    versus_table(rep, reg, OPTUNA, methods)
    for ours in (AUTO, "hs-tpe", "hs-gp"):
        if ours in methods and OPTUNA in methods:
            detail_table(rep, reg, ours, OPTUNA)
    # the evidence for the AutoSampler's rule 3 (GP, not the multi-fidelity pair, at this budget)
    for peer in ("hs-bohb-hyperband", "hs-gp-hyperband"):
        if "hs-gp" in methods and peer in methods:
            detail_table(rep, reg, "hs-gp", peer)
    cost_table(rep, records, methods)
    choices_table(rep, records)
    return rep
