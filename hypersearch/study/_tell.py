"""Turning what an objective returned into a trial's final state."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from hypersearch.trial._state import TrialState


def check_values(returned: Any, n_objectives: int) -> tuple[tuple[float, ...] | None, str | None]:
    """Objective values as floats, or None with the reason they are unusable."""
    if isinstance(returned, Sequence) and not isinstance(returned, str):
        items = list(returned)
    else:
        items = [returned]
    if len(items) != n_objectives:
        return None, (
            f"the objective returned {len(items)} value(s) ({returned!r}) "
            f"but the study has {n_objectives} objective(s)"
        )
    values = []
    for item in items:
        if isinstance(item, bool):
            return None, f"the objective returned {returned!r}; a bool is not an objective value"
        try:
            value = float(item)
        except (TypeError, ValueError):
            return None, f"the objective returned {returned!r}, which is not a number"
        except OverflowError:  # an int beyond a float's range (10**400)
            return None, f"the objective returned {_short(returned)}, too large for a float"
        if math.isnan(value):
            return None, f"the objective returned NaN ({returned!r})"
        values.append(value)
    return tuple(values), None


def _short(value: Any) -> str:
    """``repr(value)`` cut to 60 characters (10**400 has 401 digits)."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}...({len(text)} characters)"


def parse_state(state: Any) -> TrialState | None:
    if state is None or isinstance(state, TrialState):
        return state
    raise TypeError(f"state must be a TrialState, got {state!r}.")
