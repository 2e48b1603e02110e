"""Search-space distributions.

Every parameter lives in one distribution. A distribution converts between the
user's value (*external*) and a float the storage and the samplers work with
(*internal*): numbers are kept as they are, categoricals by the index of the
choice. Distributions are immutable, hashable and round-trip through JSON.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Sequence
from typing import Any, Union

CategoricalChoiceType = Union[None, bool, int, float, str]

_STEP_TOLERANCE = 1e-8


def _on_grid(offset: float, step: float, scale: float) -> bool:
    """Whether ``offset`` is a whole number of ``step`` s, up to rounding.

    ``offset`` is a difference of numbers of magnitude ``scale``, so it carries
    an absolute rounding error of a few ulps of ``scale`` (large bounds, small
    step: ``1e6 + 0.001 - 1e6`` is not exactly ``0.001``).
    """
    k = offset / step
    slack = _STEP_TOLERANCE * max(1.0, abs(k)) + 4 * math.ulp(scale) / step
    return abs(k - round(k)) <= slack


def _check_bound(name: str, what: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"Parameter {name!r}: {what} must be a number, got {value!r}.")
    if not math.isfinite(value):
        raise ValueError(f"Parameter {name!r}: {what} must be finite, got {value!r}.")
    return value


class BaseDistribution:
    """Common interface of all distributions."""

    __slots__ = ()

    def to_internal(self, external: Any) -> float:
        raise NotImplementedError

    def to_external(self, internal: float) -> Any:
        raise NotImplementedError

    def contains(self, internal: float) -> bool:
        """Whether an internal value lies in this distribution."""
        raise NotImplementedError

    def to_internal_repr(self, param_value_in_external_repr: Any) -> float:
        """Optuna's name of :meth:`to_internal`: the float stored for an external value."""
        return self.to_internal(param_value_in_external_repr)

    def to_external_repr(self, param_value_in_internal_repr: float) -> Any:
        """Optuna's name of :meth:`to_external`: the user's value of a stored float."""
        return self.to_external(param_value_in_internal_repr)

    def single(self) -> bool:
        """Whether the distribution holds exactly one value."""
        raise NotImplementedError

    def _key(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def _attributes(self) -> dict[str, Any]:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._key() == other._key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._key()))

    def __repr__(self) -> str:
        # Optuna's form: attributes in name order, choices as a tuple.
        attributes = self._attributes()
        if "choices" in attributes:
            attributes["choices"] = tuple(attributes["choices"])
        args = ", ".join(f"{k}={attributes[k]!r}" for k in sorted(attributes))
        return f"{type(self).__name__}({args})"

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable.")

    def __copy__(self) -> BaseDistribution:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> BaseDistribution:
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self).__name__, self._attributes()))


class FloatDistribution(BaseDistribution):
    """A float in ``[low, high]``, uniform, log-uniform or on a grid of ``step``."""

    __slots__ = ("low", "high", "log", "step")
    low: float
    high: float
    log: bool
    step: float | None

    def __init__(
        self,
        low: float,
        high: float,
        log: bool = False,
        step: float | None = None,
        *,
        name: str = "?",
    ) -> None:
        low = float(_check_bound(name, "low", low))
        high = float(_check_bound(name, "high", high))
        if low > high:
            raise ValueError(
                f"Parameter {name!r}: low must be <= high, got low={low}, high={high}."
            )
        if log and step is not None:
            raise ValueError(f"Parameter {name!r}: log=True cannot be combined with step={step}.")
        if log and low <= 0.0:
            raise ValueError(f"Parameter {name!r}: log=True needs low > 0, got low={low}.")
        if step is not None:
            step = float(_check_bound(name, "step", step))
            if step <= 0:
                raise ValueError(f"Parameter {name!r}: step must be > 0, got step={step}.")
            if not _on_grid(high - low, step, max(abs(low), abs(high))):
                raise ValueError(
                    f"Parameter {name!r}: step={step} does not divide the range "
                    f"[{low}, {high}] (high - low must be a multiple of step)."
                )
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        object.__setattr__(self, "log", bool(log))
        object.__setattr__(self, "step", step)

    def to_internal(self, external: Any) -> float:
        return float(external)

    def to_external(self, internal: float) -> float:
        return float(internal)

    def contains(self, internal: float) -> bool:
        value = float(internal)
        if not (self.low <= value <= self.high):
            return False
        if self.step is None:
            return True
        return _on_grid(value - self.low, self.step, max(abs(self.low), abs(value)))

    def single(self) -> bool:
        if self.low == self.high:
            return True
        # high - low was checked to be a whole number of steps, up to rounding
        return self.step is not None and round((self.high - self.low) / self.step) == 0

    def _key(self) -> tuple[Any, ...]:
        return (self.low, self.high, self.log, self.step)

    def _attributes(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "log": self.log, "step": self.step}


class IntDistribution(BaseDistribution):
    """An integer in ``[low, high]``, uniform on a grid of ``step``, or log-uniform."""

    __slots__ = ("low", "high", "log", "step")
    low: int
    high: int
    log: bool
    step: int

    def __init__(
        self, low: int, high: int, log: bool = False, step: int = 1, *, name: str = "?"
    ) -> None:
        low = _check_int(name, "low", low)
        high = _check_int(name, "high", high)
        step = _check_int(name, "step", step)
        if low > high:
            raise ValueError(
                f"Parameter {name!r}: low must be <= high, got low={low}, high={high}."
            )
        if step <= 0:
            raise ValueError(f"Parameter {name!r}: step must be >= 1, got step={step}.")
        if log and step != 1:
            raise ValueError(f"Parameter {name!r}: log=True cannot be combined with step={step}.")
        if log and low < 1:
            raise ValueError(f"Parameter {name!r}: log=True needs low >= 1, got low={low}.")
        if (high - low) % step:
            raise ValueError(
                f"Parameter {name!r}: step={step} does not divide the range [{low}, {high}] "
                "(high - low must be a multiple of step)."
            )
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        object.__setattr__(self, "log", bool(log))
        object.__setattr__(self, "step", step)

    def to_internal(self, external: Any) -> float:
        return float(external)

    def to_external(self, internal: float) -> int:
        return int(round(internal))

    def contains(self, internal: float) -> bool:
        value = float(internal)
        if not (self.low <= value <= self.high) or value != round(value):
            return False
        return (int(value) - self.low) % self.step == 0

    def single(self) -> bool:
        return self.high - self.low < self.step

    def _key(self) -> tuple[Any, ...]:
        return (self.low, self.high, self.log, self.step)

    def _attributes(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "log": self.log, "step": self.step}


def _check_int(name: str, what: str, value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError(f"Parameter {name!r}: {what} must be an integer, got {value!r}.")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"Parameter {name!r}: {what} must be finite, got {value!r}.")
        if not value.is_integer():
            raise TypeError(f"Parameter {name!r}: {what} must be an integer, got {value!r}.")
        return int(value)
    try:
        return int(value.__index__())
    except AttributeError:
        raise TypeError(f"Parameter {name!r}: {what} must be an integer, got {value!r}.") from None


def _choice_key(choice: CategoricalChoiceType) -> tuple[type, Any]:
    return (type(choice), choice)


class CategoricalDistribution(BaseDistribution):
    """One of a fixed sequence of choices (None, bool, int, float or str)."""

    __slots__ = ("choices", "_index")
    choices: tuple[CategoricalChoiceType, ...]
    _index: dict[tuple[type, Any], int]

    def __init__(self, choices: Sequence[CategoricalChoiceType], *, name: str = "?") -> None:
        if isinstance(choices, (str, bytes)) or not isinstance(choices, Sequence):
            raise TypeError(f"Parameter {name!r}: choices must be a sequence, got {choices!r}.")
        if len(choices) == 0:
            raise ValueError(f"Parameter {name!r}: choices must not be empty.")
        index: dict[tuple[type, Any], int] = {}
        for i, choice in enumerate(choices):
            if choice is not None and not isinstance(choice, (bool, int, float, str)):
                raise TypeError(
                    f"Parameter {name!r}: choice {choice!r} has type {type(choice).__name__}; "
                    "choices must be None, bool, int, float or str."
                )
            if isinstance(choice, float) and math.isnan(choice):
                raise ValueError(f"Parameter {name!r}: NaN is not a valid choice.")
            key = _choice_key(choice)
            if key in index:
                raise ValueError(f"Parameter {name!r}: choice {choice!r} appears twice.")
            index[key] = i
        object.__setattr__(self, "choices", tuple(choices))
        object.__setattr__(self, "_index", index)

    def to_internal(self, external: Any) -> float:
        try:
            return float(self._index[_choice_key(external)])
        except (KeyError, TypeError):
            raise ValueError(
                f"{external!r} is not one of the choices {list(self.choices)}."
            ) from None

    def to_external(self, internal: float) -> CategoricalChoiceType:
        return self.choices[int(internal)]

    def to_internal_repr(self, param_value_in_external_repr: Any) -> float:
        """The index of a choice, an ``int`` as Optuna gives it."""
        return int(self.to_internal(param_value_in_external_repr))

    def contains(self, internal: float) -> bool:
        value = float(internal)
        return value == round(value) and 0 <= value < len(self.choices)

    def single(self) -> bool:
        return len(self.choices) == 1

    def _key(self) -> tuple[Any, ...]:
        return tuple(_choice_key(c) for c in self.choices)

    def _attributes(self) -> dict[str, Any]:
        return {"choices": list(self.choices)}


Distribution = Union[FloatDistribution, IntDistribution, CategoricalDistribution]
_CLASSES = {c.__name__: c for c in (FloatDistribution, IntDistribution, CategoricalDistribution)}


def _rebuild(name: str, attributes: dict[str, Any]) -> BaseDistribution:
    if name in _LEGACY:
        with warnings.catch_warnings():  # warned once, when the program made it
            warnings.simplefilter("ignore", FutureWarning)
            return getattr(_legacy, name)(**attributes)  # type: ignore[no-any-return]
    return _CLASSES[name](**attributes)


def distribution_to_json(distribution: BaseDistribution) -> str:
    """Serialise a distribution to a JSON string."""
    return json.dumps(
        {"name": type(distribution).__name__, "attributes": distribution._attributes()}
    )


def _from_legacy(name: str, a: dict[str, Any]) -> BaseDistribution:
    """Optuna 2's distribution names, which databases upgraded from Optuna 2 still hold."""
    if name == "UniformDistribution":
        return FloatDistribution(a["low"], a["high"])
    if name == "LogUniformDistribution":
        return FloatDistribution(a["low"], a["high"], log=True)
    if name == "DiscreteUniformDistribution":
        return FloatDistribution(a["low"], a["high"], step=a["q"])
    if name == "IntUniformDistribution":
        return IntDistribution(a["low"], a["high"], step=a.get("step", 1))
    return IntDistribution(a["low"], a["high"], log=True)  # IntLogUniformDistribution


_LEGACY = frozenset(
    {
        "UniformDistribution",
        "LogUniformDistribution",
        "DiscreteUniformDistribution",
        "IntUniformDistribution",
        "IntLogUniformDistribution",
    }
)


def json_to_distribution(json_str: str) -> BaseDistribution:
    """Rebuild a distribution from :func:`distribution_to_json`'s output.

    Also reads Optuna's JSON, including its older names (``UniformDistribution``,
    ``LogUniformDistribution``, ``DiscreteUniformDistribution``,
    ``IntUniformDistribution``, ``IntLogUniformDistribution``).
    """
    try:
        data = json.loads(json_str)
        name = data["name"]
        attributes = dict(data["attributes"])
        if name in _LEGACY:
            return _from_legacy(name, attributes)
        cls = _CLASSES[name]
    except (ValueError, KeyError, TypeError) as err:
        raise ValueError(f"Not a serialised distribution: {json_str!r}.") from err
    return cls(**attributes)


def check_distribution_compatibility(
    dist_old: BaseDistribution, dist_new: BaseDistribution
) -> None:
    """Raise ValueError when one parameter cannot take both distributions across trials.

    As in Optuna: the kind must match, a number's ``log`` must match, and a
    categorical's choices must be the same; ranges and steps may differ.
    """
    if type(dist_old) is not type(dist_new):
        raise ValueError(
            f"Cannot use {type(dist_new).__name__} for a parameter that was a "
            f"{type(dist_old).__name__}."
        )
    old_log, new_log = getattr(dist_old, "log", False), getattr(dist_new, "log", False)
    if old_log != new_log:
        raise ValueError(f"Cannot change log={old_log} to log={new_log} for the same parameter.")
    if isinstance(dist_old, CategoricalDistribution) and dist_old != dist_new:
        raise ValueError(
            f"CategoricalDistribution does not support dynamic choices: {dist_old.choices} "
            f"became {getattr(dist_new, 'choices', None)}."
        )


def check_compatible(name: str, old: BaseDistribution, new: BaseDistribution) -> None:
    """Raise if a parameter is asked again in one trial with another distribution."""
    if old != new:
        raise ValueError(
            f"Parameter {name!r} was already suggested in this trial as {old!r}; "
            f"it cannot be suggested again as {new!r}."
        )


from hypersearch import _legacy_distributions as _legacy  # noqa: E402  (they subclass the above)
from hypersearch._legacy_distributions import (  # noqa: E402
    DiscreteUniformDistribution,
    IntLogUniformDistribution,
    IntUniformDistribution,
    LogUniformDistribution,
    UniformDistribution,
)

DISTRIBUTION_CLASSES = (
    IntDistribution,
    IntLogUniformDistribution,
    IntUniformDistribution,
    FloatDistribution,
    UniformDistribution,
    LogUniformDistribution,
    DiscreteUniformDistribution,
    CategoricalDistribution,
)
"""Optuna's tuple of every distribution class, the deprecated ones included."""

__all__ = [
    "DISTRIBUTION_CLASSES",
    "BaseDistribution",
    "CategoricalChoiceType",
    "CategoricalDistribution",
    "DiscreteUniformDistribution",
    "Distribution",
    "FloatDistribution",
    "IntDistribution",
    "IntLogUniformDistribution",
    "IntUniformDistribution",
    "LogUniformDistribution",
    "UniformDistribution",
    "check_compatible",
    "check_distribution_compatibility",
    "distribution_to_json",
    "json_to_distribution",
]
