"""Pitfalls, useless parameters: does the diagnostic name the parameters that do not matter, and only them?

Synthetic studies (default 192; quick: 16): ``d`` float parameters (4 or 8), ``k`` of
them useless (1 or d/2), all on a linear or all on a log scale, searched by TPE or
random sampling for 200 trials. A useful parameter ``j`` adds ``w_j (u_j - c_j)^2``
(``u_j`` its place in the range on its scale, optimum ``c_j`` at 20-80%, weight
``w_j`` log-uniform in [0.25, 1]: some useful parameters matter four times less than
others); a useless one adds nothing; the objective has N(0, 0.01^2) noise. Each study
is read at 50, 100 and 200 trials (a read needs 10 trials per parameter). The
diagnostic calls a parameter useless when its importance share is under
``min(cap, c / d)`` and the top parameter stands out of 19 shuffles; ``cap`` and
``c`` are chosen on the even-seeded half (the most detections with at most 2.5% of
reads falsely naming a useful parameter, for each sampler) and measured on the
odd-seeded half. Detection: the share of useless parameters named; false alarm: a
read that names a useful parameter.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from itertools import product
from pathlib import Path

import numpy as np

from bench.stats import fmt_wilson
from bench.suites.common import (
    SuiteOptions,
    log,
    quiet_warnings,
    run_tasks,
    split_by_seed,
    write_report,
)

PART = "useless"
SAMPLERS = ("tpe", "random")
SCALES = ("linear", "log")
DIMS = (4, 8)
READ_AT = (50, 100, 200)
CAPS = (0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 1.0)
SLOPES = (0.1, 0.15, 0.25, 0.35, 0.5, 0.75, 1.0, 100.0)
MIN_RANKS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)
CALIBRATION_FA = 0.025

Rule = tuple[float, float, float, int]
"""(cap, c, r, excess): share < min(cap, c / d) and null rank >= r; the share of the
scores (excess 0) or of their excess over the shuffles' mean (excess 1)."""


@dataclass(frozen=True)
class Case:
    seed: int
    d: int
    k: int
    scale: str
    sampler: str
    n_trials: int


def cases(opts: SuiteOptions) -> list[Case]:
    seeds = opts.seeds or (1 if opts.quick else 12)
    n_trials = 100 if opts.quick else READ_AT[-1]
    return [
        Case(seed, d, k, scale, sampler, n_trials)
        for seed, d, scale, sampler in product(range(seeds), DIMS, SCALES, SAMPLERS)
        for k in (1, d // 2)
    ]


def run_case(case: Case) -> dict:
    import hypersearch as hs

    quiet_warnings()
    hs.logging.set_verbosity(hs.logging.ERROR)
    rng = np.random.default_rng([case.seed, case.d, case.k, SCALES.index(case.scale)])
    useless = set(rng.choice(case.d, size=case.k, replace=False).tolist())
    weights = np.exp(rng.uniform(math.log(0.25), 0.0, size=case.d))
    centres = rng.uniform(0.2, 0.8, size=case.d)
    noise = np.random.default_rng(case.seed)
    log_scale = case.scale == "log"

    def objective(trial: hs.Trial) -> float:
        total = 0.01 * noise.normal()
        for j in range(case.d):
            if log_scale:
                u = (math.log10(trial.suggest_float(f"p{j}", 1e-4, 1e-1, log=True)) + 4.0) / 3.0
            else:
                u = trial.suggest_float(f"p{j}", 0.0, 10.0) / 10.0
            if j not in useless:
                total += weights[j] * (u - centres[j]) ** 2
        return total

    sampler = (
        hs.samplers.TPESampler(seed=case.seed)
        if case.sampler == "tpe"
        else hs.samplers.RandomSampler(seed=case.seed)
    )
    study = hs.create_study(sampler=sampler)
    start = time.perf_counter()
    study.optimize(objective, n_trials=case.n_trials, diagnose=False)
    run_s = time.perf_counter() - start
    reads = {}
    start = time.perf_counter()
    for n in [r for r in READ_AT if r <= case.n_trials]:
        evidence = _evidence(study, n)
        if evidence is not None:
            reads[n] = evidence
    per_read_s = (time.perf_counter() - start) / max(len(reads), 1)
    findings = [f for f in study.diagnose() if f.kind == "useless_params"]
    return {
        "case": case.__dict__,
        "useless": sorted(f"p{j}" for j in useless),
        "reads": reads,
        "default_named": sorted({p for f in findings for p in f.params}),
        "run_s": run_s,
        "read_s": per_read_s,
    }


def _evidence(study, n: int) -> dict | None:  # type: ignore[no-untyped-def]
    """Each parameter's share, its null rank, and whether the top one stands out (first n)."""
    from hypersearch.diagnostics._useless import importance_evidence
    from hypersearch.diagnostics._view import ObjectiveView, objective_views

    full = objective_views(study.history)[0]
    view = ObjectiveView(full.history, full.rows[:n], full.y[:n], None)
    found = importance_evidence(view)
    if found is None:
        return None
    d = len(found.scores)
    null = found.null_scores(list(range(d)))
    top = int(np.argmax(found.scores))
    ranks = np.mean(null >= found.scores, axis=0)
    excess = np.maximum(found.scores - null.mean(axis=0), 0.0)
    excess_shares = excess / max(float(excess.sum()), 1e-300)
    return {
        "shares": {name: float(v) for name, v in zip(found.data.names, found.shares)},
        "excess_shares": {name: float(v) for name, v in zip(found.data.names, excess_shares)},
        "ranks": {name: float(v) for name, v in zip(found.data.names, ranks)},
        "stands_out": bool(np.all(null[:, top] < found.scores[top])),
    }


def _named(read: dict, rule: Rule) -> set[str]:
    cap, slope, min_rank, excess = rule
    if not read["stands_out"]:
        return set()
    shares, ranks = read["excess_shares" if excess else "shares"], read["ranks"]
    limit = min(cap, slope / len(shares))
    return {n for n, share in shares.items() if share < limit and ranks[n] >= min_rank}


def _counts(records: list[dict], rule: Rule, n: int | None = None) -> tuple[int, int, int, int]:
    """(useless named, useless parameters, reads naming a useful one, reads) at read n (None: all)."""
    hit = n_useless = fa = n_reads = 0
    for r in records:
        useless = set(r["useless"])
        for at, read in r["reads"].items():
            if n is not None and int(at) != n:
                continue
            named = _named(read, rule)
            hit += len(named & useless)
            n_useless += len(useless)
            fa += bool(named - useless)
            n_reads += 1
    return hit, n_useless, fa, n_reads


def _rates(records: list[dict], rule: Rule) -> tuple[float, float]:
    hit, n_useless, fa, n_reads = _counts(records, rule)
    return hit / max(n_useless, 1), fa / max(n_reads, 1)


def _worst_fa(records: list[dict], rule: Rule) -> float:
    return max(_rates([r for r in records if r["case"]["sampler"] == s], rule)[1] for s in SAMPLERS)


def _choose(records: list[dict], rules: list[Rule] | None = None) -> tuple[Rule, float, float]:
    """The rule with the most detections at <= 2.5% false alarms (for each sampler)."""
    best = None
    for rule in rules or list(product(CAPS, SLOPES, MIN_RANKS, (0, 1))):
        if _worst_fa(records, rule) > CALIBRATION_FA:
            continue
        det, fa = _rates(records, rule)
        score = (det, -fa, -rule[3], -rule[2], -rule[0], -rule[1])  # ties: simpler, stricter
        if best is None or score > best[0]:
            best = (score, rule, det, fa)
    if best is None:
        return (CAPS[0], SLOPES[0], MIN_RANKS[-1], 0), float("nan"), float("nan")
    return best[1], best[2], best[3]


def _kind(rule: Rule) -> str:
    return "excess over the shuffles" if rule[3] else "scores"


def run(opts: SuiteOptions) -> Path:
    from hypersearch.diagnostics import _useless

    all_cases = cases(opts)
    log(f"pitfalls useless: {len(all_cases)} studies")
    records = []
    for i, record in enumerate(run_tasks(run_case, all_cases, opts.jobs)):
        records.append(record)
        if i % 16 == 15:
            log(f"pitfalls useless: {i + 1} of {len(all_cases)} studies")
    calibration, test = split_by_seed(records)
    rule, cal_det, cal_fa = _choose(calibration)
    default = (_useless.SHARE_CAP, _useless.SHARE_SLOPE, 0.0, 0)  # the library: shares only
    lines = _header(opts, len(records), rule, cal_det, cal_fa)
    lines += _grid(calibration, test)
    lines += _table("Test half (odd seeds), at the chosen rule", test, rule)
    lines += _table(
        f"Both halves, at the library default (cap {default[0]:g}, c {default[1]:g}, "
        f"null rank {default[2]:g}, {'excess ' if default[3] else ''}shares)",
        records,
        default,
    )
    lines += _cost(records) + NOTES
    return write_report(opts, "pitfalls-useless", lines)


def _header(opts, n, rule, det, fa) -> list[str]:  # type: ignore[no-untyped-def]
    load = os.getloadavg()
    seeds = f" --seeds {opts.seeds}" if opts.seeds else ""
    return [
        "# Pitfalls: the useless-parameter diagnostic",
        "",
        (__doc__ or "").split("\n\n", 1)[1].strip(),
        "",
        "Command: `PYTHONPATH=. OMP_NUM_THREADS=1 nice -n 5 python -m bench pitfalls --part "
        f"useless{' --quick' if opts.quick else ''}{seeds} --jobs {opts.jobs}` ({n} studies); "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} cores.",
        "",
        "### Rule chosen on the calibration half (even seeds, reads pooled)",
        "",
        "| shares of | cap | c (limit = min(cap, c / d)) | min null rank | detection (useless "
        "parameters named) | false alarms (reads naming a useful one) |",
        "|---|---|---|---|---|---|",
        f"| {_kind(rule)} | {rule[0]:g} | {rule[1]:g} | {rule[2]:g} | {det:.0%} | {fa:.1%} |",
        "",
    ]


def _grid(calibration: list[dict], test: list[dict]) -> list[str]:
    """Each family of rules, chosen the same way on the calibration half, measured on the test half."""
    lines = [
        "### Which test does the work (each chosen on the calibration half, measured on the "
        "test half, reads pooled)",
        "",
        "| rule | cap | c | min null rank | detection (cal / test) | false alarms (cal / test) |",
        "|---|---|---|---|---|---|",
    ]
    families = {
        "share of importance only": list(product(CAPS, SLOPES, (0.0,), (0,))),
        "null rank only (score against its shuffles)": list(
            product((1.0,), (100.0,), MIN_RANKS, (0,))
        ),
        "share + null rank": list(product(CAPS, SLOPES, MIN_RANKS, (0,))),
        "excess share only (score minus the shuffles' mean)": list(
            product(CAPS, SLOPES, (0.0,), (1,))
        ),
        "excess share + null rank": list(product(CAPS, SLOPES, MIN_RANKS, (1,))),
    }
    for label, rules in families.items():
        chosen, det_c, _ = _choose(calibration, rules)
        if det_c != det_c:  # NaN: no rule of the family keeps within the false-alarm cap
            lines.append(f"| {label} | - | - | - | no rule within {CALIBRATION_FA:.1%} | - |")
            continue
        det_c, fa_c = _rates(calibration, chosen)
        det_t, fa_t = _rates(test, chosen)
        lines.append(
            f"| {label} | {chosen[0]:g} | {chosen[1]:g} | {chosen[2]:g} | {det_c:.0%} / "
            f"{det_t:.0%} | {fa_c:.1%} / {fa_t:.1%} |"
        )
    lines += [
        "",
        "Null rank: the share of the 19 shuffles of the values in which the parameter scores "
        "at least as high (a parameter that matters scores above all of them).",
        "",
    ]
    for min_rank in MIN_RANKS:
        rule = (1.0, 100.0, min_rank, 0)
        det_c, fa_c = _rates(calibration, rule)
        det_t, fa_t = _rates(test, rule)
        lines.append(
            f"- null rank >= {min_rank:g} alone: detection {det_c:.0%} / {det_t:.0%}, "
            f"false alarms {fa_c:.1%} / {fa_t:.1%} (calibration / test)"
        )
    return lines + [""]


def _table(title: str, records: list[dict], rule: Rule) -> list[str]:
    lines = [
        f"### {title}",
        "",
        "| sampler | scale | d | trials | detection (useless parameters named) "
        "| false alarms (reads naming a useful parameter) |",
        "|---|---|---|---|---|---|",
    ]
    for sampler, scale, d, n in product(SAMPLERS, SCALES, DIMS, READ_AT):
        subset = [
            r
            for r in records
            if r["case"]["sampler"] == sampler
            and r["case"]["scale"] == scale
            and r["case"]["d"] == d
        ]
        lines += _row(subset, rule, n, (sampler, scale, str(d)))
    for n in READ_AT:
        lines += _row(records, rule, n, ("all", "all", "all"))
    return lines + [""]


def _row(records: list[dict], rule: Rule, n: int, labels: tuple[str, str, str]) -> list[str]:
    hit, n_useless, fa, n_reads = _counts(records, rule, n)
    if not n_reads:
        return []
    return [
        f"| {' | '.join(labels)} | {n} | {fmt_wilson(hit, n_useless)} | {fmt_wilson(fa, n_reads)} |"
    ]


def _cost(records: list[dict]) -> list[str]:
    return [
        "### Cost",
        "",
        "| what | median seconds per study |",
        "|---|---|",
        f"| `study.optimize` ({records[0]['case']['n_trials']} trials) "
        f"| {np.median([r['run_s'] for r in records]):.3f} |",
        "| one read here (importances + 19 shuffles of every parameter; the diagnostic "
        "shuffles the top one only) "
        f"| {np.median([r['read_s'] for r in records]):.4f} |",
        "",
    ]


NOTES = [
    "### How to read it",
    "",
    "* A read is one study looked at after its first 50, 100 or 200 trials (a read needs",
    "  10 trials per parameter: the 8-parameter studies are read at 100 and 200 only).",
    "* A false alarm names a parameter that does matter (weight at least 0.25 of the top",
    "  weight's range); fixing it at the best trial's value costs little when its weight is",
    "  small, but it is counted.",
    "",
]
