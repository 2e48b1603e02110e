"""Turning what an objective returned into a trial's final state."""

from __future__ import annotations

import datetime
import math
import warnings
from collections.abc import Sequence
from typing import Any

from hypersearch import _keys
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

#: System attribute of a trial that holds the result of a trial failed as stale
#: while its worker still ran: the failed trial's number.
LATE_RESULT_OF_KEY = _keys.LATE_RESULT_OF


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


def failed_as_stale(stored: FrozenTrial, error: BaseException | None = None) -> bool:
    """``stored`` was failed by another worker's reaper (and ``error``, if given, says so)."""
    if error is not None and type(error).__name__ != "UpdateFinishedTrialError":
        return False
    reason = str(stored.system_attrs.get("fail_reason", ""))
    return stored.state == TrialState.FAIL and "presumed dead" in reason


def keep_late_result(
    storage: Any,
    study_id: int,
    live: FrozenTrial,
    stored: FrozenTrial,
    state: TrialState,
    values: tuple[float, ...] | None,
) -> FrozenTrial | None:
    """Store the result of a trial that another worker failed as stale while it ran.

    A worker whose heartbeats did not arrive in time (a long GIL-holding call, a
    stopped process, a slow database) finds its trial failed when it finishes.
    Its result is then added as a new COMPLETE trial (same parameters, user
    attributes and reports; ``system_attrs["late_result_of"]``: the failed
    trial's number) with a warning, instead of being dropped. Returns None when
    ``stored`` was not failed that way or there is no result to keep.
    """
    if not failed_as_stale(stored):
        return None
    reason = str(stored.system_attrs.get("fail_reason", ""))
    if state != TrialState.COMPLETE or values is None:
        return None
    template = FrozenTrial(
        number=-1,
        state=TrialState.COMPLETE,
        values=values,
        params=dict(live.params),
        distributions=dict(live.distributions),
        user_attrs=dict(live.user_attrs),
        system_attrs={LATE_RESULT_OF_KEY: stored.number},
        intermediate_values=dict(live.intermediate_values),
        datetime_start=live.datetime_start,
        datetime_complete=datetime.datetime.now(),
    )
    kept = storage.create_new_trial(study_id, template=template)
    warnings.warn(
        f"Trial {stored.number} finished, but another worker had failed it meanwhile ({reason}); "
        f"its result is stored as trial {kept.number}.",
        stacklevel=4,
    )
    return kept
