"""A bulk read of a study's trials as numpy columns, trial objects built on demand.

The first read of a big study (a dashboard opening 100,000 trials, a history
plot) needs numbers, states, values, parameters and last reports for every
trial, but whole :class:`FrozenTrial` objects for a few. A backend that can fill
the columns straight from its rows returns :class:`TrialColumns` from
``BaseStorage.get_trial_columns_since``; ``trial(i)`` builds row ``i``'s trial
when someone asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from hypersearch.distributions import BaseDistribution
from hypersearch.trial._frozen import FrozenTrial


class TrialBuilder(Protocol):
    """Builds the trial of a row; ``prepare_all`` before building most of them."""

    def trial(self, i: int) -> FrozenTrial: ...

    def trials(self, rows: list[int]) -> list[FrozenTrial]:
        """The trials of several rows, read together (a table's page)."""
        ...

    def prepare_all(self) -> None: ...


@dataclass
class TrialColumns:
    """Trials changed after a cursor, one array entry per trial, in number order.

    ``values``: ``(n, width)``, ``width`` the longest values tuple read; a row's
    first ``n_values[i]`` entries hold its values (``n_values`` 0: no values).
    ``params``: internal values by parameter name, NaN where a trial lacks it;
    ``distributions``: each name's distribution in the highest-numbered trial that
    has it, ``conflicting``: names seen with more than one distribution.
    ``last_step``: the largest reported step (-1: none), ``last_report`` its value
    (NaN for a vector report).
    """

    cursor: int
    numbers: np.ndarray
    states: np.ndarray
    values: np.ndarray
    n_values: np.ndarray
    params: dict[str, np.ndarray]
    distributions: dict[str, BaseDistribution]
    last_step: np.ndarray
    last_report: np.ndarray
    builder: TrialBuilder = field(repr=False)
    conflicting: set[str] = field(default_factory=set)
    #: A light read: parameter columns all NaN and no reports (names and distributions
    #: are those of the first and last trials); trials are built complete.
    partial: bool = False

    def __len__(self) -> int:
        return len(self.numbers)

    def trial(self, i: int) -> FrozenTrial:
        """The trial of row ``i`` (a new object at each call)."""
        return self.builder.trial(i)

    def values_for(self, n_objectives: int) -> np.ndarray:
        """``(n, n_objectives)`` values, NaN for a trial without exactly that many."""
        out = np.full((len(self), n_objectives), np.nan)
        fits = self.n_values == n_objectives
        width = min(n_objectives, self.values.shape[1])
        out[fits, :width] = self.values[fits, :width]
        return out
