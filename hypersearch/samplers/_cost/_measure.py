"""What a trial cost, and how widely costs vary: pure Python, no numpy.

The cost of a finished trial is, in order of preference:

1. its ``cost`` user attribute (:data:`hypersearch._keys.COST`), when the objective
   set it to a finite number >= 0 (``trial.set_user_attr("cost", dollars)``);
2. else its measured duration in seconds (``datetime_complete - datetime_start``).

A ``cost`` attribute that is negative, NaN, infinite or not a number is not used:
the trial falls back to its duration, and a :class:`CostWarning` says so (once per
kind of problem and process). When some trials set ``cost`` and others do not, the
ones without it also fall back to their duration (seconds may not be the unit the
objective used), warned once the same way. A trial that is still running, or has
no timestamps, has no cost (None).
"""

from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

from hypersearch import _keys
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

COST_ATTR = _keys.COST
FINISHED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)
MIN_SPREAD_COSTS = 3
"""Fewer observed costs than this: :func:`cost_spread` says None (unknown)."""


class CostWarning(UserWarning):
    """A trial's ``cost`` attribute could not be used; its duration was taken instead."""


_warned: set[str] = set()
_warned_lock = threading.Lock()


def _warn_once(kind: str, message: str) -> None:
    with _warned_lock:
        if kind in _warned:
            return
        _warned.add(kind)
    warnings.warn(message, CostWarning, stacklevel=3)


def reset_warnings() -> None:
    """Forget which cost problems were already warned about (tests; a new session)."""
    with _warned_lock:
        _warned.clear()


def attr_cost(trial: FrozenTrial) -> float | None:
    """The trial's valid ``cost`` user attribute, else None (warned once when invalid)."""
    if COST_ATTR not in trial.user_attrs:
        return None
    value = trial.user_attrs[COST_ATTR]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _warn_once(
            "non-numeric",
            f"trial {trial.number}: user attribute {COST_ATTR!r} is {value!r}, not a number; "
            "its measured duration is used as its cost instead.",
        )
        return None
    value = float(value)
    if not math.isfinite(value) or value < 0:
        _warn_once(
            "invalid",
            f"trial {trial.number}: user attribute {COST_ATTR!r} is {value!r}, not a finite "
            "number >= 0; its measured duration is used as its cost instead.",
        )
        return None
    return value


def duration_cost(trial: FrozenTrial) -> float | None:
    """Seconds the trial ran, its pauses left out (promotion ASHA: a wait is not work);
    None while unfinished or without times."""
    from hypersearch.study._active import active_duration

    if trial.datetime_start is None or trial.datetime_complete is None:
        return None
    active = active_duration(trial)
    return None if active is None else max(active.total_seconds(), 0.0)


def trial_cost(trial: FrozenTrial) -> float | None:
    """What ``trial`` cost: its valid ``cost`` user attribute, else its duration (seconds).

    None for a trial that has not finished (no ``datetime_complete``).
    """
    if trial.state not in FINISHED:
        return None
    value = attr_cost(trial)
    return duration_cost(trial) if value is None else value


def observed_costs(
    trials: Iterable[FrozenTrial], states: Sequence[TrialState] = FINISHED
) -> list[float]:
    """The costs of the finished trials among ``trials`` (in ``states``), in their order.

    Trials without a cost (no timestamps) are left out. When some trials set the
    ``cost`` attribute and others do not, the others count their duration (warned once).
    """
    costs = costs_of([t for t in trials if t.state in states])
    return [c for c in costs if c is not None]


def costs_of(trials: Sequence[FrozenTrial]) -> list[float | None]:
    """:func:`trial_cost` of each trial, warning once when only some set ``cost``."""
    with_attr = sum(COST_ATTR in t.user_attrs for t in trials)
    if 0 < with_attr < len(trials):
        _warn_once(
            "missing",
            f"{len(trials) - with_attr} of {len(trials)} finished trials did not set user "
            f"attribute {COST_ATTR!r}; their measured duration (seconds) is used as their cost.",
        )
    return [trial_cost(t) for t in trials]


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100) of ``values``, linearly interpolated (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values.")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def cost_spread(costs: Iterable[float]) -> float | None:
    """How widely costs vary: the 90th percentile over the 10th.

    1.0 when every cost is the same; ``inf`` when the 10th percentile is 0 but the 90th
    is not; None (unknown) with fewer than :data:`MIN_SPREAD_COSTS` costs. Non-finite
    and negative values are ignored.
    """
    values = [float(c) for c in costs if _is_valid(c)]
    if len(values) < MIN_SPREAD_COSTS:
        return None
    p10, p90 = percentile(values, 10.0), percentile(values, 90.0)
    if p10 > 0:
        return p90 / p10
    return 1.0 if p90 == 0 else math.inf


def _is_valid(value: Any) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


def spent_cost(trials: Iterable[FrozenTrial]) -> float:
    """The summed cost of the finished trials (:func:`trial_cost` of each)."""
    return math.fsum(observed_costs(trials))


def spent_seconds(trials: Iterable[FrozenTrial]) -> float:
    """The summed durations (seconds) of the finished trials: worker time."""
    durations = (duration_cost(t) for t in trials if t.state in FINISHED)
    return math.fsum(d for d in durations if d is not None)
