"""Optuna's stored forms -> ours: enum names, value types, datetimes, distributions.

Optuna's RDB schema (3.0 to 5.0) stores enums by name (``'COMPLETE'``,
``'MAXIMIZE'``), objective values and reports as a nullable float plus a type
(``FINITE``, ``INF_POS``, ``INF_NEG``, and ``NAN`` for reports), parameters as
their internal float with the distribution as JSON, attributes as JSON text,
and datetimes as naive timestamps: UTC from Optuna 5.0 on, local time before.
"""

from __future__ import annotations

import datetime
import json
import math
from typing import Any

from hypersearch.distributions import BaseDistribution, json_to_distribution
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._state import TrialState

_SPECIAL = {"INF_POS": math.inf, "INF_NEG": -math.inf, "NAN": math.nan}


class DecodeError(ValueError):
    """A stored value that is not in the form Optuna writes (the caller adds where it was)."""


def enum_name(raw: Any) -> str:
    """An enum column's value as its name (drivers give str, bytes or an enum-like object)."""
    if isinstance(raw, bytes):
        raw = raw.decode()
    return str(getattr(raw, "name", raw))


def trial_state(raw: Any) -> TrialState:
    name = enum_name(raw)
    try:
        return TrialState[name]
    except KeyError:
        raise DecodeError(f"unknown trial state {name!r}") from None


def study_direction(raw: Any) -> StudyDirection:
    name = enum_name(raw)
    if name not in ("MINIMIZE", "MAXIMIZE"):
        raise DecodeError(f"unknown study direction {name!r}")
    return StudyDirection[name]


def stored_float(value: Any, value_type: Any) -> float:
    """A value or report from its ``(value, value_type)`` columns."""
    if value_type == "FINITE" and value is not None:  # the common case, fast
        return float(value)
    kind = enum_name(value_type)
    if kind == "FINITE":
        if value is None:
            raise DecodeError("a FINITE value is NULL")
        return float(value)
    if kind not in _SPECIAL:
        raise DecodeError(f"unknown value type {kind!r}")
    return _SPECIAL[kind]


def json_value(text: Any) -> Any:
    """An attribute's ``value_json``."""
    if isinstance(text, bytes):
        text = text.decode()
    try:
        return json.loads(text)
    except (TypeError, ValueError) as err:
        raise DecodeError(f"attribute value {text!r} is not JSON") from err


def timestamp(raw: Any, *, utc: bool) -> datetime.datetime | None:
    """A stored naive timestamp as the naive local time Optuna's FrozenTrial shows."""
    if raw is None:
        return None
    if isinstance(raw, str):
        try:
            raw = datetime.datetime.fromisoformat(raw)
        except ValueError as err:
            raise DecodeError(f"datetime {raw!r} is not ISO 8601") from err
    if not isinstance(raw, datetime.datetime):
        raise DecodeError(f"datetime column holds {raw!r}")
    if raw.tzinfo is not None:  # a driver that returns aware datetimes
        return raw.astimezone().replace(tzinfo=None)
    if utc:
        return raw.replace(tzinfo=datetime.timezone.utc).astimezone().replace(tzinfo=None)
    return raw


class DistributionCache:
    """``distribution_json`` -> distribution, each distinct text parsed once."""

    def __init__(self) -> None:
        self._parsed: dict[str, BaseDistribution] = {}

    def get(self, text: Any) -> BaseDistribution:
        if isinstance(text, bytes):
            text = text.decode()
        found = self._parsed.get(text)
        if found is None:
            try:
                found = json_to_distribution(text)
            except (TypeError, ValueError) as err:
                raise DecodeError(f"cannot parse distribution JSON {text!r}: {err}") from err
            self._parsed[text] = found
        return found


def external_param(dist: BaseDistribution, internal: Any) -> Any:
    """A parameter's user-facing value from its stored internal float."""
    if internal is None:
        raise DecodeError("a parameter value is NULL")
    try:
        return dist.to_external(float(internal))
    except (IndexError, ValueError, OverflowError) as err:
        raise DecodeError(f"value {internal!r} does not fit {dist!r}") from err
