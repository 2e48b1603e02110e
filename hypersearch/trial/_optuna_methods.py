"""Optuna's trial methods beyond ``suggest_*``: older spellings, ``set_constraint``, FrozenTrial's.

* ``suggest_uniform`` / ``suggest_loguniform`` / ``suggest_discrete_uniform``: the
  pre-3.0 spellings, with the FutureWarning Optuna gives.
* ``set_constraint(key, value)`` (Optuna 5): the trial is feasible when every
  constraint is ``<= 0``. Stored as Optuna does (system attribute
  ``constraints:<key>``) and, for the samplers, as the list under
  ``constraints`` (the values in key order), the form ``constraints_func`` writes.
* A :class:`~hypersearch.trial.FrozenTrial` answers ``suggest_*`` with its stored
  values, so ``objective(study.best_trial)`` re-runs the best configuration.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

from hypersearch import _keys
from hypersearch.distributions import (
    BaseDistribution,
    CategoricalChoiceType,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

CONSTRAINTS_KEY = _keys.CONSTRAINTS
_PREFIX = CONSTRAINTS_KEY + ":"


def _deprecated(name: str, instead: str) -> None:
    warnings.warn(
        f"{name} has been deprecated in v3.0.0. This feature will be removed in v6.0.0. "
        f"See https://github.com/optuna/optuna/releases/tag/v3.0.0. Use {instead} instead.",
        FutureWarning,
        stacklevel=3,
    )


def constraints_of(system_attrs: Any) -> dict[str, float]:
    """A trial's constraints by name: ``set_constraint``'s keys, else the list's indexes."""
    named = {k[len(_PREFIX) :]: float(v) for k, v in system_attrs.items() if k.startswith(_PREFIX)}
    if named:
        return named
    listed = system_attrs.get(CONSTRAINTS_KEY) or []
    return {str(i): float(v) for i, v in enumerate(listed)}


class OptunaTrialMethods:
    """Mixed into Trial and FixedTrial (which define ``suggest_float`` and ``set_system_attr``)."""

    def suggest_uniform(self: Any, name: str, low: float, high: float) -> float:
        """Deprecated: ``suggest_float(name, low, high)``."""
        _deprecated("suggest_uniform", "suggest_float")
        return self.suggest_float(name, low, high)  # type: ignore[no-any-return]

    def suggest_loguniform(self: Any, name: str, low: float, high: float) -> float:
        """Deprecated: ``suggest_float(name, low, high, log=True)``."""
        _deprecated("suggest_loguniform", "suggest_float(..., log=True)")
        return self.suggest_float(name, low, high, log=True)  # type: ignore[no-any-return]

    def suggest_discrete_uniform(self: Any, name: str, low: float, high: float, q: float) -> float:
        """Deprecated: ``suggest_float(name, low, high, step=q)``."""
        _deprecated("suggest_discrete_uniform", "suggest_float(..., step=...)")
        return self.suggest_float(name, low, high, step=q)  # type: ignore[no-any-return]

    def set_constraint(self: Any, key: str, value: float) -> None:
        """Record a constraint value; the trial is feasible when all are ``<= 0``.

        Args:
            key: The constraint's name.
            value: Its value (a number; not NaN). A key set before keeps its value.
        """
        if isinstance(value, bool):
            raise TypeError(f"Constraint {key!r}: a bool is not a constraint value.")
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"Constraint {key!r}: value {value!r} is not a float.") from None
        if math.isnan(value):
            raise ValueError(f"Constraint {key!r}: NaN is not allowed.")
        attrs = dict(self.system_attrs)
        if _PREFIX + key in attrs:
            warnings.warn(
                f"The constraint {key!r} is set already; the new value is ignored.", stacklevel=2
            )
            return
        attrs[_PREFIX + key] = value
        self.set_system_attr(_PREFIX + key, value)
        named = constraints_of(attrs)
        self.set_system_attr(CONSTRAINTS_KEY, [named[k] for k in sorted(named)])

    @property
    def constraints(self: Any) -> dict[str, float]:
        """Constraint values by name (``set_constraint``'s keys, else "0", "1", ...)."""
        return constraints_of(self.system_attrs)


class FrozenTrialMethods(OptunaTrialMethods):
    """What Optuna's FrozenTrial answers beyond its fields (mixed into FrozenTrial)."""

    params: Any
    distributions: Any
    user_attrs: Any
    system_attrs: Any

    def _stored(self, name: str, distribution: BaseDistribution) -> Any:
        if name not in self.params:
            raise ValueError(
                f"The value of the parameter {name!r} is not found; set it when making the "
                "FrozenTrial."
            )
        value = self.params[name]
        try:
            inside = distribution.contains(distribution.to_internal(value))
        except (TypeError, ValueError):
            inside = False
        if not inside:
            raise ValueError(
                f"The value {value!r} of the parameter {name!r} is out of {distribution!r}."
            )
        return value

    def suggest_float(
        self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False
    ) -> float:
        """The stored value of ``name`` (it must lie in the given range)."""
        return self._stored(name, FloatDistribution(low, high, log=log, step=step, name=name))  # type: ignore[no-any-return]

    def suggest_int(
        self, name: str, low: int, high: int, *, step: int = 1, log: bool = False
    ) -> int:
        """The stored value of ``name`` (it must lie in the given range)."""
        return self._stored(name, IntDistribution(low, high, log=log, step=step, name=name))  # type: ignore[no-any-return]

    def suggest_categorical(
        self, name: str, choices: Sequence[CategoricalChoiceType]
    ) -> CategoricalChoiceType:
        """The stored value of ``name`` (it must be one of ``choices``)."""
        return self._stored(name, CategoricalDistribution(choices, name=name))  # type: ignore[no-any-return]

    def report(self, value: float, step: int) -> None:
        """Does nothing: a FrozenTrial is a record (as in Optuna)."""

    def should_prune(self) -> bool:
        """Always False: a FrozenTrial is never pruned."""
        return False

    def set_user_attr(self, key: str, value: Any) -> None:
        """Set an attribute on this record only (the storage is not changed)."""
        self.user_attrs[key] = value

    def set_system_attr(self, key: str, value: Any) -> None:
        """Set a system attribute on this record only (the storage is not changed)."""
        self.system_attrs[key] = value
