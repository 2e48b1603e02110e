"""Dominance helpers shared by the multi-objective pruners (ParetoPruner, MO successive halving)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from hypersearch.multi_objective import non_dominated_ranks


def signed_vector(value: Any, signs: Sequence[float]) -> list[float]:
    """A report as a vector to minimise: maximised objectives negated, NaN -> +inf (the worst).

    ``value`` is a tuple or list of floats (a float for one objective). Raises
    ValueError when it does not have one number per direction.
    """
    items = value if isinstance(value, (tuple, list)) else (value,)
    if len(items) != len(signs):
        raise ValueError(
            f"A report has {len(items)} values but the study has {len(signs)} objectives."
        )
    return [math.inf if v != v else s * float(v) for s, v in zip(signs, items)]


def rank_against(reference: np.ndarray, ranks: np.ndarray, point: np.ndarray) -> int:
    """How many rows of ``reference`` rank strictly ahead of ``point``.

    ``ranks`` are the non-dominated ranks of ``reference`` (0 = its Pareto
    front). The point's rank among ``reference`` and itself is 0 when no row
    dominates it, else ``1 + max`` of its dominators' ranks; adding the point
    changes no rank below its own (rows it dominates rank at or above it), so
    the rows ahead are those of smaller rank in ``ranks``. A row equal to the
    point does not dominate it, so the point may be in ``reference`` already.
    """
    # q dominates p: q <= p everywhere and not q >= p everywhere (q != p)
    dominated_by = (reference <= point).all(1) & ~(reference >= point).all(1)
    if not dominated_by.any():
        return 0
    rank = int(ranks[dominated_by].max()) + 1
    return int(np.count_nonzero(ranks < rank))


class RankedSet:
    """Minimised vectors with their non-dominated ranks, kept exact as vectors are added.

    Adding ``q`` (its rank ``r_q`` is ``1 + max`` of its dominators' ranks, 0
    without any) changes only the ranks of the set ``D`` of vectors ``q``
    dominates: a longest domination chain to ``x`` in ``D`` either avoids ``q``
    (the old rank) or passes through it, and then runs inside ``D`` (what ``q``
    dominates, its successors dominate too), so the new rank of ``x`` is
    ``max(old, r_q + 1 + rank of x within D)``. Cost per addition: O(n k)
    vectorised, plus sorting ``D`` alone.
    """

    __slots__ = ("_matrix", "_ranks", "n")

    def __init__(self, n_objectives: int) -> None:
        self._matrix = np.empty((8, n_objectives))
        self._ranks = np.empty(8, dtype=np.int64)
        self.n = 0

    def __len__(self) -> int:
        return self.n

    @property
    def matrix(self) -> np.ndarray:
        return self._matrix[: self.n]

    @property
    def ranks(self) -> np.ndarray:
        return self._ranks[: self.n]

    def add(self, row: Sequence[float]) -> None:
        """Add one minimised vector (no NaN: see :func:`signed_vector`)."""
        point = np.asarray(row, dtype=float)
        if self.n == len(self._ranks):
            self._matrix = np.concatenate([self._matrix, np.empty_like(self._matrix)])
            self._ranks = np.concatenate([self._ranks, np.empty_like(self._ranks)])
        matrix, ranks = self.matrix, self.ranks
        rank = 0
        if self.n:
            le = (matrix <= point).all(1)
            ge = (matrix >= point).all(1)
            dominators = le & ~ge
            if dominators.any():
                rank = int(ranks[dominators].max()) + 1
            below = np.flatnonzero(ge & ~le)
            if len(below):
                ranks[below] = np.maximum(
                    ranks[below], rank + 1 + non_dominated_ranks(matrix[below])
                )
        self._matrix[self.n] = point
        self._ranks[self.n] = rank
        self.n += 1

    def ahead_of(self, point: Sequence[float]) -> int:
        """How many vectors of the set rank strictly ahead of ``point`` (see :func:`rank_against`)."""
        if self.n == 0:
            return 0
        return rank_against(self.matrix, self.ranks, np.asarray(point, dtype=float))
