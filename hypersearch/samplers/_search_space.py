"""Search spaces inferred from the history."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch.distributions import BaseDistribution
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._history import History, HistoryIdentity


def intersection_search_space(
    history: History, *, include_pruned: bool = False
) -> dict[str, BaseDistribution]:
    """Parameters present, with one distribution, in every finished trial.

    Finished means COMPLETE (and PRUNED with ``include_pruned``). Parameters
    with a single value are left out: there is nothing to sample.
    """
    states = (TrialState.COMPLETE, TrialState.PRUNED) if include_pruned else (TrialState.COMPLETE,)
    rows = history.mask(*states)
    if not rows.any():
        return {}
    space = {}
    for name in history.param_names:
        if name in history.conflicting:
            continue
        if np.isnan(history.param(name)[rows]).any():
            continue
        dist = history.distributions[name]
        if not dist.single():
            space[name] = dist
    return dict(sorted(space.items()))


class IntersectionSearchSpace:
    """:func:`intersection_search_space`, updated from the rows changed since the last call.

    Finished trials never change, so a parameter missing from one finished trial
    stays out: each call only reads the rows the history changed since the
    previous one (O(changes), not O(trials x parameters)). Another study's
    history starts over.
    """

    def __init__(self, *, include_pruned: bool = False) -> None:
        self._states = (
            (TrialState.COMPLETE, TrialState.PRUNED) if include_pruned else (TrialState.COMPLETE,)
        )
        self._reset()

    def _reset(self) -> None:
        self._identity: weakref.ref[HistoryIdentity] | None = None
        self._version = -1
        self._present: set[str] | None = None  # in every finished row; None: none finished

    def __getstate__(self) -> dict[str, Any]:
        return {"_states": self._states}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._reset()

    def calculate(self, history: History) -> dict[str, BaseDistribution]:
        """The parameters present, with one distribution, in every finished trial."""
        same = self._identity is not None and self._identity() is history.identity
        if not same or self._present is None or history.version < self._version:
            self._full(history)
        elif history.version > self._version:
            versions = history.row_version
            # rows a concurrent refresh is still writing carry a later version: next call
            rows = np.flatnonzero((versions > self._version) & (versions <= history.version))
            finished = history.mask(*self._states)[rows]
            for row in rows[finished]:
                self._present = {n for n in self._present if not np.isnan(history.param(n)[row])}
            self._version = history.version
        space = {}
        for name in self._present or ():
            dist = history.distributions[name]
            if name not in history.conflicting and not dist.single():
                space[name] = dist
        return dict(sorted(space.items()))

    def _full(self, history: History) -> None:
        self._identity = weakref.ref(history.identity)
        self._version = history.version
        rows = history.mask(*self._states) & (history.row_version <= history.version)
        if not rows.any():
            self._present = None
            return
        self._present = {
            name for name in history.param_names if not np.isnan(history.param(name)[rows]).any()
        }
