"""The running trials this process started, kept as it writes them: reading one back is free.

A RUNNING trial is written by the worker running it: its parameters, reports and
attributes (a sampler's or pruner's too) all pass through that worker's storage
object, which records each write here once the database has committed it. So
``get_trial`` on such a trial (``tell`` reads the trial it finishes) costs no
round trip, and on a shared SQLite file no page-cache reload. The one change
another process makes to a running trial is to finish it (the heartbeat reaper
failing a worker it presumes dead): the owner's next write to it then fails,
which drops the entry here, and later reads go to the database.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from hypersearch.distributions import BaseDistribution
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._report_value import IntermediateValue
from hypersearch.trial._state import TrialState


@dataclass
class _Live:
    trial: FrozenTrial  # number, trial_id, datetime_start
    params: dict[str, Any] = field(default_factory=dict)
    distributions: dict[str, BaseDistribution] = field(default_factory=dict)
    user_attrs: dict[str, Any] = field(default_factory=dict)
    system_attrs: dict[str, Any] = field(default_factory=dict)
    steps: dict[int, IntermediateValue] = field(default_factory=dict)


class LiveTrials:
    """Thread-safe map trial_id -> this process's view of its running trial."""

    def __init__(self, copy_attrs: Any) -> None:
        self._copy_attrs = copy_attrs  # the storage's attribute copy (a JSON round trip)
        self._lock = threading.Lock()
        self._trials: dict[int, _Live] = {}

    def own(self, trial: FrozenTrial) -> None:
        """Record a RUNNING trial this process just started (a snapshot read or made by it)."""
        live = _Live(
            trial=trial,
            params=dict(trial.params),
            distributions=dict(trial.distributions),
            user_attrs=self._copy_attrs(dict(trial.user_attrs)),
            system_attrs=self._copy_attrs(dict(trial.system_attrs)),
            steps=dict(trial.intermediate_values),
        )
        with self._lock:
            self._trials[trial.trial_id] = live

    def get(self, trial_id: int) -> FrozenTrial | None:
        with self._lock:
            live = self._trials.get(trial_id)
            if live is None:
                return None
            return live.trial.replace(
                state=TrialState.RUNNING,
                params=dict(live.params),
                distributions=dict(live.distributions),
                user_attrs=self._copy_attrs(live.user_attrs),
                system_attrs=self._copy_attrs(live.system_attrs),
                intermediate_values=dict(live.steps),
            )

    def steps(self, trial_id: int) -> dict[int, IntermediateValue] | None:
        """A copy of the reports this process wrote for a live trial, else None."""
        with self._lock:
            live = self._trials.get(trial_id)
            return None if live is None else dict(live.steps)

    def set_param(self, trial_id: int, name: str, value: Any, dist: BaseDistribution) -> None:
        with self._lock:
            live = self._trials.get(trial_id)
            if live is not None:
                live.params[name] = value
                live.distributions[name] = dist

    def add_param(self, trial_id: int, name: str, value: Any, dist: BaseDistribution) -> bool:
        """Record a parameter the trial lacks; False if it is not live here or has it already."""
        with self._lock:
            live = self._trials.get(trial_id)
            if live is None or name in live.params:
                return False
            live.params[name] = value
            live.distributions[name] = dist
            return True

    def set_step(self, trial_id: int, step: int, value: IntermediateValue) -> None:
        with self._lock:
            live = self._trials.get(trial_id)
            if live is not None:
                live.steps[step] = value

    def set_attr(self, trial_id: int, kind: str, key: str, stored: Any) -> None:
        """``stored``: the value as the database gives it back (JSON round-tripped)."""
        with self._lock:
            live = self._trials.get(trial_id)
            if live is not None:
                (live.user_attrs if kind == "user" else live.system_attrs)[key] = stored

    def drop(self, trial_id: int) -> None:
        with self._lock:
            self._trials.pop(trial_id, None)
