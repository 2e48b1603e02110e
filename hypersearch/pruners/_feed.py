"""Incremental reading of the history view for pruners.

A pruner is called after every report, so it must not walk all trials per
call. :class:`RowFeed` hands out only the trial numbers whose rows changed
since the previous call (using ``History.version`` / ``row_version``), and
notices when the pruner is reused on another study, so caches can be reset.
:class:`ReportSummary` keeps, per running trial, the largest step reported and
the best value so far, updated in O(1) per new report.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from hypersearch.study._history import History, HistoryIdentity


# insertion-ordered mappings: the last key is the latest report (Trial hands out a proxy view)
_ORDERED = (dict, MappingProxyType)


class RowFeed:
    """Numbers of the trials whose rows changed since the last :meth:`changed` call."""

    def __init__(self) -> None:
        self._history: weakref.ref[HistoryIdentity] | None = None
        self._version = -1

    def bind(self, history: History) -> bool:
        """Follow ``history``; True when it is a different study than before (reset caches)."""
        if self._history is not None and self._history() is history.identity:
            return False
        self._history = weakref.ref(history.identity)
        self._version = -1
        return True

    def changed(self, history: History) -> list[int]:
        """Numbers changed since the last call (each at least once; maybe repeated)."""
        last = getattr(history, "last_changed", None)
        if last is not None:
            version, rows = last
            if version == self._version:
                return []
            if version == self._version + 1:
                self._version = version
                return rows
        if history.version == self._version:
            return []
        version = history.version
        found = np.flatnonzero(history.row_version > self._version)
        self._version = version
        return found.tolist()

    def __getstate__(self) -> dict[str, Any]:
        return {"_history": None, "_version": -1}


class ReportSummary:
    """Per trial: (number of reports, largest step, best signed value so far).

    ``sign`` turns values so that smaller is better. NaN reports are ignored
    for the best value (the caller prunes on a NaN latest report). One new
    report at a new largest step updates in O(1); anything else (a late report
    below the largest step) recomputes. Keyed by trial number: clear it when
    the study changes.
    """

    def __init__(self) -> None:
        self._rows: dict[int, list[Any]] = {}

    def clear(self) -> None:
        self._rows.clear()

    def get(self, number: int, reports: Mapping[int, float], sign: float) -> tuple[int, float]:
        """(largest step, best signed value or +inf) of ``reports``."""
        n = len(reports)
        row = self._rows.get(number)
        if row is not None and row[0] == n:
            return row[1], row[2]
        if row is not None and row[0] == n - 1 and isinstance(reports, _ORDERED):
            step = next(reversed(reports))
            if step > row[1]:  # a step above the known largest is certainly the new one
                value = sign * reports[step]
                row[1] = step
                if value < row[2]:
                    row[2] = value
                row[0] = n
                return row[1], row[2]
        best = math.inf
        for v in reports.values():
            s = sign * v
            if s < best:
                best = s
        row = [n, max(reports), best]
        self._rows[number] = row
        return row[1], row[2]

    def forget(self, number: int) -> None:
        self._rows.pop(number, None)
