"""Does an early step rank trials like the final value does?  The check behind early pruning."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._study import Study


@dataclass(frozen=True)
class StepCorrelation:
    """Spearman rank correlation between the reports at ``step`` and the final values.

    Attributes:
        step: The intermediate step (e.g. epoch) compared with the final value.
        n_trials: Completed trials that reported ``step`` (the sample size).
        rho: Spearman's rho in ``[-1, 1]``; NaN when fewer than ``min_trials`` trials
            reported the step or either side is constant.
    """

    step: int
    n_trials: int
    rho: float


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    r"""Spearman's :math:`\rho`: Pearson's correlation of the average ranks (ties share).

    NaN when either side is constant (or has fewer than two values).
    """
    if len(x) < 2:
        return math.nan
    from scipy.stats import rankdata  # lazy: scipy.stats costs ~0.5 s at import

    rx, ry = rankdata(x), rankdata(y)
    sx, sy = rx.std(), ry.std()
    if sx == 0.0 or sy == 0.0:
        return math.nan
    rho = float(np.mean((rx - rx.mean()) * (ry - ry.mean())) / (sx * sy))
    return min(max(rho, -1.0), 1.0)  # rounding can step just outside


def rung_rank_correlation(
    study: Study, steps: Iterable[int] | None = None, *, min_trials: int = 5
) -> list[StepCorrelation]:
    r"""How well each intermediate step predicts the final ranking of a finished study.

    For each ``step``, over the COMPLETE trials that reported it,

    .. math:: \rho(\text{step}) = \operatorname{Spearman}\big(
        \{v_t(\text{step})\}_t, \{y_t\}_t\big)

    with :math:`v_t(\text{step})` trial ``t``'s report at that step and :math:`y_t` its
    final value. Early stopping at a rung (median, successive halving, Hyperband, ASHA)
    assumes the ranking at the rung is the final ranking: :math:`\rho` near 1 means it
    is; the lower it gets, the more good configurations a pruner at that step throws
    away. Rules of thumb (measured on the multi-fidelity benchmark, see the README's
    "When not to trust early pruning"): with :math:`\rho \gtrsim 0.8` at the first rung
    aggressive pruning pays; below about 0.5, start the rungs later (a larger
    ``min_resource``) or keep Hyperband's full-budget bracket; near or below 0 the early
    steps mislead and pruning there is worse than none.

    Under a pruner, completed trials are the survivors of every rung, whose early values
    vary less than everyone's, so :math:`\rho` is understated (range restriction). The
    unbiased check is a small pilot study without pruning (``NopPruner``), e.g. 20-30
    random configurations trained to the end.

    Args:
        study: The study to inspect (single objective).
        steps: The steps to evaluate (e.g. the rung resources ``[1, 3, 9, 27]``);
            default every step reported by at least ``min_trials`` completed trials.
        min_trials: Fewest completed trials that must have reported a step for its
            :math:`\rho` to be computed (>= 2); below that ``rho`` is NaN.

    Returns:
        One :class:`StepCorrelation` per step, in increasing step order.

    Raises:
        ValueError: ``min_trials`` < 2, a negative step, or a multi-objective study.

    Example:
        >>> import hypersearch as hs
        >>> hs.logging.set_verbosity(hs.logging.WARNING)
        >>> study = hs.create_study(pruner=hs.pruners.NopPruner())
        >>> def objective(trial):
        ...     x = trial.suggest_float("x", 0.0, 1.0)
        ...     for step in range(1, 4):
        ...         trial.report((x - 0.3) ** 2 + 1.0 / step, step)
        ...     return (x - 0.3) ** 2
        >>> study.optimize(objective, n_trials=10)
        >>> [(c.step, c.n_trials, round(c.rho, 2)) for c in rung_rank_correlation(study)]
        [(1, 10, 1.0), (2, 10, 1.0), (3, 10, 1.0)]
    """
    if isinstance(min_trials, bool) or not isinstance(min_trials, int) or min_trials < 2:
        raise ValueError(f"min_trials must be an integer >= 2, got {min_trials!r}.")
    if len(study.directions) != 1:
        raise ValueError("rung_rank_correlation needs a single-objective study.")
    trials = [
        t
        for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        if t.values is not None
    ]
    if steps is None:
        counts: dict[int, int] = {}
        for t in trials:
            for s in t.intermediate_values:
                counts[s] = counts.get(s, 0) + 1
        chosen = sorted(s for s, c in counts.items() if c >= min_trials)
    else:
        chosen = sorted(set(steps))
        bad = [s for s in chosen if isinstance(s, bool) or not isinstance(s, int) or s < 0]
        if bad:
            raise ValueError(f"steps must be integers >= 0, got {bad!r}.")
    out = []
    for step in chosen:
        pairs = [
            (t.intermediate_values[step], t.values[0])  # type: ignore[index]
            for t in trials
            if step in t.intermediate_values
        ]
        arr = np.asarray(pairs, dtype=float).reshape(-1, 2)
        arr = arr[~np.isnan(arr).any(axis=1)]
        rho = spearman(arr[:, 0], arr[:, 1]) if len(arr) >= min_trials else math.nan
        out.append(StepCorrelation(step, len(arr), rho))
    return out


__all__ = ["StepCorrelation", "rung_rank_correlation", "spearman"]
