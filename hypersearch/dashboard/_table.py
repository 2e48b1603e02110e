"""The trial table: filter, sort and page on the history's numpy columns, server-side.

A page of 100,000 trials costs a few vectorised passes over the columns and
the decoding of the page's rows only, so its time hardly depends on the
study's size. Query parameters (all optional):

* ``page`` (from 0), ``per_page`` (1-500, default 50);
* ``sort``: ``number``, ``state``, ``value`` (``value0``, ``value1``, ...),
  ``duration`` or ``param:NAME``; ``order``: ``asc`` or ``desc``;
* ``state``: comma-separated states (``COMPLETE,PRUNED``);
* ``value_min`` / ``value_max``: a range of the first objective (``valueK_min``...);
* ``pmin.NAME`` / ``pmax.NAME``: a range of a numeric parameter;
  ``pin.NAME``: a categorical parameter's choice (repeat for several).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch.distributions import CategoricalDistribution
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._history import History

MAX_PER_PAGE = 500


class QueryError(ValueError):
    """A malformed query parameter (answered with HTTP 400)."""


@dataclass
class TableQuery:
    page: int = 0
    per_page: int = 50
    sort: str = "number"
    descending: bool = False
    states: list[TrialState] | None = None
    value_ranges: dict[int, tuple[float, float]] = field(default_factory=dict)
    param_ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    param_choices: dict[str, list[str]] = field(default_factory=dict)


def _int(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = params.get(name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise QueryError(f"{name} must be an integer, got {text!r}.") from None
    if not low <= value <= high:
        raise QueryError(f"{name} must be between {low} and {high}, got {value}.")
    return value


def _float(name: str, text: str | None, default: float) -> float:
    if text is None or text == "":
        return default
    try:
        value = float(text)
    except ValueError:
        raise QueryError(f"{name} must be a number, got {text!r}.") from None
    if math.isnan(value):
        raise QueryError(f"{name} must be a number, got {text!r}.")
    return value


def _states(text: str | None) -> list[TrialState] | None:
    if not text:
        return None
    out = []
    for word in text.split(","):
        try:
            out.append(TrialState[word.strip().upper()])
        except KeyError:
            names = ", ".join(s.name for s in TrialState)
            raise QueryError(f"Unknown state {word!r}; use one of {names}.") from None
    return out


def parse_query(params: Any, n_objectives: int) -> TableQuery:
    """The table query from the URL's parameters (a multi-dict); QueryError when malformed."""
    q = TableQuery(
        page=_int(params, "page", 0, 0, 10**9),
        per_page=_int(params, "per_page", 50, 1, MAX_PER_PAGE),
        sort=params.get("sort") or "number",
        states=_states(params.get("state")),
    )
    order = params.get("order") or "asc"
    if order not in ("asc", "desc"):
        raise QueryError(f"order must be 'asc' or 'desc', got {order!r}.")
    q.descending = order == "desc"
    for k in range(n_objectives):
        for prefix in (f"value{k}",) + (("value",) if k == 0 else ()):
            low, high = params.get(f"{prefix}_min"), params.get(f"{prefix}_max")
            if low or high:
                q.value_ranges[k] = (
                    _float(f"{prefix}_min", low, -math.inf),
                    _float(f"{prefix}_max", high, math.inf),
                )
    for key in params:
        kind, _, name = key.partition(".")
        if kind in ("pmin", "pmax") and name and name not in q.param_ranges:
            q.param_ranges[name] = (
                _float(f"pmin.{name}", params.get(f"pmin.{name}"), -math.inf),
                _float(f"pmax.{name}", params.get(f"pmax.{name}"), math.inf),
            )
        elif kind == "pin" and name:
            q.param_choices[name] = list(params.getlist(key))
    return q


def needs_params(q: TableQuery) -> bool:
    """Whether the query reads more than numbers, states and values (a light read has no more)."""
    by_values = q.sort in ("number", "state") or q.sort.startswith("value")
    return bool(q.param_ranges or q.param_choices) or not by_values


def _check_param(history: History, name: str) -> None:
    if name not in history.distributions:
        known = ", ".join(sorted(history.distributions)) or "none"
        raise QueryError(f"Unknown parameter {name!r}; the study has: {known}.")


def _mask(history: History, q: TableQuery) -> np.ndarray:
    mask = history.states >= 0  # a number not read yet (-1) is never shown
    if q.states is not None:
        mask &= history.mask(*q.states)
    values = history.values
    for k, (low, high) in q.value_ranges.items():
        with np.errstate(invalid="ignore"):
            mask &= (values[:, k] >= low) & (values[:, k] <= high)
    for name, (low, high) in q.param_ranges.items():
        _check_param(history, name)
        if isinstance(history.distributions[name], CategoricalDistribution):
            raise QueryError(f"{name!r} is categorical: filter it with pin.{name}=CHOICE.")
        column = history.param(name)
        with np.errstate(invalid="ignore"):
            mask &= (column >= low) & (column <= high)
    for name, labels in q.param_choices.items():
        _check_param(history, name)
        dist = history.distributions[name]
        if not isinstance(dist, CategoricalDistribution):
            raise QueryError(f"{name!r} is numeric: filter it with pmin.{name} / pmax.{name}.")
        choices = [str(c) for c in dist.choices]
        wanted = [float(choices.index(x)) for x in labels if x in choices]
        mask &= np.isin(history.param(name), wanted)
    return mask


def _sort_key(history: History, sort: str) -> np.ndarray:
    if sort == "number":
        return np.arange(history.n, dtype=float)
    if sort == "state":
        return history.states.astype(float)
    if sort.startswith("value"):
        k = _int({"sort": sort[5:] or "0"}, "sort", 0, 0, history.values.shape[1] - 1)
        return history.values[:, k]
    if sort == "duration":
        return np.array([_seconds(history, i) for i in range(history.n)], dtype=float)
    if sort.startswith("param:"):
        name = sort[len("param:") :]
        _check_param(history, name)
        return history.param(name)
    raise QueryError(
        f"Unknown sort key {sort!r}; use number, state, value, duration or param:NAME."
    )


def _seconds(history: History, row: int) -> float:
    try:
        t = history.trial(row)
    except KeyError:
        return math.nan
    if t.datetime_start is None or t.datetime_complete is None:
        return math.nan
    return (t.datetime_complete - t.datetime_start).total_seconds()


def select_rows(history: History, q: TableQuery) -> tuple[np.ndarray, int]:
    """The trial numbers of the page asked for, in order, and how many rows match in all."""
    rows = np.flatnonzero(_mask(history, q))
    key = _sort_key(history, q.sort)[rows]
    if q.sort != "number":
        missing = np.isnan(key)  # rows without the key go last, either order
        signed = np.where(missing, 0.0, -key if q.descending else key)
        order = np.lexsort((rows, signed, missing))
        rows = rows[order]
    elif q.descending:
        rows = rows[::-1]
    start = q.page * q.per_page
    return rows[start : start + q.per_page], len(key)
