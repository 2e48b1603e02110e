"""Every intermediate report of a history as three arrays, without trial objects where it can.

A history first read by columns (``History._columns``) gets the reports of the
trials of that read in one storage query (``TrialBuilder.report_arrays``); the
trials changed since come from their trial objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from hypersearch.study._history import History
    from hypersearch.trial._frozen import FrozenTrial

Reports = tuple[np.ndarray, np.ndarray, np.ndarray]


def history_reports(history: History) -> Reports:
    """(numbers, steps, values) sorted by number then step (see ``History.reports``)."""
    columns = history._columns
    arrays = getattr(columns.builder, "report_arrays", None) if columns is not None else None
    if arrays is None:
        return reports_of(history.trials())
    numbers, steps, values = arrays()
    later = np.flatnonzero(history.row_version > history._columns_version)
    if not len(later):
        return numbers, steps, values
    keep = ~np.isin(numbers, later)
    extra = reports_of(history.trial(int(r)) for r in later if history.states[r] >= 0)
    merged = [np.concatenate((a[keep], b)) for a, b in zip((numbers, steps, values), extra)]
    order = np.lexsort((merged[1], merged[0]))
    return merged[0][order], merged[1][order], merged[2][order]


def reports_of(trials: Iterable[FrozenTrial]) -> Reports:
    """The reports of these trials (in number order), a vector report by its first component."""
    numbers: list[int] = []
    steps: list[int] = []
    values: list[float] = []
    for t in trials:
        reports = t.intermediate_values
        if not reports:
            continue
        keys = sorted(reports)
        numbers += [t.number] * len(keys)
        steps += keys
        values += [first(reports[k]) for k in keys]
    return (
        np.array(numbers, dtype=np.int64),
        np.array(steps, dtype=np.int64),
        np.array(values, dtype=float),
    )


def first(value: object) -> float:
    """A report as one float: a vector (multi-objective) report by its first component."""
    return float(value[0]) if isinstance(value, tuple) else float(value)  # type: ignore[arg-type]
