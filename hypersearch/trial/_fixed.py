"""FixedTrial: run an objective on given parameters, outside any study."""

from __future__ import annotations

import datetime
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

from hypersearch.distributions import (
    BaseDistribution,
    CategoricalChoiceType,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    check_compatible,
)
from hypersearch.trial._accessors import TrialAccessors
from hypersearch.trial._report_value import (
    IntermediateValue,
    check_report_value,
    check_report_vector,
)
from hypersearch.trial._trial import check_step


class FixedTrial(TrialAccessors):
    """A trial whose ``suggest_*`` return the given ``params``.

    Useful to re-run an objective on the best parameters::

        objective(FixedTrial(study.best_params))

    Asking a parameter that ``params`` lacks raises ``ValueError``. ``seed`` is
    what ``trial.seed`` returns (default: ``number``), to replay a seeded run.
    """

    def __init__(self, params: dict[str, Any], number: int = 0, seed: int | None = None) -> None:
        self._fixed = dict(params)
        self._number = number
        self._seed = number if seed is None else int(seed)
        self._params: dict[str, Any] = {}
        self._distributions: dict[str, BaseDistribution] = {}
        self._user_attrs: dict[str, Any] = {}
        self._system_attrs: dict[str, Any] = {}
        self._intermediate: dict[int, IntermediateValue] = {}
        self._datetime_start = datetime.datetime.now()

    @property
    def seed(self) -> int:
        """The seed given (default: the trial number)."""
        return self._seed

    def suggest_float(
        self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False
    ) -> float:
        return self._suggest(name, FloatDistribution(low, high, log=log, step=step, name=name))

    def suggest_int(
        self, name: str, low: int, high: int, *, step: int = 1, log: bool = False
    ) -> int:
        return self._suggest(name, IntDistribution(low, high, log=log, step=step, name=name))

    def suggest_categorical(
        self, name: str, choices: Sequence[CategoricalChoiceType]
    ) -> CategoricalChoiceType:
        return self._suggest(name, CategoricalDistribution(choices, name=name))

    def _suggest(self, name: str, distribution: BaseDistribution) -> Any:
        if name in self._distributions:
            check_compatible(name, self._distributions[name], distribution)
            return self._params[name]
        if name not in self._fixed:
            raise ValueError(f"FixedTrial has no value for parameter {name!r}.")
        value = self._fixed[name]
        try:
            internal = distribution.to_internal(value)
            inside = distribution.contains(internal)
        except (TypeError, ValueError):
            inside = False
        if not inside:
            warnings.warn(
                f"Fixed value {value!r} of parameter {name!r} is outside {distribution!r}.",
                stacklevel=3,
            )
        else:
            value = distribution.to_external(internal)
        self._params[name] = value
        self._distributions[name] = distribution
        return value

    def report(self, value: float | Sequence[float], step: int) -> None:
        """Keep the report (a number, or a sequence of numbers for a multi-objective objective)."""
        step = check_step(step)
        if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
            items = list(value)
            if not items:
                raise ValueError("report() got an empty sequence of values.")
            self._intermediate[step] = check_report_vector(items, len(items))
        else:
            self._intermediate[step] = check_report_value(value)

    def should_prune(self) -> bool:
        return False

    def set_user_attr(self, key: str, value: Any) -> None:
        self._user_attrs[key] = value

    def set_system_attr(self, key: str, value: Any) -> None:
        self._system_attrs[key] = value
