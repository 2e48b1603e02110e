"""Trials as a pandas DataFrame, with Optuna's columns.

Columns follow ``attrs`` in order; a mapping attribute (``params``,
``user_attrs``, ...) spreads into one column per key, sorted (``params_x``);
``values`` into one per objective (``values_0`` or ``values_<metric name>``);
states are their names. ``multi_index=True`` keeps the two levels apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hypersearch import _keys
from hypersearch._enums import TrialState
from hypersearch._imports import require

if TYPE_CHECKING:
    import pandas as pd

    from hypersearch.study._study import Study

#: Optuna's system attribute holding the objectives' names.
METRIC_NAMES_KEY = _keys.METRIC_NAMES
DEFAULT_DATAFRAME_ATTRS = (
    "number",
    "value",
    "datetime_start",
    "datetime_complete",
    "duration",
    "params",
    "user_attrs",
    "system_attrs",
    "state",
)

_Column = tuple[str, Any]


def _cells(trial: Any, attr: str, column: str, study: Study, names: list[str] | None) -> Any:
    """``(column, sub-column) -> value`` for one attribute of one trial."""
    if attr == "values":
        values = trial.values if trial.values is not None else [None] * len(study.directions)
        keys = names if names is not None else range(len(values))
        return {(column, key): v for key, v in zip(keys, values)}
    value = getattr(trial, attr)
    if attr == "value":
        return {(column, "" if names is None else names[0]): value}
    if isinstance(value, TrialState):
        return {(column, ""): value.name}
    if isinstance(value, Mapping):
        return {(column, key): v for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return {(column, i): v for i, v in enumerate(value)}
    return {(column, ""): value}


def trials_dataframe(
    study: Study, attrs: tuple[str, ...] = DEFAULT_DATAFRAME_ATTRS, multi_index: bool = False
) -> pd.DataFrame:
    """The trials of ``study`` as a DataFrame (see the module docstring)."""
    pandas = require("pandas", extra="pandas")
    trials = study.get_trials(deepcopy=False)
    if not trials:
        return pandas.DataFrame()
    if len(study.directions) > 1:
        attrs = tuple("values" if a == "value" else a for a in attrs)
    names = study.metric_names
    seen: dict[str, set[_Column]] = defaultdict(set)
    records = []
    for trial in trials:
        record: dict[_Column, Any] = {}
        for attr in attrs:
            cells = _cells(trial, attr, attr.lstrip("_"), study, names)
            record.update(cells)
            seen[attr].update(cells)
        records.append(record)
    columns: list[_Column] = []
    for attr in attrs:
        if attr == "values" and names is not None:
            columns += [("values", n) for n in names]
        elif attr in seen:
            columns += sorted(seen[attr], key=lambda c: (str(type(c[1])), c[1]))
    frame = pandas.DataFrame(records, columns=pandas.MultiIndex.from_tuples(columns))
    if not multi_index:
        frame.columns = ["_".join(str(p) for p in col if p != "") for col in columns]
    return frame
