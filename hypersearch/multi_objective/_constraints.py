"""Constraint values recorded on trials, and the feasibility they imply.

A sampler given ``constraints_func`` stores its values on each finished trial
under the system attribute ``"constraints"``; a trial is feasible when every
value is ``<= 0``. Readers here take the rows they need from the history, so
studies without constraints pay nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch import _keys

if TYPE_CHECKING:
    from hypersearch.study._history import History
    from hypersearch.study._study import Study
    from hypersearch.trial._frozen import FrozenTrial
    from hypersearch.trial._state import TrialState

CONSTRAINTS_KEY = _keys.CONSTRAINTS


def check_constraints(returned: Any) -> tuple[float, ...]:
    """Constraint values as floats; ``ValueError`` naming the bad value otherwise."""
    if isinstance(returned, (str, bytes)) or not isinstance(returned, Sequence | np.ndarray):
        raise ValueError(f"constraints_func must return a sequence of numbers, got {returned!r}.")
    out = []
    for item in returned:
        if isinstance(item, bool):
            raise ValueError(
                f"constraints_func returned {returned!r}; a bool is not a constraint value."
            )
        try:
            value = float(item)
        except (TypeError, ValueError):
            raise ValueError(
                f"constraints_func returned {returned!r}; {item!r} is not a number."
            ) from None
        if math.isnan(value):
            raise ValueError(f"constraints_func returned NaN ({returned!r}).")
        out.append(value)
    return tuple(out)


def violations(history: History, rows: np.ndarray) -> np.ndarray | None:
    """Total violation ``sum(max(c, 0))`` of each row, or None when no row has constraints.

    A row without recorded constraints (in a study where others have them)
    counts as infeasible with violation ``inf``.
    """
    out = np.zeros(len(rows))
    seen = False
    for k, row in enumerate(rows.tolist()):
        values = history.trial(row).system_attrs.get(CONSTRAINTS_KEY)
        if values is None:
            out[k] = np.inf
            continue
        seen = True
        out[k] = float(np.sum(np.maximum(np.asarray(values, dtype=float), 0.0)))
    return out if seen else None


def feasible_rows(history: History, rows: np.ndarray) -> np.ndarray:
    """``rows`` without the infeasible ones, when at least one of them is feasible."""
    if len(rows) == 0:
        return rows
    viol = violations(history, rows)
    if viol is None:
        return rows
    feasible = viol <= 0
    return rows[feasible] if feasible.any() else rows


def feasible_best(history: History, best: int) -> int:
    """The best feasible COMPLETE trial of a single-objective study (``best`` when feasible).

    Only when the unconstrained best trial violates its constraints are the
    others read; with no feasible trial at all, ``best`` stays.
    """
    values = history.trial(best).system_attrs.get(CONSTRAINTS_KEY)
    if values is None or float(np.sum(np.maximum(np.asarray(values, float), 0.0))) <= 0:
        return best
    from hypersearch.trial._state import TrialState

    rows = feasible_rows(history, np.flatnonzero(history.mask(TrialState.COMPLETE)))
    signed = history.signed_values()[rows, 0]
    if np.isnan(signed).all():
        return best
    return int(rows[np.nanargmin(signed)])


def record_constraints(
    study: Study,
    trial: FrozenTrial,
    state: TrialState,
    values: Sequence[float] | None,
    func: Any,
    expected: int | None = None,
) -> None:
    """Evaluate ``func`` on the finished trial and store its values on the trial.

    Only COMPLETE and PRUNED trials are evaluated. Raises ``ValueError`` (the
    study then marks the trial FAIL, keeping the message) when ``func`` returns
    something that is not a sequence of numbers, a NaN, or (given ``expected``)
    a different number of values than earlier trials recorded.
    """
    from hypersearch.trial._state import TrialState

    if state not in (TrialState.COMPLETE, TrialState.PRUNED):
        return
    finished = trial.replace(state=state, values=None if values is None else tuple(values))
    constraints = check_constraints(func(finished))
    if expected is not None and len(constraints) != expected:
        raise ValueError(
            f"constraints_func returned {len(constraints)} values; earlier trials recorded {expected}."
        )
    study.set_trial_system_attr(trial, CONSTRAINTS_KEY, list(constraints))
