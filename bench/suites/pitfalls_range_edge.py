"""Pitfalls, range edge: does the range-edge diagnostic fire when (and only when) it should?

200 synthetic studies (quick: 16): the range of a parameter ``t`` includes its optimum
(at 20-80% of the range) or excludes it (10-50% of the range beyond one edge), on a
linear or a log scale, searched by TPE or random sampling for 200 trials; three
more parameters sit beside it (``a``: a numeric one that matters, optimum inside;
``w``: a useless float; ``k``: a useless int). Each study is read at 40, 100 and
200 trials. The test's level (alpha) and minimum share of the top-k in the edge are
chosen on the even-seeded half (the most detections with at most 2.5% false alarms
for each sampler) and measured on the odd-seeded half. A detection is a finding on ``t`` at the
right edge; a false alarm is a study with a range-edge finding anywhere but on an
excluding ``t`` (on any parameter, or only on those with an interior optimum: ``a``,
and ``t`` when its range holds the optimum; ``w`` and ``k`` are optimal everywhere).
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

PART = "range-edge"
SAMPLERS = ("tpe", "random")
SCALES = ("linear", "log")
READ_AT = (40, 100, 200)
ALPHAS = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 1.0)
MIN_SHARES = (0.2, 0.3, 0.4, 0.5)
LEVELS = (0.01, 0.02, 0.05, 0.1, 1.0)  # of both comparisons (1.0: off)
CALIBRATION_FA = 0.025


@dataclass(frozen=True)
class Case:
    seed: int
    include: bool
    scale: str
    sampler: str
    n_trials: int


def cases(opts: SuiteOptions) -> list[Case]:
    seeds = opts.seeds or (2 if opts.quick else 25)
    n_trials = 60 if opts.quick else READ_AT[-1]
    return [
        Case(seed, include, scale, sampler, n_trials)
        for seed, include, scale, sampler in product(range(seeds), (True, False), SCALES, SAMPLERS)
    ]


def _optimum(case: Case, rng: np.random.Generator) -> tuple[float, str]:
    """Where ``t``'s optimum lies, as a share of its range (outside [0, 1]: excluded)."""
    if case.include:
        return float(rng.uniform(0.2, 0.8)), ""
    beyond = float(rng.uniform(0.1, 0.5))
    return (-beyond, "low") if rng.random() < 0.5 else (1.0 + beyond, "high")


def run_case(case: Case) -> dict:
    import hypersearch as hs

    quiet_warnings()
    hs.logging.set_verbosity(hs.logging.ERROR)
    rng = np.random.default_rng([case.seed, int(case.include), SCALES.index(case.scale)])
    c_t, side = _optimum(case, rng)
    c_a = float(rng.uniform(-3.0, 3.0))
    noise = np.random.default_rng(case.seed)
    log_scale = case.scale == "log"

    def objective(trial: hs.Trial) -> float:
        if log_scale:
            t = trial.suggest_float("t", 1e-4, 1e-1, log=True)
            u = (math.log10(t) + 4.0) / 3.0
        else:
            t = trial.suggest_float("t", 0.0, 10.0)
            u = t / 10.0
        a = trial.suggest_float("a", -5.0, 5.0)
        trial.suggest_float("w", 0.0, 1.0)
        trial.suggest_int("k", 1, 8)
        return 4.0 * (u - c_t) ** 2 + 0.04 * (a - c_a) ** 2 + 0.01 * noise.normal()

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
    for n in [r for r in READ_AT if r <= case.n_trials] or [case.n_trials]:
        reads[n] = _evidence(study, n)
    start = time.perf_counter()
    findings = [f for f in study.diagnose() if f.kind == "range_edge"]
    diag_s = time.perf_counter() - start
    return {
        "case": case.__dict__,
        "side": side,
        "reads": reads,
        "default_findings": [(f.params[0], f.detail) for f in findings],
        "run_s": run_s,
        "diagnose_s": diag_s,
    }


def _evidence(study, n: int) -> list[tuple]:  # type: ignore[type-arg]
    """(param, side, k, top-k in edge, expected share, p, within p, edges tested), first n."""
    from hypersearch.diagnostics._range_edge import edge_evidence, numeric_params, scaled_params
    from hypersearch.diagnostics._view import objective_views
    from hypersearch.importance._data import scale_column

    view = objective_views(study.history)[0]
    rows = view.rows[:n]
    y = view.y[:n]
    params = numeric_params(view)
    scaled = scaled_params(view)
    out = []
    for name, dist in params.items():
        u = scale_column(dist, view.history.param(name)[rows])
        others = np.column_stack([c[:n] for other, c in scaled.items() if other != name])
        for side, k, x, share, p, within, matched in edge_evidence(dist, u, y, others):
            out.append((name, side, k, x, share, p, within, matched, 2 * len(params)))
    return out


Rule = tuple[float, float, float, float]  # (alpha, min share, within level, matched level)


def _fires(record: dict, n: int, rule: Rule) -> set[tuple[str, str]]:
    alpha, min_share, within_level, matched_level = rule
    fired = set()
    for name, side, k, x, _share, p, within, matched, tests in record["reads"][n]:
        if (
            x >= min_share * k
            and p * tests <= alpha
            and within <= within_level
            and matched <= matched_level
        ):
            fired.add((name, side))
    return fired


INTERIOR = ("t", "a")  # the parameters with an optimum (inside their range, but t's may not be)


def _rates(
    records: list[dict], n: int, rule: Rule, interior_only: bool = False
) -> tuple[int, int, int, int]:
    """(detections, excluded studies, studies with a false alarm, studies).

    ``interior_only``: count only findings on a parameter whose optimum lies inside its
    range (not the useless ``w`` and ``k``, whose whole range is optimal).
    """
    det = n_ex = fa = n_all = 0
    for r in records:
        if n not in r["reads"]:
            continue
        fired = _fires(r, n, rule)
        wrong = {
            name
            for name, _ in fired
            if not (name == "t" and not r["case"]["include"])
            and (name in INTERIOR or not interior_only)
        }
        n_all += 1
        fa += bool(wrong)
        if not r["case"]["include"]:
            n_ex += 1
            det += ("t", r["side"]) in fired
    return det, n_ex, fa, n_all


def _pooled(records: list[dict], rule: Rule) -> tuple[float, float]:
    """(detection rate, false-alarm rate) over every read."""
    det = n_ex = fa = n_all = 0
    for n in READ_AT:
        d, e, f, a = _rates(records, n, rule)
        det, n_ex, fa, n_all = det + d, n_ex + e, fa + f, n_all + a
    return det / max(n_ex, 1), fa / max(n_all, 1)


def _worst_fa(records: list[dict], rule: Rule) -> float:
    """The higher of the samplers' false-alarm rates (each sampler must keep under the cap)."""
    return max(
        _pooled([r for r in records if r["case"]["sampler"] == s], rule)[1] for s in SAMPLERS
    )


def _choose(records: list[dict]) -> tuple[Rule, float, float]:
    """The rule with the most detections at <= 2.5% false alarms (for each sampler)."""
    best = None
    for alpha, share, level in product(ALPHAS, MIN_SHARES, LEVELS):
        rule = (alpha, share, level, level)
        det, fa = _pooled(records, rule)
        if _worst_fa(records, rule) > CALIBRATION_FA:
            continue
        score = (det, -fa, rule[0], rule[2], rule[3])
        if best is None or score > best[0]:
            best = (score, rule, det, fa)
    if best is None:
        return (ALPHAS[0], MIN_SHARES[-1], LEVELS[0], LEVELS[0]), float("nan"), float("nan")
    return best[1], best[2], best[3]


def run(opts: SuiteOptions) -> Path:
    from hypersearch.diagnostics import _range_edge

    all_cases = cases(opts)
    log(f"pitfalls range-edge: {len(all_cases)} studies")
    records = list(run_tasks(run_case, all_cases, opts.jobs))
    calibration, test = split_by_seed(records)
    rule, cal_det, cal_fa = _choose(calibration)
    default = (1.0, _range_edge.MIN_SHARE, _range_edge.LEVEL, _range_edge.LEVEL)
    lines = _header(opts, len(records), rule, cal_det, cal_fa)
    lines += _ablation(calibration, test, rule)
    lines += _table("Test half (odd seeds), at the chosen rule", test, rule)
    lines += _table(
        f"Both halves, at the library default (alpha {default[0]:g}, min share "
        f"{default[1]:g}, within-block level {default[2]:g}, matched level {default[3]:g})",
        records,
        default,
    )
    lines += _cost(records) + NOTES
    return write_report(opts, "pitfalls-range-edge", lines)


def _header(opts, n, rule, det, fa) -> list[str]:  # type: ignore[no-untyped-def]
    load = os.getloadavg()
    return [
        "# Pitfalls: the range-edge diagnostic",
        "",
        (__doc__ or "").split("\n\n", 1)[1].strip(),
        "",
        f"Command: `python -m bench pitfalls --part range-edge{' --quick' if opts.quick else ''}`"
        f" ({n} studies); {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} cores.",
        "",
        "### Threshold chosen on the calibration half (even seeds, reads pooled)",
        "",
        "| alpha | min share of top-k in edge | within-block level | matched level | detection "
        "| false alarms |",
        "|---|---|---|---|---|---|",
        f"| {rule[0]:g} | {rule[1]:g} | {rule[2]:g} | {rule[3]:g} | {det:.0%} | {fa:.1%} |",
        "",
    ]


def _ablation(calibration: list[dict], test: list[dict], rule: Rule) -> list[str]:
    """Each test alone, chosen the same way, measured on the test half (reads pooled)."""
    lines = [
        "### Which test does the work (each chosen on the calibration half, measured on the "
        "test half, reads pooled)",
        "",
        "| rule | alpha | min share | within-block level | matched level | detection "
        "| false alarms |",
        "|---|---|---|---|---|---|---|",
    ]
    variants = {
        "top-k binomial only": list(product(ALPHAS, MIN_SHARES, (1.0,), (1.0,))),
        "within-block comparison only": list(product((1.0,), MIN_SHARES, LEVELS, (1.0,))),
        "matched comparison only": list(product((1.0,), MIN_SHARES, (1.0,), LEVELS)),
        "top-k + matched": list(product(ALPHAS, MIN_SHARES, (1.0,), LEVELS)),
        "all three (the rule)": [rule],
    }
    for label, rules in variants.items():
        best = None
        for candidate in rules:
            det, _ = _pooled(calibration, candidate)
            ok = _worst_fa(calibration, candidate) <= CALIBRATION_FA
            if ok and (best is None or det > best[0]):
                best = (det, candidate)
        if best is None:
            lines.append(f"| {label} | - | - | - | - | no rule within {CALIBRATION_FA:.1%} | - |")
            continue
        cand = best[1]
        det, fa = _pooled(test, cand)
        lines.append(
            f"| {label} | {cand[0]:g} | {cand[1]:g} | {cand[2]:g} | {cand[3]:g} | {det:.0%} "
            f"| {fa:.1%} |"
        )
    return lines + [""]


def _table(title: str, records: list[dict], rule: Rule) -> list[str]:
    lines = [
        f"### {title}",
        "",
        "| sampler | scale | trials | detection (range excludes the optimum) | false alarms "
        "(any parameter) | false alarms (parameters with an interior optimum) |",
        "|---|---|---|---|---|---|",
    ]
    for sampler, scale, n in product(SAMPLERS, SCALES, READ_AT):
        subset = [
            r for r in records if r["case"]["sampler"] == sampler and r["case"]["scale"] == scale
        ]
        lines += _row(subset, n, rule, sampler, scale)
    for n in READ_AT:
        lines += _row(records, n, rule, "all", "all")
    return lines + [""]


def _row(records: list[dict], n: int, rule: Rule, sampler: str, scale: str) -> list[str]:
    det, n_ex, fa, n_all = _rates(records, n, rule)
    if not n_all:
        return []
    fa_interior = _rates(records, n, rule, interior_only=True)[2]
    return [
        f"| {sampler} | {scale} | {n} | {fmt_wilson(det, n_ex)} | {fmt_wilson(fa, n_all)} "
        f"| {fmt_wilson(fa_interior, n_all)} |"
    ]


NOTES = [
    "### How to read it",
    "",
    "* The top-k count alone (the first idea: is the edge over-represented among the best",
    "  trials, against the sampler's exploring spread?) cannot keep false alarms at 2.5%:",
    "  multivariate TPE drifts the useless ``w`` and ``k`` to an edge together with good",
    "  values of the others, so their best trials crowd an edge too. The two comparisons",
    "  (edge trials against their contemporaries, and against their nearest twins in the",
    "  other parameters) are what tells a cut-off optimum from such drift.",
    "* The remaining false alarms are all on ``w`` / ``k`` under TPE (the last column: none on",
    "  a parameter whose optimum lies inside its range). Calling a useless parameter's edge",
    "  is harmless (widening it costs little) but it is counted.",
    "* Random sampling puts only 5% of its trials in an edge, so it needs about 100 trials",
    "  before the best ones can crowd it; TPE is found from 40 trials on.",
    "",
]


def _cost(records: list[dict]) -> list[str]:
    diag = [r["diagnose_s"] for r in records]
    run_s = [r["run_s"] for r in records]
    return [
        "### Cost",
        "",
        "| what | median seconds per study |",
        "|---|---|",
        f"| `study.optimize` ({records[0]['case']['n_trials']} trials) | {np.median(run_s):.3f} |",
        f"| `study.diagnose()` after them (every diagnostic) | {np.median(diag):.4f} |",
        "",
    ]
