"""Wilcoxon pruning: for objectives that average over folds or problem instances."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from hypersearch.pruners._base import BasePruner
from hypersearch.pruners._checks import check_int, check_real, check_single_objective
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._report_value import scalar_reports

if TYPE_CHECKING:
    from hypersearch.study._study import Study


def signed_rank_p_value(diffs: np.ndarray) -> float:
    """One-sided p-value of the Wilcoxon signed-rank test that ``diffs`` tend to be > 0.

    Zero differences are dropped; ties share their average rank. Exact (the
    null distribution of ``W+`` by dynamic programming over doubled ranks)
    up to 50 differences, the normal approximation with tie and continuity
    correction beyond. Returns 1.0 when nothing is left to test.
    """
    d = diffs[diffs != 0.0]
    n = len(d)
    if n == 0:
        return 1.0
    order = np.abs(d)
    ranks = _average_ranks(order)
    w_plus = float(ranks[d > 0].sum())
    if n <= 50:
        doubled = np.rint(2.0 * ranks).astype(np.int64)
        total = int(doubled.sum())
        counts = np.zeros(total + 1)
        counts[0] = 1.0
        for r in doubled:
            counts[r:] = counts[r:] + counts[: total + 1 - r].copy()
        observed = int(round(2.0 * w_plus))
        return float(counts[observed:].sum() / counts.sum())
    mean = n * (n + 1) / 4.0
    _, tie_counts = np.unique(order, return_counts=True)
    var = n * (n + 1) * (2 * n + 1) / 24.0 - float((tie_counts**3 - tie_counts).sum()) / 48.0
    if var <= 0:
        return 1.0
    z = (w_plus - mean - 0.5) / math.sqrt(var)
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def _average_ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="mergesort")
    sorted_x = x[order]
    ranks = np.empty(len(x))
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and sorted_x[j + 1] == sorted_x[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return ranks


class WilcoxonPruner(BasePruner):
    """Prunes a trial that a Wilcoxon signed-rank test finds worse than the best trial.

    For objectives evaluated over instances (cross-validation folds, problem
    instances, seeds) whose final value is their mean: report each instance's
    value with ``step = instance id`` (any order). On the instances the
    running trial shares with the current best COMPLETE trial, the paired
    differences ``current - best`` (sign flipped when maximising, so that
    positive means worse) are tested one-sided; the trial is pruned when the
    p-value is below ``p_threshold``. It is never pruned while it shares fewer
    than ``n_startup_steps`` instances with the best, nor while its mean over
    the shared instances is at least as good as the best's (it may become the
    new best). A NaN latest report prunes. The smallest one-sided p-value with
    ``m`` shared instances is ``2 ** -m``: with ``p_threshold=0.1`` no trial is
    pruned before it shares 4 instances with the best.

    When to pick it: expensive per-instance evaluations (k-fold CV, solver
    benchmarks) where a few instances already show a configuration is worse;
    smaller ``p_threshold`` prunes more cautiously.

    Args:
        p_threshold: Prune when the p-value is below this, in [0, 1].
        n_startup_steps: Shared instances needed before testing (>= 0).
    """

    def __init__(self, p_threshold: float = 0.1, n_startup_steps: int = 2) -> None:
        self._p_threshold = check_real("p_threshold", p_threshold, 0.0, 1.0)
        self._n_startup_steps = check_int("n_startup_steps", n_startup_steps)

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        if not trial.intermediate_values:
            return False
        check_single_objective(study, type(self).__name__)
        reports = scalar_reports(trial.intermediate_values)
        latest = max(reports)
        if math.isnan(reports[latest]):
            return True
        history = study.history
        best_number = history.best_number
        if best_number is None or best_number == trial.number:
            return False
        best = history.trial(best_number).intermediate_values
        shared = [s for s in reports if s in best]
        if len(shared) < max(self._n_startup_steps, 1):
            return False
        sign = -1.0 if study.directions[0] == StudyDirection.MAXIMIZE else 1.0
        mine = np.array([reports[s] for s in shared], dtype=float)
        theirs = np.array([best[s] for s in shared], dtype=float)
        keep = ~np.isnan(theirs)
        diffs = sign * (mine[keep] - theirs[keep])
        if len(diffs) == 0 or diffs.mean() <= 0.0:
            return False
        return signed_rank_p_value(diffs) < self._p_threshold
