"""What the AutoSampler sees: the space, the history's size and shape, the plan.

Everything here is read from the storage (through ``study.history``) or from the
settings, so every worker that reads the same storage sees the same facts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hypersearch import _keys
from hypersearch.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hypersearch.study._history import History
from hypersearch.trial._state import TrialState

_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED)
_COMPLETE, _PRUNED, _RUNNING = (
    int(TrialState.COMPLETE),
    int(TrialState.PRUNED),
    int(TrialState.RUNNING),
)


@dataclass(frozen=True)
class SpaceFacts:
    """The union of the parameters seen so far."""

    n_params: int
    n_continuous: int  # floats without a step
    n_categorical: int
    size: float  # number of distinct configurations (inf with a continuous parameter)
    conditional: bool  # some finished trial lacks a parameter another one has

    @property
    def numeric(self) -> bool:
        return self.n_categorical == 0

    @property
    def mostly_categorical(self) -> bool:
        return 2 * self.n_categorical > self.n_params


@dataclass(frozen=True)
class Plan:
    """What the running ``optimize`` call declared (None: not declared)."""

    n_trials: int | None = None
    timeout: float | None = None
    budget_seconds: float | None = None
    n_jobs: int = 1

    @property
    def time_bound(self) -> bool:
        """True when wall-clock time, not a trial count, is what the study spends."""
        return self.n_trials is None or self.timeout is not None or self.budget_seconds is not None


@dataclass(frozen=True)
class Facts:
    """One look at the study, taken when a trial starts."""

    n_objectives: int
    n_finished: int  # COMPLETE + PRUNED
    n_running: int
    space: SpaceFacts | None  # None: no parameter seen yet
    reports: bool  # some trial reported an intermediate value
    budget_levels: bool  # the study's scheduler ladders budgets (Hyperband, SHA, ASHA)
    constraints: bool
    planned_total: int | None  # finished + what the plan still allows, if it says
    n_jobs: int = 1
    user_ladder: bool = False  # the budget ladder is the user's, not the AutoSampler's own

    @property
    def workers(self) -> int:
        """Trials running at once: the declared ``n_jobs`` or the RUNNING trials seen."""
        return max(1, self.n_running, self.n_jobs)


def distribution_size(dist: BaseDistribution) -> float:
    """How many values ``dist`` can take (inf for a continuous float)."""
    if isinstance(dist, CategoricalDistribution):
        return float(len(dist.choices))
    if isinstance(dist, IntDistribution):
        return float((dist.high - dist.low) // dist.step + 1)
    if isinstance(dist, FloatDistribution) and dist.step is not None:
        return float(round((dist.high - dist.low) / dist.step) + 1)
    return math.inf


def space_facts(history: History, conditional: bool) -> SpaceFacts | None:
    """The space as the history shows it; None before any parameter was suggested."""
    dists = history.distributions
    if not dists:
        return None
    sizes = [distribution_size(d) for d in dists.values()]
    n_cat = sum(isinstance(d, CategoricalDistribution) for d in dists.values())
    return SpaceFacts(
        n_params=len(dists),
        n_continuous=sum(math.isinf(s) for s in sizes),
        n_categorical=n_cat,
        size=float(np.prod(sizes)),
        conditional=conditional,
    )


class FactsReader:
    """Reads the facts, looking only at the rows changed since its last read.

    "Some trial reported" and "some finished trial lacks a parameter" only ever turn
    true as trials are added, so they are kept and updated from the changed rows; a
    new parameter makes every row be looked at again. A reader that starts fresh
    (a worker that joins) reads every row once and reaches the same flags.
    """

    def __init__(self) -> None:
        self._identity: object = None  # the history read last (a copy in another process differs)
        self._version = 0
        self._params: tuple[str, ...] = ()
        self.reports = False
        self.conditional = False
        self._space_key: tuple[object, ...] = ()
        self._space: SpaceFacts | None = None

    def space(self, history: History) -> SpaceFacts | None:
        """:func:`space_facts`, computed again only when the parameters or the flag changed."""
        key = (self._params, self.conditional, len(history.conflicting))
        if self._space_key != key:
            self._space_key, self._space = key, space_facts(history, self.conditional)
        return self._space

    def update(self, history: History) -> None:
        params = tuple(history.param_names)
        if params != self._params or history.identity is not self._identity:
            # a new parameter (older rows lack it) or another history: look at every row
            self._params, self._version, self.conditional = params, 0, False
            self._identity, self.reports = history.identity, False
        changed = history.row_version > self._version
        self._version = history.version
        if not changed.any():
            return
        finished = changed & history.mask(*_FINISHED)
        if not self.reports:
            self.reports = bool((history.last_step[changed] >= 0).any())
        if not self.conditional and params and finished.any():
            present = np.column_stack([~np.isnan(history.param(p)[finished]) for p in params])
            present = present[present.any(axis=1)]  # a trial told without parameters: no sign
            self.conditional = bool(len(present) and not present.all())


def planned_total(n_finished: int, n_running: int, plan: Plan, spent: int) -> int | None:
    """The trials this study will have when the plan's ``n_trials`` is used up (None: unsaid)."""
    if plan.n_trials is None:
        return None
    return n_finished + n_running + max(0, plan.n_trials - spent)


def gather(
    history: History,
    reader: FactsReader,
    plan: Plan,
    spent: int,
    budget_levels: bool,
    constraints: bool,
    user_ladder: bool = False,
) -> Facts:
    """The facts of ``history`` under ``plan`` (``spent``: trials this ``optimize`` started)."""
    reader.update(history)
    states = history.states
    n_finished = int(np.count_nonzero(states == _COMPLETE)) + int(
        np.count_nonzero(states == _PRUNED)
    )
    n_running = int(np.count_nonzero(states == _RUNNING))
    return Facts(
        n_objectives=len(history.directions),
        n_finished=n_finished,
        n_running=n_running,
        space=reader.space(history),
        reports=reader.reports,
        budget_levels=budget_levels,
        constraints=constraints or _has_constraints(history),
        planned_total=planned_total(n_finished, n_running, plan, spent),
        n_jobs=plan.n_jobs,
        user_ladder=user_ladder,
    )


def _has_constraints(history: History) -> bool:
    best = history.best_number  # any finished trial would do; the best one is at hand
    if best is None:
        return False
    return _keys.CONSTRAINTS in history.trial(best).system_attrs
