"""Useless parameters: importance near zero while other parameters matter.

Importances are PED-ANOVA's (the package default), in its global form: how far
the marginal of the best trials (the top 10%, at least 10 trials) is from the
prior over the range. A parameter that does not matter leaves the best trials
spread like the search space; an adaptive sampler can still drift them somewhat
(hence the global form: a local comparison with the sampler's own, drifted,
spread is confounded by it). The same scores for random "best" sets (the values
shuffled) show what chance and the sampler's own spread give. A parameter is
useless when its share of the summed importance is under ``min(3%, 0.1 / d)`` for
``d`` parameters (see ``SHARE_CAP``: chosen on a bench), while the top parameter's
score beats its score in each of 19 shuffles (p = 5%) (something clearly matters):
fixing it removes a dimension at little cost. The rule is strict: a parameter that
matters but less than the others is not named (few false alarms, fewer detections,
most under TPE, whose drift lifts a useless parameter's share).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hypersearch.diagnostics._finding import Finding
from hypersearch.diagnostics._view import ObjectiveView
from hypersearch.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hypersearch.importance._data import ImportanceData, scale_column
from hypersearch.importance._ped_anova import PedAnovaImportanceEvaluator

N_SHUFFLES = 19
"""Shuffles of the values: the top parameter must beat its score in each (p = 5%)."""
MIN_TRIALS = 30
"""Trials needed (and at least 10 per parameter) before importances are trusted."""
PER_PARAM = 10


SHARE_CAP = 0.03
SHARE_SLOPE = 0.1
"""A share under ``min(SHARE_CAP, SHARE_SLOPE / d)`` is "near zero" among ``d`` parameters.

Chosen by ``python -m bench pitfalls --part useless`` (bench/results/pitfalls-useless.md):
the most detections with at most 2.5% of reads naming a parameter that matters, on
half of 192 synthetic studies (TPE and random, linear and log, 4 or 8 parameters);
on the other half it names 23% of the useless parameters, with 1.2% false alarms
(the earlier 0.05 / 0.25 named 42%, with 9%). Comparing each score with its own
shuffles, or their difference, did not do better (same file).
"""


def share_limit(d: int) -> float:
    """Importance shares below this are "near zero" among ``d`` parameters."""
    return min(SHARE_CAP, SHARE_SLOPE / d)


def useless_findings(view: ObjectiveView) -> list[Finding]:
    """At most one finding naming every useless parameter (see the module docstring)."""
    evidence = importance_evidence(view)
    if evidence is None:
        return []
    d = len(evidence.scores)
    useless = [j for j in range(d) if evidence.shares[j] < share_limit(d)]
    if not useless:
        return []
    top = int(np.argmax(evidence.scores))
    if np.any(evidence.null_scores([top])[:, 0] >= evidence.scores[top]):
        return []  # nothing stands out from chance: no ground to call others useless
    return [_finding(view, evidence.data, evidence.shares, useless)]


@dataclass(frozen=True)
class ImportanceEvidence:
    """Each parameter's PED-ANOVA score and share, and their scores under shuffles."""

    data: ImportanceData
    scores: np.ndarray
    evaluator: PedAnovaImportanceEvaluator

    @property
    def shares(self) -> np.ndarray:
        return self.scores / float(self.scores.sum())

    def null_scores(self, columns: list[int]) -> np.ndarray:
        """Scores of ``columns`` with the values shuffled: shape (N_SHUFFLES, len(columns))."""
        data = self.data
        sub = ImportanceData(
            [data.names[j] for j in columns],
            [data.distributions[j] for j in columns],
            data.x[:, columns],
            data.y,
        )
        rng = np.random.default_rng(0)
        rows = []
        for _ in range(N_SHUFFLES):
            shuffled = ImportanceData(sub.names, sub.distributions, sub.x, rng.permutation(sub.y))
            rows.append(self.evaluator.scores(shuffled))
        return np.array(rows)


def importance_evidence(view: ObjectiveView) -> ImportanceEvidence | None:
    """The importances of the view's parameters; None with too few trials or nothing varying."""
    names = [n for n in sorted(view.history.param_names) if _n_values(view, n) != 1]
    d = len(names)
    if d < 2 or view.n < max(MIN_TRIALS, PER_PARAM * d):
        return None
    data = _importance_data(view, names)
    if np.ptp(data.y) == 0.0:
        return None
    gamma = min(0.5, max(0.1, 10.0 / view.n))  # at least 10 "good" trials
    evaluator = PedAnovaImportanceEvaluator(target_quantile=gamma, evaluate_on_local=False)
    scores = evaluator.scores(data)
    if not float(scores.sum()) > 0.0:
        return None
    return ImportanceEvidence(data, scores, evaluator)


def _n_values(view: ObjectiveView, name: str) -> int:
    """How many values the parameter's range holds (0: a continuum)."""
    dist = view.history.distributions[name]
    if isinstance(dist, CategoricalDistribution):
        return len(dist.choices)
    assert isinstance(dist, (FloatDistribution, IntDistribution))
    if dist.low == dist.high:
        return 1
    if dist.step is None:
        return 0
    return int(round((dist.high - dist.low) / dist.step)) + 1


def _importance_data(view: ObjectiveView, names: list[str]) -> ImportanceData:
    dists: list[BaseDistribution] = [view.history.distributions[n] for n in names]
    x = np.empty((view.n, len(names)))
    for j, (name, dist) in enumerate(zip(names, dists)):
        x[:, j] = scale_column(dist, view.history.param(name)[view.rows])
    return ImportanceData(names, dists, x, view.y)


def _finding(
    view: ObjectiveView,
    data: ImportanceData,
    all_shares: np.ndarray,
    useless: list[int],
) -> Finding:
    names = [data.names[j] for j in useless]
    shares = {data.names[j]: round(float(all_shares[j]), 4) for j in useless}
    best = view.history.trial(int(view.rows[int(np.argmin(view.y))]))
    fixed = {n: best.params[n] for n in names if n in best.params}
    d, m = len(data.names), len(names)
    counts = [_n_values(view, n) for n in names]
    factor = math.prod(counts) if all(counts) else None
    space = f"{m} of {d} dimensions ({m / d:.0%})"
    if factor is not None:
        space += f", dividing the number of distinct configurations by {factor}"
    return Finding(
        kind="useless_params",
        params=tuple(names),
        evidence={
            "importance_share": shares,
            "share_limit": round(share_limit(len(data.names)), 4),
            "fixed_params": fixed,
            "n_trials": view.n,
            "dims_removed": m,
            "dims_total": d,
            "configurations_factor": factor,
        },
        message=(
            f"{', '.join(repr(n) for n in names)} barely matter{'s' if m == 1 else ''}"
            f"{view.label()}: importance share {', '.join(f'{v:.1%}' for v in shares.values())} "
            f"(PED-ANOVA over {view.n} trials; the top parameter has "
            f"{float(all_shares.max()):.0%}). Fixing "
            f"{'it' if m == 1 else 'them'} removes {space}."
        ),
        action=(
            f"fix {'it' if m == 1 else 'them'} at the best trial's value"
            f"{'' if m == 1 else 's'}: study.sampler = hypersearch.samplers.PartialFixedSampler("
            f"{fixed!r}, base_sampler=study.sampler)"
        ),
        objective=view.objective,
    )
