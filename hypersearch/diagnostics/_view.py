"""What the diagnostics read: one objective's finished trials as arrays (smaller is better)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hypersearch.study._direction import StudyDirection
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._history import History


@dataclass(frozen=True)
class ObjectiveView:
    """The COMPLETE trials with a finite value of one objective.

    Attributes:
        history: The study's history snapshot.
        rows: Trial numbers (rows of ``history``).
        y: Their values, turned so that smaller is better.
        objective: The objective's index in a multi-objective study, else None.
    """

    history: History
    rows: np.ndarray
    y: np.ndarray
    objective: int | None

    @property
    def n(self) -> int:
        return len(self.rows)

    def label(self) -> str:
        """`` (objective i)`` in a multi-objective study, else empty: for messages."""
        return "" if self.objective is None else f" (objective {self.objective})"


def objective_views(history: History) -> list[ObjectiveView]:
    """One view per objective (a single one, with ``objective=None``, for one objective)."""
    complete = np.flatnonzero(history.mask(TrialState.COMPLETE))
    n_obj = len(history.directions)
    views = []
    for i, direction in enumerate(history.directions):
        sign = -1.0 if direction == StudyDirection.MAXIMIZE else 1.0
        y = sign * history.values[complete, i]
        finite = np.isfinite(y)
        views.append(ObjectiveView(history, complete[finite], y[finite], None if n_obj == 1 else i))
    return views
