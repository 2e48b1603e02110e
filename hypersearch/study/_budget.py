"""The budget a study spent: every result comes with it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from hypersearch import _keys
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

COST_ATTR = _keys.COST


@dataclass(frozen=True)
class Budget:
    """What a study spent.

    Attributes:
        n_trials: Trials of every state.
        n_complete, n_pruned, n_fail, n_running, n_waiting: Trials by state.
        wall_time: From the first trial's start to the last one's end (or now).
        trial_time: Summed durations of finished trials (worker time).
        steps_reported: Intermediate values reported (epochs, folds, ...).
        cost: Sum of the ``cost`` user attribute where trials set one, else None.
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

    def __str__(self) -> str:
        text = (
            f"{self.n_trials} trials ({self.n_complete} complete, {self.n_pruned} pruned, "
            f"{self.n_fail} failed"
        )
        if self.n_running or self.n_waiting:
            text += f", {self.n_running} running, {self.n_waiting} waiting"
        text += (
            f"); wall time {_fmt(self.wall_time)}, summed trial time {_fmt(self.trial_time)}, "
            f"{self.steps_reported} steps reported"
        )
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


def compute_budget(trials: Iterable[FrozenTrial]) -> Budget:
    counts = dict.fromkeys(TrialState, 0)
    first: datetime.datetime | None = None
    last: datetime.datetime | None = None
    trial_time = datetime.timedelta()
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
            if t.datetime_start is not None:
                trial_time += t.datetime_complete - t.datetime_start
        elif t.state == TrialState.RUNNING:
            any_open = True
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
    )
