"""The data step of the run plots: learning curves, timeline, budget, rungs, PBT lineage.

These need per-trial records (reports, datetimes, attributes), read once from
the snapshots the study's history already holds (no copies).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hypersearch.study._active import active_duration
from hypersearch.study._budget import COST_ATTR
from hypersearch.study._trial_ops import PAUSED_KEY
from hypersearch.trial._state import TrialState
from hypersearch.visualization._common import check_study

NO_TRIALS_AT_ALL = "The study has no trials."


@dataclass(frozen=True)
class Curves:
    """Learning curves of the trials in one state, concatenated with NaN separators."""

    state: str
    steps: np.ndarray
    values: np.ndarray
    numbers: np.ndarray  # the trial of each point (NaN at a separator)
    n_trials: int


@dataclass(frozen=True)
class IntermediateData:
    curves: list[Curves]
    message: str | None = None


def intermediate_values_data(study: Any) -> IntermediateData:
    """Reported values by step; a multi-objective report is drawn by its first component."""
    history = check_study(study).history
    numbers, steps, values = history.reports()  # columns: no trial object needed
    states = history.states[numbers]
    names = sorted((TrialState(int(s)).name, int(s)) for s in np.unique(states))
    curves = [
        _concat(name, *(a[states == s] for a in (numbers, steps, values))) for name, s in names
    ]
    message = None if curves else "No trial reported intermediate values."
    return IntermediateData(curves, message)


def _concat(state: str, numbers: np.ndarray, steps: np.ndarray, values: np.ndarray) -> Curves:
    """One state's curves, trial after trial, a NaN after each trial's last point."""
    ends = np.append(np.flatnonzero(np.diff(numbers)) + 1, len(numbers))

    def gapped(a: np.ndarray) -> np.ndarray:
        return np.insert(a.astype(float), ends, math.nan)

    return Curves(state, gapped(steps), gapped(values), gapped(numbers), len(ends))


@dataclass(frozen=True)
class TimelineData:
    """One bar per trial: ``start`` and ``end`` in seconds since the first start."""

    origin: Any  # datetime of the first start
    numbers: np.ndarray
    start: np.ndarray
    end: np.ndarray
    states: list[str]
    message: str | None = None


def timeline_data(study: Any, n_recent_trials: int | None = None) -> TimelineData:
    """Trials that started; a running one ends now. ``n_recent_trials`` keeps the last ones."""
    import datetime

    if n_recent_trials is not None and (
        isinstance(n_recent_trials, bool)
        or not isinstance(n_recent_trials, int)
        or n_recent_trials < 1
    ):
        raise ValueError(f"n_recent_trials must be a positive integer, got {n_recent_trials!r}.")
    trials = [t for t in check_study(study).history.trials() if t.datetime_start is not None]
    if n_recent_trials is not None:
        trials = trials[-n_recent_trials:]
    if not trials:
        return TimelineData(None, np.empty(0), np.empty(0), np.empty(0), [], NO_TRIALS_AT_ALL)
    origin = min(t.datetime_start for t in trials)  # type: ignore[type-var]
    now = datetime.datetime.now()
    start = np.array([(t.datetime_start - origin).total_seconds() for t in trials])  # type: ignore[operator]
    end = np.array([((t.datetime_complete or now) - origin).total_seconds() for t in trials])  # type: ignore[operator]
    numbers = np.array([t.number for t in trials], dtype=float)
    return TimelineData(origin, numbers, start, end, [t.state.name for t in trials])


@dataclass(frozen=True)
class BudgetData:
    """Cumulative spend in order of completion: trials by state, compute hours, cost."""

    time: np.ndarray  # hours since the first start, at each completion
    counts: dict[str, np.ndarray]
    compute_hours: np.ndarray
    cost: np.ndarray | None
    message: str | None = None


def budget_data(study: Any) -> BudgetData:
    trials = [
        t
        for t in check_study(study).history.trials()
        if t.datetime_complete is not None and t.datetime_start is not None
    ]
    if not trials:
        return BudgetData(np.empty(0), {}, np.empty(0), None, "No finished trials.")
    trials.sort(key=lambda t: t.datetime_complete)  # type: ignore[arg-type,return-value]
    origin = min(t.datetime_start for t in trials)  # type: ignore[type-var]
    time = np.array([(t.datetime_complete - origin).total_seconds() for t in trials]) / 3600  # type: ignore[operator]
    # The time each trial actually ran, as study.budget() counts it (a paused trial's wait is not).
    spent = np.array([(active_duration(t) or datetime.timedelta()).total_seconds() for t in trials])
    states = np.array([t.state.name for t in trials])
    counts = {s: np.cumsum(states == s) for s in sorted(set(states.tolist()))}
    costs = [t.user_attrs.get(COST_ATTR) for t in trials]
    has_cost = any(isinstance(c, (int, float)) and not isinstance(c, bool) for c in costs)
    cost = (
        np.cumsum([float(c) if isinstance(c, (int, float)) else 0.0 for c in costs])
        if has_cost
        else None
    )
    return BudgetData(time, counts, np.cumsum(spent) / 3600, cost)


@dataclass(frozen=True)
class RungsData:
    """Rung values of every trial, and what happened to it after each rung.

    ``outcome``: ``promoted`` (it reached the next rung), ``stopped`` (pruned or
    failed there), ``paused`` (waiting there), ``completed`` (it finished from
    there) or ``running``. ``steps`` per rung: steps reported by the trials whose
    highest rung it is (the budget that rung's survivors-to-be consumed).
    """

    rung: np.ndarray
    values: np.ndarray
    numbers: np.ndarray
    outcome: list[str]
    per_rung_trials: np.ndarray
    per_rung_steps: np.ndarray
    message: str | None = None


def rungs_data(study: Any) -> RungsData:
    rung, values, numbers, outcome = [], [], [], []
    n_rungs = 0
    top_steps: dict[int, int] = {}
    for t in check_study(study).history.trials():
        reached = _rung_values(t.system_attrs)
        if not reached:
            continue
        last = len(reached) - 1
        n_rungs = max(n_rungs, last + 1)
        top_steps[last] = top_steps.get(last, 0) + len(t.intermediate_values)
        for k, value in enumerate(reached):
            rung.append(k)
            values.append(value)
            numbers.append(t.number)
            outcome.append("promoted" if k < last else _final(t))
    if not rung:
        message = "No trial reached a rung (use a successive-halving pruner or scheduler)."
        return RungsData(*(np.empty(0),) * 3, [], np.empty(0), np.empty(0), message)
    rung_arr = np.array(rung)
    per_trials = np.bincount(rung_arr, minlength=n_rungs).astype(float)
    per_steps = np.array([top_steps.get(k, 0) for k in range(n_rungs)], dtype=float)
    return RungsData(
        rung_arr.astype(float), np.array(values, float), np.array(numbers, float), outcome,
        per_trials, per_steps,
    )  # fmt: skip


def _rung_values(attrs: Mapping[str, Any]) -> list[float]:
    """The trial's rung values (its ``rung_<k>`` attributes); a vector by its first value."""
    from hypersearch.multifidelity import rungs_of

    return [v[0] if isinstance(v, tuple) else v for v in rungs_of(attrs)]


def _final(trial: Any) -> str:
    if trial.state == TrialState.COMPLETE:
        return "completed"
    if trial.state == TrialState.WAITING or trial.system_attrs.get(PAUSED_KEY):
        return "paused"
    if trial.state == TrialState.RUNNING:
        return "running"
    return "stopped"


@dataclass(frozen=True)
class LineageData:
    """PBT: each member's hyperparameter steps and its exploit events.

    ``segments[member]``: ``(start, end, params)`` per segment in order;
    ``exploits``: ``(member, step, from_member, from_step)``.
    """

    params: list[str]
    segments: dict[int, list[tuple[int, int, dict[str, Any]]]]
    exploits: list[tuple[int, int, int, int]]
    message: str | None = None


def pbt_lineage_data(study: Any, params: Sequence[str] | None = None) -> LineageData:
    from hypersearch.schedulers._pbt import read_segments
    from hypersearch.schedulers._pbt_report import _members, pbt_lineage

    members = _members(read_segments(check_study(study)))
    names = sorted({n for segs in members.values() for g in segs for n in g.params})
    if params is not None:
        unknown = [p for p in params if p not in names]
        if unknown:
            raise ValueError(f"Unknown parameter(s) {unknown!r}; the PBT study has {names!r}.")
        names = list(params)
    segments = {
        m: [(g.start, g.end, dict(g.params)) for g in segs] for m, segs in sorted(members.items())
    }
    exploits = [
        (m, int(e["step"]), int(e["from_member"]), int(e["from_step"]))
        for m, events in pbt_lineage(study).items()
        for e in events
    ]
    message = None if segments else "No PBT member in this study."
    return LineageData(names, segments, exploits, message)


def member_steps(
    segs: list[tuple[int, int, dict[str, Any]]], name: str
) -> tuple[list[Any], list[Any]]:
    """One member's value of ``name`` as line points, None between segments."""
    xs: list[Any] = []
    ys: list[Any] = []
    for start, end, values in segs:
        if name in values:
            xs += [start, end, None]
            ys += [values[name], values[name], None]
    return xs, ys


def exploit_marks(d: LineageData, name: str) -> tuple[list[int], list[Any], list[str]]:
    """Where to mark exploits: the step, the value the member trained with next, a label."""
    xs, ys, text = [], [], []
    for member, step, source, source_step in d.exploits:
        value = next((p[name] for s, _, p in d.segments[member] if s == step and name in p), None)
        if value is not None:
            xs.append(step)
            ys.append(value)
            text.append(f"member {member} copied member {source} at step {source_step}")
    return xs, ys, text
