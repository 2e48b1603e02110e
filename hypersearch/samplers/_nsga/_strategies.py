"""Optuna's pluggable NSGA-II strategies: elite selection, child generation, after-trial.

``NSGAIISampler(elite_population_selection_strategy=..., child_generation_strategy=...,
after_trial_strategy=...)`` takes the three callables with Optuna's signatures:

* ``elite(study, population: list[FrozenTrial]) -> list[FrozenTrial]`` chooses the
  parents of the next generation from the last parents plus the newly completed trials;
* ``child(study, search_space, parent_population) -> dict[str, Any]`` breeds one child
  (parameters it leaves out are drawn independently);
* ``after(study, trial, state, values) -> None`` replaces the default after-trial step
  (which records ``constraints_func``'s values).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch.distributions import BaseDistribution
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._study import Study

EliteStrategy = Callable[["Study", list[FrozenTrial]], list[FrozenTrial]]
ChildStrategy = Callable[["Study", dict[str, BaseDistribution], list[FrozenTrial]], dict[str, Any]]
AfterTrialStrategy = Callable[["Study", FrozenTrial, TrialState, Sequence[float] | None], None]


def check_strategy(name: str, strategy: object) -> None:
    """A strategy is None or callable."""
    if strategy is not None and not callable(strategy):
        raise TypeError(f"{name} must be callable or None, got {strategy!r}.")


def user_elites(study: Study, strategy: EliteStrategy, candidate_rows: np.ndarray) -> np.ndarray:
    """The rows the user's strategy keeps among ``candidate_rows`` (in its order)."""
    history = study.history
    population = [history.trial(int(row)) for row in candidate_rows]
    chosen = strategy(study, population)
    if not isinstance(chosen, list) or not all(isinstance(t, FrozenTrial) for t in chosen):
        raise TypeError(
            "elite_population_selection_strategy must return a list of FrozenTrial, "
            f"got {type(chosen).__name__}."
        )
    offered = {t.number for t in population}
    foreign = [t.number for t in chosen if t.number not in offered]
    if foreign:
        raise ValueError(
            "elite_population_selection_strategy returned trials that were not in the "
            f"population it was given: numbers {foreign[:5]}."
        )
    return np.asarray([t.number for t in chosen], dtype=np.int64)


def user_child(
    study: Study,
    strategy: ChildStrategy,
    search_space: dict[str, BaseDistribution],
    parent_rows: np.ndarray,
) -> dict[str, Any]:
    """The child the user's strategy breeds, restricted to ``search_space``."""
    history = study.history
    parents = [history.trial(int(row)) for row in parent_rows]
    child = strategy(study, dict(search_space), parents)
    if not isinstance(child, dict):
        raise TypeError(
            f"child_generation_strategy must return a dict of parameters, got {child!r}."
        )
    unknown = sorted(set(child) - set(search_space))
    if unknown:
        raise ValueError(
            f"child_generation_strategy returned parameters outside the search space: {unknown}."
        )
    for name, value in child.items():
        if not _inside(search_space[name], value):
            raise ValueError(
                f"child_generation_strategy returned {name}={value!r}, "
                f"outside its distribution {search_space[name]}."
            )
    return child


def _inside(distribution: BaseDistribution, value: Any) -> bool:
    try:
        return distribution.contains(distribution.to_internal(value))
    except (TypeError, ValueError):
        return False


__all__ = [
    "AfterTrialStrategy",
    "ChildStrategy",
    "EliteStrategy",
    "check_strategy",
    "user_child",
    "user_elites",
]
