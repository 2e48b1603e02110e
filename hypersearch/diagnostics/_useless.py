"""Useless parameters: importance near zero while other parameters matter.

Importances are PED-ANOVA's (the package default), in its global form: how far
the marginal of the best trials (the top 10%, at least 10 trials) is from the
prior over the range. A parameter that does not matter leaves the best trials
spread like the search space; an adaptive sampler can still drift them somewhat
(hence the global form: a local comparison with the sampler's own, drifted,
spread is confounded by it). The same scores for random "best" sets (the values
shuffled) show what chance and the sampler's own spread give. A parameter is
useless when its share of the summed importance is under ``min(5%, 1/(4 d))`` for
``d`` parameters, while the top parameter's score beats its score in each of 19 shuffles (p = 5%)
(something clearly matters): fixing it removes a dimension at little cost.
"""

from __future__ import annotations

import math

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


def share_limit(d: int) -> float:
    """Importance shares below this are "near zero" among ``d`` parameters."""
    return min(0.05, 0.25 / d)


def useless_findings(view: ObjectiveView) -> list[Finding]:
    """At most one finding naming every useless parameter (see the module docstring)."""
    names = [n for n in sorted(view.history.param_names) if _n_values(view, n) != 1]
    d = len(names)
    if d < 2 or view.n < max(MIN_TRIALS, PER_PARAM * d):
        return []
    data = _importance_data(view, names)
    if np.ptp(data.y) == 0.0:
        return []
    gamma = min(0.5, max(0.1, 10.0 / view.n))  # at least 10 "good" trials
    evaluator = PedAnovaImportanceEvaluator(target_quantile=gamma, evaluate_on_local=False)
    scores = evaluator.scores(data)
    total = float(scores.sum())
    if not total > 0.0:
        return []
    shares = scores / total
    useless = [j for j in range(d) if shares[j] < share_limit(d)]
    if not useless or not _stands_out(evaluator, data, int(np.argmax(scores))):
        return []
    return [_finding(view, data, shares, useless)]


def _stands_out(evaluator: PedAnovaImportanceEvaluator, data: ImportanceData, j: int) -> bool:
    """Whether parameter ``j``'s score beats its score under each of the shuffles (p = 5%)."""
    one = ImportanceData([data.names[j]], [data.distributions[j]], data.x[:, [j]], data.y)
    top = float(evaluator.scores(one)[0])
    rng = np.random.default_rng(0)
    for _ in range(N_SHUFFLES):
        shuffled = ImportanceData(one.names, one.distributions, one.x, rng.permutation(one.y))
        if evaluator.scores(shuffled)[0] >= top:
            return False  # nothing stands out from chance: no ground to call others useless
    return True


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
