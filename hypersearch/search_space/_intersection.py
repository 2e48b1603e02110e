"""The search space every finished trial shares (Optuna's ``optuna.search_space``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hypersearch.distributions import BaseDistribution
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState


def _states(include_pruned: bool) -> tuple[TrialState, ...]:
    if include_pruned:
        return (TrialState.COMPLETE, TrialState.PRUNED)
    return (TrialState.COMPLETE,)


def _intersect(
    space: dict[str, BaseDistribution] | None, trial: FrozenTrial
) -> dict[str, BaseDistribution]:
    """``space`` narrowed to the parameters ``trial`` has with the same distribution."""
    if space is None:
        return dict(trial.distributions)
    return {name: dist for name, dist in space.items() if trial.distributions.get(name) == dist}


def intersection_search_space(
    trials: Iterable[FrozenTrial], include_pruned: bool = False
) -> dict[str, BaseDistribution]:
    """The parameters found, with one distribution, in every COMPLETE trial, sorted by name.

    Args:
        trials: Trials, e.g. ``study.get_trials(deepcopy=False)``.
        include_pruned: Count PRUNED trials as well as COMPLETE ones.

    Returns:
        Parameter name -> distribution; empty when no trial counts.
    """
    states = _states(include_pruned)
    space: dict[str, BaseDistribution] | None = None
    for trial in trials:
        if trial.state in states:
            space = _intersect(space, trial)
    return dict(sorted((space or {}).items()))


class IntersectionSearchSpace:
    """:func:`intersection_search_space` of a study, updated from the trials finished since the last call.

    Args:
        include_pruned: Count PRUNED trials as well as COMPLETE ones.
    """

    def __init__(self, include_pruned: bool = False) -> None:
        self._states = _states(include_pruned)
        self._space: dict[str, BaseDistribution] | None = None
        self._next = 0  # trials before this number are all finished and counted
        self._study_id: int | None = None

    def calculate(self, study: Any, use_cache: bool = False) -> dict[str, BaseDistribution]:
        """The intersection search space of ``study``'s trials, sorted by name.

        Args:
            study: The study.
            use_cache: Accepted for Optuna compatibility; the space is always
                updated incrementally (only trials not counted yet are read).
        """
        study_id = getattr(study, "_study_id", id(study))
        if study_id != self._study_id:
            self._study_id, self._space, self._next = study_id, None, 0
        trials = study.get_trials(deepcopy=False)
        # Intersecting with a trial twice changes nothing, so finished trials after a
        # running one are counted now and again once the cursor passes the running one.
        first_unfinished = len(trials)
        for position in range(self._next, len(trials)):
            trial = trials[position]
            if trial.state in self._states:
                self._space = _intersect(self._space, trial)
            elif not trial.state.is_finished():
                first_unfinished = min(first_unfinished, position)
        self._next = first_unfinished
        return dict(sorted((self._space or {}).items()))
