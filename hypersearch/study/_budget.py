"""The budget a study spent: every result comes with it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from hypersearch import _keys
from hypersearch.study._active import active_duration, devices_of
from hypersearch.study._sessions import Session
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

COST_ATTR = _keys.COST


@dataclass(frozen=True)
class Budget:
    """What a study spent.

    Attributes:
        n_trials: Trials of every state.
        n_complete, n_pruned, n_fail, n_running, n_waiting: Trials by state.
        wall_time: From the first trial's start to the last one's end (or now), all
            sessions together.
        trial_time: Summed time the finished (and paused) trials actually ran
            (worker time); a paused trial's wait for promotion is not counted.
        steps_reported: Intermediate values reported (epochs, folds, ...).
        cost: Sum of the ``cost`` user attribute where trials set one, else None.
        device_time: Summed ``trial time x devices`` of the trials that record how many
            devices they held (``optimize(devices=N)`` or a ``"devices"`` attribute),
            else None. :attr:`device_hours` gives it in hours.
        paused_time: Time paused trials waited, left out of ``trial_time``.
        sessions: The ``optimize`` / ``reevaluate`` calls that ran, oldest first,
            each with its own wall time.
    """

    n_trials: int
    n_complete: int
    n_pruned: int
    n_fail: int
    n_running: int
    n_waiting: int
    wall_time: datetime.timedelta
    trial_time: datetime.timedelta
    steps_reported: int
    cost: float | None
    device_time: datetime.timedelta | None = None
    paused_time: datetime.timedelta = datetime.timedelta()
    sessions: tuple[Session, ...] = ()

    @property
    def device_hours(self) -> float | None:
        """``device_time`` in hours (None when no trial recorded its devices)."""
        return None if self.device_time is None else self.device_time.total_seconds() / 3600

    def __str__(self) -> str:
        text = (
            f"{self.n_trials} trials ({self.n_complete} complete, {self.n_pruned} pruned, "
            f"{self.n_fail} failed"
        )
        if self.n_running or self.n_waiting:
            text += f", {self.n_running} running, {self.n_waiting} waiting"
        text += f"); wall time {_fmt(self.wall_time)}"
        if len(self.sessions) > 1:
            walls = [_fmt(s.wall_time) for s in self.sessions[-3:]]
            more = "..., " if len(self.sessions) > 3 else ""
            text += f" over {len(self.sessions)} sessions ({more}{', '.join(walls)})"
        text += f", summed trial time {_fmt(self.trial_time)}"
        if self.paused_time > datetime.timedelta():
            text += f" (not counting {_fmt(self.paused_time)} paused)"
        if self.device_hours is not None:
            text += f", {self.device_hours:.3g} device-hours"
        text += f", {self.steps_reported} steps reported"
        if self.cost is not None:
            text += f", cost {self.cost:g}"
        return text


def _fmt(delta: datetime.timedelta) -> str:
    seconds = delta.total_seconds()
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.2f} h"


def compute_budget(trials: Iterable[FrozenTrial], sessions: Iterable[Session] = ()) -> Budget:
    counts = dict.fromkeys(TrialState, 0)
    first: datetime.datetime | None = None
    last: datetime.datetime | None = None
    trial_time = paused = datetime.timedelta()
    device_time: datetime.timedelta | None = None
    steps = 0
    cost = 0.0
    has_cost = False
    any_open = False
    for t in trials:
        counts[t.state] += 1
        steps += len(t.intermediate_values)
        if t.datetime_start is not None and (first is None or t.datetime_start < first):
            first = t.datetime_start
        if t.datetime_complete is not None:
            if last is None or t.datetime_complete > last:
                last = t.datetime_complete
        elif t.state == TrialState.RUNNING:
            any_open = True
        active = active_duration(t)
        if active is not None:
            trial_time += active
            if t.duration is not None and t.duration > active:
                paused += t.duration - active
            devices = devices_of(t)
            if devices is not None:
                device_time = (device_time or datetime.timedelta()) + active * devices
        c = t.user_attrs.get(COST_ATTR)
        if isinstance(c, (int, float)) and not isinstance(c, bool):
            cost += float(c)
            has_cost = True
    end = datetime.datetime.now() if any_open or last is None else last
    wall = end - first if first is not None else datetime.timedelta()
    return Budget(
        n_trials=sum(counts.values()),
        n_complete=counts[TrialState.COMPLETE],
        n_pruned=counts[TrialState.PRUNED],
        n_fail=counts[TrialState.FAIL],
        n_running=counts[TrialState.RUNNING],
        n_waiting=counts[TrialState.WAITING],
        wall_time=max(wall, datetime.timedelta()),
        trial_time=trial_time,
        steps_reported=steps,
        cost=cost if has_cost else None,
        device_time=device_time,
        paused_time=paused,
        sessions=tuple(sessions),
    )
