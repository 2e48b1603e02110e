"""The good / bad split of the history that TPE's two estimators are fitted on.

A split is any callable ``(history, exclude, constant_liar, gamma) -> (below,
above)`` returning two boolean row masks; :func:`split_single` and
:func:`split_multi` are the two built in. Both rank the finished trials:

1. feasible COMPLETE trials by value (one objective) or by non-domination rank
   (several objectives; the front at the cut thinned by greedy hypervolume
   subset selection, as in MOTPE);
2. then feasible PRUNED trials by ``(-last reported step, last reported value)``:
   a trial pruned later got further and is ranked better; one with no report
   comes last;
3. then, when ``violation`` is given (a sampler with ``constraints_func``),
   infeasible finished trials by total violation ``sum(max(c, 0))``.

With ``n`` finished (COMPLETE or PRUNED) trials, the ``gamma(n)`` best go
*below* (the good set), the rest *above*. RUNNING trials other than ``exclude``
(the trial being sampled) go *above* when ``constant_liar`` is on: workers in
parallel then avoid what the others are trying. FAIL trials and NaN values are left out;
``+-inf`` values are clipped to the finite extremes. :func:`with_failures_above` then
adds the FAIL trials to *above* (``TPESampler(avoid_failures=True)``, the default).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from hypersearch.multi_objective._pareto import non_dominated_ranks
from hypersearch.multi_objective._subset import greedy_hypervolume_subset, hypervolume_shares
from hypersearch.study._direction import StudyDirection
from hypersearch.study._history import History
from hypersearch.trial._state import TrialState

Split = Callable[[History, int, bool, Callable[[int], int]], tuple[np.ndarray, np.ndarray]]


def default_gamma(n: int) -> int:
    """Size of the good set for ``n`` trials: ``min(ceil(0.1 n), 25)``."""
    return min(math.ceil(0.1 * n), 25)


GAMMA_MULTI_CAP = 15


def default_gamma_multi(n: int) -> int:
    """Size of the good set with several objectives: ``min(ceil(0.1 n), 15)``.

    Uncapped, the good set grows with the study and ``l(x)`` stays broad: on the
    multi-objective suite (ZDT1-3, DTLZ2, WFG4; 10 seeds) capping it at 15 raised
    the hypervolume after 500 trials on 34 of 50 runs (Wilcoxon p < 1e-4) and
    after 200 on 34 of 50 (p = 0.052); no problem got significantly worse.
    """
    return min(math.ceil(0.1 * n), GAMMA_MULTI_CAP)


def default_weights(n: int) -> np.ndarray:
    """Observation weights, oldest first: equal up to 25, then older ones ramp down."""
    if n < 25:
        return np.ones(n)
    return np.concatenate([np.linspace(1.0 / n, 1.0, n - 25), np.ones(25)])


def _finite(values: np.ndarray) -> np.ndarray:
    """Clip +-inf to the finite extremes of each column (NaN kept)."""
    if not np.isinf(values).any():  # one pass, no copy
        return values
    out = values.copy()
    for j in range(out.shape[1]):
        col = out[:, j]
        finite = col[np.isfinite(col)]
        hi = finite.max() if len(finite) else 0.0
        lo = finite.min() if len(finite) else 0.0
        col[col == np.inf] = hi + 1.0 + abs(hi)
        col[col == -np.inf] = lo - 1.0 - abs(lo)
    return out


class _Rows(NamedTuple):
    values: np.ndarray  # minimised values, +-inf clipped
    complete: np.ndarray  # feasible COMPLETE rows with values
    pruned: np.ndarray  # feasible PRUNED rows
    infeasible: np.ndarray  # finished rows that violate a constraint, least violation first
    running: np.ndarray  # RUNNING rows other than the one being sampled (constant liar)

    @property
    def n_finished(self) -> int:
        return len(self.complete) + len(self.pruned) + len(self.infeasible)


def _rows(
    history: History, exclude: int, constant_liar: bool, violation: np.ndarray | None
) -> _Rows:
    states = history.states
    values = _finite(history.signed_values())
    complete_mask = (states == int(TrialState.COMPLETE)) & ~np.isnan(values).any(axis=1)
    pruned_mask = states == int(TrialState.PRUNED)
    infeasible = np.zeros(0, dtype=np.int64)
    if violation is not None:
        if violation.shape != (history.n,):
            raise ValueError(
                f"violation must have one value per trial ({history.n}), "
                f"got shape {violation.shape}."
            )
        bad = violation > 0
        rows = np.flatnonzero((complete_mask | pruned_mask) & bad)
        infeasible = rows[np.argsort(violation[rows], kind="stable")]
        complete_mask &= ~bad
        pruned_mask &= ~bad
    if constant_liar:
        running = np.flatnonzero(states == int(TrialState.RUNNING))
        running = running[running != exclude]
    else:
        running = np.zeros(0, dtype=np.int64)
    return _Rows(
        values, np.flatnonzero(complete_mask), np.flatnonzero(pruned_mask), infeasible, running
    )


def _fill(history: History, rows: _Rows, below: np.ndarray, n_below: int) -> np.ndarray:
    """``below`` topped up to ``n_below`` with pruned, then infeasible trials."""
    if len(below) < n_below:
        rest = np.concatenate([_pruned_order(history, rows.pruned), rows.infeasible])
        below = np.concatenate([below, rest[: n_below - len(below)]]).astype(np.int64)
    return below


def _pruned_order(history: History, pruned: np.ndarray) -> np.ndarray:
    sign = -1.0 if history.directions[0] == StudyDirection.MAXIMIZE else 1.0
    report = sign * history.last_report[pruned]
    report = np.where(np.isnan(report), np.inf, report)
    return pruned[np.lexsort((report, -history.last_step[pruned]))]


def _masks(n: int, below: np.ndarray, above: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    b = np.zeros(n, dtype=bool)
    b[below] = True
    a = np.zeros(n, dtype=bool)
    for rows in above:
        a[rows] = True
    return b, a


def split_single(
    history: History,
    exclude: int,
    constant_liar: bool,
    gamma: Callable[[int], int],
    violation: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Single objective: the ``gamma(n)`` best finished trials below.

    ``violation``: per row, the total constraint violation (``> 0``: infeasible);
    None when the sampler has no ``constraints_func``.
    """
    rows = _rows(history, exclude, constant_liar, violation)
    values, complete = rows.values, rows.complete
    n_fin = rows.n_finished
    n_below = _n_below(gamma, n_fin, n_fin)
    if n_below <= len(complete):  # only the best complete ones: a partial sort is enough
        v = values[complete, 0]
        if 0 < n_below < len(complete):
            below = complete[np.argpartition(v, n_below - 1)[:n_below]]
        else:
            below = complete[:n_below] if n_below else complete[:0]
    else:
        below = _fill(history, rows, complete, n_below)
    b, a = _masks(history.n, below, [complete, rows.pruned, rows.infeasible, rows.running])
    a &= ~b
    return b, a


def split_multi(
    history: History,
    exclude: int,
    constant_liar: bool,
    gamma: Callable[[int], int],
    violation: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Several objectives: complete trials by non-domination rank (MOTPE).

    Whole fronts go below while they fit; the front at the cut is thinned by
    greedy hypervolume subset selection (:func:`hssp_reference_point` as the
    reference), which keeps the points that cover the most of the front and
    drops weakly dominated extremes (on DTLZ2 the points with one objective
    near 0 but far from the front) that crowding distance would favour.
    ``violation`` as for :func:`split_single`.
    """
    rows = _rows(history, exclude, constant_liar, violation)
    n_fin = rows.n_finished
    n_below = _n_below(gamma, n_fin, n_fin)
    below = rows.complete[_best_by_rank(rows.values[rows.complete], n_below)]
    below = _fill(history, rows, below, n_below)
    b, a = _masks(history.n, below, [rows.complete, rows.pruned, rows.infeasible, rows.running])
    a &= ~b
    return b, a


def _best_by_rank(values: np.ndarray, k: int) -> np.ndarray:
    """Rows of the ``k`` best minimised vectors: by front, the cut front by hypervolume."""
    if k <= 0 or len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    if k >= len(values):
        return np.arange(len(values))
    ranks = non_dominated_ranks(values)
    counts = np.bincount(ranks)
    full = int(np.searchsorted(np.cumsum(counts), k, side="right"))  # fronts that fit whole
    chosen = np.flatnonzero(ranks < full)
    if len(chosen) < k:
        cut = np.flatnonzero(ranks == full)
        ref = hssp_reference_point(values[cut])
        chosen = np.concatenate(
            [chosen, cut[greedy_hypervolume_subset(values[cut], k - len(chosen), ref)]]
        )
    return np.sort(chosen)


def hssp_reference_point(front: np.ndarray) -> np.ndarray:
    """Reference for the subset selection: 10% of the front's span beyond its worst point.

    An objective on which the whole front agrees gets a margin of 1 (any
    positive margin scales every gain alike).
    """
    worst, best = front.max(axis=0), front.min(axis=0)
    span = worst - best
    return worst + np.where(span > 0, 0.1 * span, 1.0)


_WEIGHT_FLOOR = 1e-12  # a good trial's least weight, relative to the largest


def mo_below_weights(
    history: History, below: np.ndarray, violation: np.ndarray | None = None
) -> np.ndarray:
    """Per-row weights of the good trials: their share of the good set's hypervolume.

    ``w_i = max(c_i / max_j c_j, 1e-12)`` with ``c_i`` the exclusive hypervolume
    contribution of trial ``i`` among the good trials (reference point:
    :func:`hssp_reference_point` of the good set), as in MOTPE (Ozaki et al.,
    GECCO 2020): the kernels of trials that extend the front most dominate
    ``l(x)``; dominated good trials keep only a token weight. Good trials
    without finite values (pruned, or an objective at +-inf) or infeasible ones
    (``violation > 0``) get the mean weight of the others; all-equal contributions (or a
    single trial) give equal weights. Rows outside ``below`` get weight 1.
    """
    out = np.ones(history.n)
    rows = np.flatnonzero(below)
    if len(rows) < 2:
        return out
    values = history.signed_values()[rows]
    valued = np.isfinite(values).all(axis=1)  # an infinite value has no finite share
    if violation is not None:
        valued &= ~(violation[rows] > 0)
    if valued.sum() < 2:
        return out
    share = hypervolume_shares(values[valued], hssp_reference_point(values[valued]))
    top = share.max()
    if top <= 0:
        return out
    w = np.maximum(share / top, _WEIGHT_FLOOR)
    out[rows[valued]] = w
    out[rows[~valued]] = w.mean()
    return out


def _n_below(gamma: Callable[[int], int], n: int, n_finished: int) -> int:
    k = int(gamma(n))
    if k < 0:
        raise ValueError(f"gamma({n}) must be >= 0, got {k}.")
    return min(k, n_finished)


__all__ = [
    "Split",
    "default_gamma",
    "default_gamma_multi",
    "default_weights",
    "hssp_reference_point",
    "mo_below_weights",
    "split_multi",
    "split_single",
]


def with_failures_above(
    history: History, masks: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """``masks`` with the FAIL trials added to the bad set.

    A configuration that crashed (an exception, a bad value, a time limit) is no
    observation of the objective, but it says where not to go: left out, TPE keeps
    proposing a crashing region its good kernels do not cover (a 1-D test with 20%
    of the range failing: 32 of 40 trials failed, as with Optuna's TPE).
    """
    failed = history.states == int(TrialState.FAIL)
    if not failed.any():
        return masks
    below, above = masks
    return below, above | (failed & ~below)
