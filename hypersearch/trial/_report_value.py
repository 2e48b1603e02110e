"""Intermediate values: one float per step, or one float per objective in multi-objective studies.

A single-objective study reports a float at each step; a study with ``k``
directions reports a tuple of ``k`` floats (in the order of the directions).
NaN is allowed in either (pruners treat it as the worst value of its objective).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Union, cast

IntermediateValue = Union[float, tuple[float, ...]]


def _sequence_hint(value: Any) -> str:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return ""
    return " (a sequence is for multi-objective studies: one number per direction)"


def check_report_value(value: Any) -> float:
    """A single-objective report: a real number (NaN allowed: pruners treat it as the worst)."""
    if isinstance(value, bool):
        raise TypeError(f"value must be a number, got {value!r}.")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"value must be a number, got {value!r}{_sequence_hint(value)}.") from None


def check_report_vector(value: Any, n_objectives: int) -> tuple[float, ...]:
    """A multi-objective report: exactly ``n_objectives`` real numbers, one per direction."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(
            f"This study has {n_objectives} objectives: report() takes a sequence of "
            f"{n_objectives} numbers (one per direction), got {value!r}."
        )
    try:
        items = list(value)
    except TypeError:  # e.g. a 0-d numpy array
        raise TypeError(
            f"This study has {n_objectives} objectives: report() takes a sequence of "
            f"{n_objectives} numbers (one per direction), got {value!r}."
        ) from None
    if len(items) != n_objectives:
        raise ValueError(
            f"report() got {len(items)} values but the study has {n_objectives} objectives."
        )
    out = []
    for i, item in enumerate(items):
        if isinstance(item, bool):
            raise TypeError(f"value[{i}] must be a number, got {item!r}.")
        try:
            out.append(float(item))
        except (TypeError, ValueError):
            raise TypeError(f"value[{i}] must be a number, got {item!r}.") from None
    return tuple(out)


def normalize_intermediate(value: Any) -> IntermediateValue:
    """A stored intermediate value as a float, or a tuple of floats for a vector."""
    if isinstance(value, (list, tuple)):
        return tuple(float(v) for v in value)
    return float(value)


def scalar_reports(reports: Mapping[int, IntermediateValue]) -> Mapping[int, float]:
    """``reports`` typed as single-objective (for code that checked the study has one objective)."""
    return cast("Mapping[int, float]", reports)
