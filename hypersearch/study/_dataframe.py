"""Trials as a pandas DataFrame."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hypersearch._imports import require

if TYPE_CHECKING:
    import pandas as pd

    from hypersearch.study._study import Study


def trials_dataframe(study: Study, multi_index: bool = False) -> pd.DataFrame:
    pandas = require("pandas", extra="pandas")
    multi = len(study.directions) > 1
    rows: list[dict[tuple[str, str], Any]] = []
    for t in study.get_trials(deepcopy=False):
        row: dict[tuple[str, str], Any] = {
            ("number", ""): t.number,
            ("state", ""): t.state.name,
            ("datetime_start", ""): t.datetime_start,
            ("datetime_complete", ""): t.datetime_complete,
            ("duration", ""): t.duration,
        }
        if multi:
            for i, v in enumerate(t.values or [None] * len(study.directions)):
                row[("values", str(i))] = v
        else:
            row[("value", "")] = None if t.values is None else t.values[0]
        for name, value in t.params.items():
            row[("params", name)] = value
        for name, value in t.user_attrs.items():
            row[("user_attrs", name)] = value
        rows.append(row)
    frame = pandas.DataFrame(rows)
    if frame.empty:
        return frame
    if multi_index:
        frame.columns = pandas.MultiIndex.from_tuples(frame.columns)
    else:
        frame.columns = ["_".join(p for p in col if p) for col in frame.columns]
    return frame
