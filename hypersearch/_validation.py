"""Ground floor: argument checks with one message format.

Every public constructor checks its arguments here, so that bad input fails at
once and every message reads the same way::

    <name> must be <what is allowed>, got <the value's repr>.

Each check returns the value in its canonical type (an ``int``, a ``float``, a
``bool``), so a constructor can write ``self._n = check_int("n", n, 1)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

_T = TypeVar("_T")


def fail(name: str, what: str, value: Any, error: type[Exception] = ValueError) -> Exception:
    """The error for argument ``name`` that is not ``what`` (raise the result)."""
    return error(f"{name} must be {what}, got {value!r}.")


def check_int(name: str, value: Any, minimum: int = 0) -> int:
    """``value`` as an int >= ``minimum`` (a bool is not an int here)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise fail(name, f"an integer >= {minimum}", value)
    return int(value)


def check_real(name: str, value: Any, low: float = -math.inf, high: float = math.inf) -> float:
    """``value`` as a float in ``[low, high]``: not NaN, not a bool, not a string."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(name, "a number", value)
    out = float(value)
    if math.isnan(out) or not (low <= out <= high):
        raise fail(name, f"in [{low}, {high}]", value)
    return out


def check_probability(name: str, value: Any) -> float:
    """``value`` as a float in [0, 1]."""
    return check_real(name, value, 0.0, 1.0)


def check_bool(name: str, value: Any) -> bool:
    """``value`` if it is True or False (no truthy strings or numbers)."""
    if not isinstance(value, bool):
        raise fail(name, "True or False", value, TypeError)
    return value


def check_choice(name: str, value: _T, choices: Iterable[_T]) -> _T:
    """``value`` if it is one of ``choices``."""
    allowed = list(choices)
    if value not in allowed:
        raise fail(name, "one of " + ", ".join(repr(c) for c in allowed), value)
    return value


def check_callable(name: str, value: Any, *, optional: bool = False) -> Callable[..., Any] | None:
    """``value`` if it is callable (or None when ``optional``)."""
    if value is None and optional:
        return None
    if not callable(value):
        raise fail(name, "callable" + (" or None" if optional else ""), value, TypeError)
    return value


def check_flags(**flags: Any) -> None:
    """Each keyword's value must be True or False (names the first one that is not)."""
    for name, value in flags.items():
        check_bool(name, value)
