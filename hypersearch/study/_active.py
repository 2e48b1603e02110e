"""The time a trial actually ran: a paused trial's waiting time is not work.

A trial paused by a scheduler (promotion ASHA) goes back to WAITING and may be
resumed much later; start-to-finish would count the wait. The run loop keeps,
in system attribute ``"active_time"``, the seconds worked before the last pause
and the time of the last resume (``since``, None while paused); a trial never
paused has none and its active time is its duration.
"""

from __future__ import annotations

import datetime
from typing import Any

from hypersearch import _keys
from hypersearch.storages._base import BaseStorage
from hypersearch.trial._frozen import FrozenTrial

ACTIVE_KEY = _keys.ACTIVE_TIME


def _now() -> datetime.datetime:
    return datetime.datetime.now()  # the storages' clock (local, naive)


def _record(trial: FrozenTrial) -> tuple[float, datetime.datetime | None] | None:
    """(seconds worked before the last pause, time of the last resume), or None if never paused."""
    record = trial.system_attrs.get(ACTIVE_KEY)
    if not isinstance(record, dict):
        return None
    since = record.get("since")
    return float(record.get("seconds", 0.0)), (
        datetime.datetime.fromisoformat(since) if isinstance(since, str) else None
    )


def record_pause(storage: BaseStorage, trial: FrozenTrial) -> None:
    """Add the time since the trial's (re)start to its worked seconds; it now waits."""
    record = _record(trial)
    seconds, since = record if record is not None else (0.0, trial.datetime_start)
    if since is not None:
        seconds += max((_now() - since).total_seconds(), 0.0)
    storage.set_trial_system_attr(trial.trial_id, ACTIVE_KEY, {"seconds": seconds, "since": None})


def record_resume(storage: BaseStorage, trial: FrozenTrial) -> None:
    """The paused trial runs again from now."""
    record = _record(trial)
    seconds = record[0] if record is not None else 0.0
    storage.set_trial_system_attr(
        trial.trial_id, ACTIVE_KEY, {"seconds": seconds, "since": _now().isoformat()}
    )


def active_duration(trial: FrozenTrial) -> datetime.timedelta | None:
    """How long the trial ran: finished or paused trials; None for others (running, queued)."""
    record = _record(trial)
    if record is None:
        return trial.duration
    seconds, since = record
    if since is not None:  # ran since its last resume
        if trial.datetime_complete is None:
            return None
        seconds += max((trial.datetime_complete - since).total_seconds(), 0.0)
    return datetime.timedelta(seconds=seconds)


def devices_of(trial: FrozenTrial) -> float | None:
    """The devices the trial held: system attribute ``"devices"``, else the user attribute."""
    for attrs in (trial.system_attrs, trial.user_attrs):
        value: Any = attrs.get(_keys.DEVICES)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
            return float(value)
    return None
