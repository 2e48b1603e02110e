"""Budgets in cost and in trial seconds: ``study.optimize(budget_cost=..., budget_seconds=...)``.

Both budgets count the whole study (earlier ``optimize`` calls and other workers
included), not only this call: a study that already spent its budget starts no trial
(warned). The cost of a trial is :func:`~hypersearch.samplers._cost.trial_cost` (its
``cost`` user attribute, else its duration); trial seconds are summed durations
(worker time, not wall time). Like ``timeout``, a budget is checked after each trial
ends: no new trial starts once it is spent, while trials already running finish (the
last ones may overshoot it).

``optimize`` records the declared budgets in the study's system attributes
(:data:`~hypersearch._keys.BUDGET_COST`, :data:`~hypersearch._keys.BUDGET_SECONDS`,
and :data:`~hypersearch._keys.BUDGET_TRIALS`: the number of finished trials the run aims
at with ``n_trials``), where cost-cooled samplers and the automatic strategy read them.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypersearch import _keys
from hypersearch.samplers._cost._measure import FINISHED, spent_cost, spent_seconds

if TYPE_CHECKING:
    from hypersearch.study._study import Study
    from hypersearch.trial._frozen import FrozenTrial


class BudgetWarning(UserWarning):
    """A declared budget is already spent, or one trial alone spent it."""


@dataclass(frozen=True)
class DeclaredBudget:
    """The budgets the last ``optimize`` call declared (None: not given)."""

    cost: float | None = None
    seconds: float | None = None
    trials: int | None = None


def check_budget(name: str, value: Any) -> float | None:
    """``value`` as a float, for a budget that must be None or a finite number > 0."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be None or a number > 0, got {value!r}.")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be None or a finite number > 0, got {value!r}.")
    return float(value)


def declared_budget(system_attrs: Mapping[str, Any]) -> DeclaredBudget:
    """The budgets recorded in a study's system attributes."""
    cost, seconds, trials = (
        system_attrs.get(k) for k in (_keys.BUDGET_COST, _keys.BUDGET_SECONDS, _keys.BUDGET_TRIALS)
    )
    return DeclaredBudget(
        cost=None if cost is None else float(cost),
        seconds=None if seconds is None else float(seconds),
        trials=None if trials is None else int(trials),
    )


def declare_budget(
    study: Study, budget_cost: float | None, budget_seconds: float | None, n_trials: int | None
) -> None:
    """Record the budgets given to this run in the study (a budget not given keeps its record).

    ``n_trials`` is recorded (as the finished trials the run aims at) only when another
    budget is given or the study's sampler is (or, as the AutoSampler, may be) cost-aware.
    """
    trials = None
    if n_trials is not None and (
        budget_cost is not None or budget_seconds is not None or _cost_aware(study)
    ):
        trials = _n_finished(study) + n_trials
    pairs = (
        (_keys.BUDGET_COST, budget_cost),
        (_keys.BUDGET_SECONDS, budget_seconds),
        (_keys.BUDGET_TRIALS, trials),
    )
    if all(value is None for _, value in pairs):
        return
    known = study.system_attrs
    for key, value in pairs:
        if value is not None and known.get(key) != value:
            study.set_system_attr(key, value)


def _cost_aware(study: Study) -> bool:
    return bool(getattr(study.sampler, "cost_aware", False))


class BudgetStop:
    """A callback that stops ``optimize`` once the study spent a budget.

    Args:
        budget_cost: Summed trial cost at which no new trial starts (None: no limit).
        budget_seconds: Summed trial seconds at which no new trial starts (None: no limit).
    """

    def __init__(self, budget_cost: float | None, budget_seconds: float | None) -> None:
        self.budget_cost = budget_cost
        self.budget_seconds = budget_seconds
        self._checked_first = False
        self.spent_already = False

    def spent(self, study: Study) -> tuple[float, float]:
        """The study's summed cost and summed trial seconds so far."""
        trials = study.get_trials(deepcopy=False, states=FINISHED)
        cost = spent_cost(trials) if self.budget_cost is not None else 0.0
        seconds = spent_seconds(trials) if self.budget_seconds is not None else 0.0
        return cost, seconds

    def exhausted(self, study: Study) -> str | None:
        """Which budget is spent ("budget_cost ..."), or None while both have room."""
        cost, seconds = self.spent(study)
        if self.budget_cost is not None and cost >= self.budget_cost:
            return f"budget_cost={self.budget_cost:g} (spent {cost:g})"
        if self.budget_seconds is not None and seconds >= self.budget_seconds:
            return f"budget_seconds={self.budget_seconds:g} (spent {seconds:g} s)"
        return None

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        reason = self.exhausted(study)
        if reason is None:
            self._checked_first = True
            return
        if not self._checked_first and _n_finished(study) == 1:
            warnings.warn(
                f"The first trial alone spent {reason}: the budget is smaller than one trial, "
                "so the study ran one trial only.",
                BudgetWarning,
                stacklevel=2,
            )
        self._checked_first = True
        study.stop()


def _n_finished(study: Study) -> int:
    return int(study.history.mask(*FINISHED).sum())  # the history reads only new rows


def start_budget(
    study: Study, budget_cost: Any, budget_seconds: Any, n_trials: int | None, *, declare: bool
) -> BudgetStop | None:
    """Check (and with ``declare``, record) an ``optimize`` call's budgets.

    Returns:
        None without a budget, else the callback that stops the run once a budget is
        spent; its ``spent_already`` is True (warned) when no trial may start at all.

    Raises:
        TypeError, ValueError: A budget is not None or a finite number > 0.
    """
    cost = check_budget("budget_cost", budget_cost)
    seconds = check_budget("budget_seconds", budget_seconds)
    if declare:
        declare_budget(study, cost, seconds, n_trials)
    if cost is None and seconds is None:
        return None
    stop = BudgetStop(cost, seconds)
    reason = stop.exhausted(study)
    if reason is not None:
        warnings.warn(
            f"The study already spent {reason}: no trial starts. The budget counts every "
            "finished trial of the study, earlier optimize() calls included.",
            BudgetWarning,
            stacklevel=4,
        )
        stop.spent_already = True
    return stop
