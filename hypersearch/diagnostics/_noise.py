"""Noise: repeated configurations measure the objective's spread; is the top set within it?

Trials with the same parameters (and re-evaluations, system attribute
``reeval_of`` = the trial they reran) form groups; the pooled standard deviation
within groups is the noise of one evaluation. The top configurations (by their
mean) are compared with the best: one lies within noise of it when their gap is
under twice the standard error of the difference. A finding says how many of the
top 5 are indistinguishable from the best.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch import _keys
from hypersearch.diagnostics._finding import Finding
from hypersearch.diagnostics._view import ObjectiveView

if TYPE_CHECKING:
    from hypersearch.study._history import History

TOP = 5
"""How many of the best configurations are compared with the best."""
MIN_DOF = 2
"""Degrees of freedom (repeats beyond the first, summed) needed for a noise estimate."""
Z = 2.0
"""Gaps under ``Z`` standard errors of the difference are within noise."""


def config_groups(view: ObjectiveView) -> list[list[float]]:
    """The signed values of each configuration (re-evaluations join their original)."""
    history = view.history
    names = sorted(history.param_names)
    matrix = np.nan_to_num(history.param_matrix(names)[view.rows], nan=_ABSENT)
    keys = list(map(tuple, matrix.tolist()))
    key_of = dict(zip(view.rows.tolist(), keys))
    groups: dict[Any, list[float]] = {}
    for row, key, value in zip(view.rows.tolist(), keys, view.y.tolist()):
        origin = history.trial(row).system_attrs.get(_keys.REEVAL_OF)
        if isinstance(origin, int) and not isinstance(origin, bool):
            key = key_of.get(origin, _origin_key(history, names, origin, key))
        groups.setdefault(key, []).append(value)
    return list(groups.values())


_ABSENT = -1e300  # a parameter a trial lacks (NaN would never equal itself in a key)


def _origin_key(history: History, names: list[str], number: int, default: Any) -> Any:
    """The key of a re-evaluated trial that is not among the rows (not COMPLETE)."""
    if not 0 <= number < history.n:
        return default
    values = np.nan_to_num(history.param_matrix(names)[number], nan=_ABSENT)
    return tuple(values.tolist())


def noise_findings(view: ObjectiveView) -> list[Finding]:
    """At most one finding: the best is not told apart from others by the noise."""
    groups = config_groups(view)
    dof = sum(len(g) - 1 for g in groups)
    if dof < MIN_DOF:
        return []
    pooled = sum(float(np.sum((np.array(g) - np.mean(g)) ** 2)) for g in groups if len(g) > 1)
    sd = math.sqrt(pooled / dof)
    if sd == 0.0:
        return []
    ranked = sorted(groups, key=lambda g: float(np.mean(g)))[:TOP]
    best = ranked[0]
    se_best = sd / math.sqrt(len(best))
    within = [
        g
        for g in ranked
        if float(np.mean(g)) - float(np.mean(best)) <= Z * math.sqrt(se_best**2 + sd**2 / len(g))
    ]
    if len(within) < 2:
        return []
    gap = float(np.mean(ranked[-1]) - np.mean(best))
    m, k = len(within), len(ranked)
    repeated = sum(1 for g in groups if len(g) > 1)
    return [
        Finding(
            kind="noise",
            evidence={
                "noise_sd": sd,
                "dof": dof,
                "repeated_configs": repeated,
                "within_noise": m,
                "top": k,
                "top_gap": gap,
            },
            message=(
                f"the top {m} of the best {k} configurations{view.label()} are within noise of "
                f"each other: one evaluation's noise sd is {sd:.3g} (from {repeated} repeated "
                f"configurations, {dof} degrees of freedom) while the best {k} span {gap:.3g}."
            ),
            action=(
                f"re-evaluate the top {max(m, TOP)} with several seeds, e.g. "
                f"study.reevaluate(objective, top_k={max(m, TOP)}, n_seeds=5), and pick on the "
                "mean (select='mean')"
            ),
            objective=view.objective,
        )
    ]
