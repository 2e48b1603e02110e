"""Constraint values for the GP sampler: recording them, reading them as columns.

``constraints_func(frozen_trial)`` returns a sequence of floats, each ``<= 0``
when satisfied (the contract of the NSGA samplers); the values are stored on
the trial as the system attribute ``"constraints"``
(:mod:`hypersearch.multi_objective._constraints`), so every worker sharing the
storage sees them. One GP per constraint ``c_k`` then gives the probability
of feasibility

    PoF(x) = prod_k P(c_k(x) <= 0) = prod_k Phi((t_k - mu_k(x)) / s_k(x)),

with ``t_k`` the image of 0 under the standardisation of ``c_k``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch.multi_objective._constraints import CONSTRAINTS_KEY
from hypersearch.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hypersearch.samplers._gp._fitter import GPFitter
    from hypersearch.samplers._gp._model import GPModel
    from hypersearch.samplers._gp._space import SearchSpaceEncoding
    from hypersearch.study._history import History

ConstraintsFunc = Callable[[FrozenTrial], Sequence[float]]


class ConstraintColumns:
    """The recorded constraint values of one study as an ``(n, k)`` array, read incrementally.

    Rows without recorded values (or of another width) are NaN. Only rows the
    history changed since the last read are looked at.
    """

    def __init__(self) -> None:
        self._identity: Any = None
        self._seen_version = 0
        self._values = np.empty((0, 0))
        self.width: int | None = None

    def read(self, history: History) -> np.ndarray | None:
        """``(history.n, k)`` constraint values, or None when no trial has any."""
        if self._identity is not history.identity:
            self._identity, self._seen_version = history.identity, 0
            self._values, self.width = np.empty((0, 0)), None
        if history.version != self._seen_version:
            changed = np.flatnonzero(history.row_version > self._seen_version).tolist()
            for row in changed:
                raw = history.trial(row).system_attrs.get(CONSTRAINTS_KEY)
                if raw is None:
                    continue
                if self.width is None:
                    self.width = len(raw)
                    self._values = np.full((0, self.width), np.nan)
                if len(raw) == self.width:
                    self._grow(row + 1)
                    self._values[row] = np.asarray(raw, dtype=float)
            self._seen_version = history.version
        if self.width is None:
            return None
        self._grow(history.n)
        return self._values[: history.n]

    def _grow(self, n: int) -> None:
        if len(self._values) < n:
            extra = np.full(
                (max(n, 2 * len(self._values)) - len(self._values), self.width or 0), np.nan
            )
            self._values = np.vstack([self._values, extra])


def standardize_constraint(c: np.ndarray) -> tuple[np.ndarray, float] | None:
    """``(c - mean) / std`` and the image of the feasibility threshold 0.

    Infinite values are clipped to the finite range. None when the values are
    constant (the constraint then carries no information for a GP).
    """
    finite = np.isfinite(c)
    if not finite.any():
        return None
    c = np.clip(c, c[finite].min(), c[finite].max())
    std = float(c.std())
    if not std > 0:
        return None
    mean = float(c.mean())
    return (c - mean) / std, -mean / std


def fit_constraints(
    fitter: GPFitter, x: np.ndarray, cons_rows: np.ndarray, enc: SearchSpaceEncoding
) -> tuple[list[GPModel], list[float]]:
    """One GP per informative constraint (on the rows that recorded it) and its threshold."""
    models, thresholds = [], []
    for k in range(cons_rows.shape[1]):
        ok = ~np.isnan(cons_rows[:, k])
        if ok.sum() < 2:
            continue
        scaled = standardize_constraint(cons_rows[ok, k])
        if scaled is None:  # constant: no information about where it holds
            continue
        c, t = scaled
        models.append(fitter.fit(x[ok], c, enc, ("constraint", k)))
        thresholds.append(t)
    return models, thresholds
