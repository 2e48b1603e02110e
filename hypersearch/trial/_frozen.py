"""FrozenTrial: the immutable record of one trial, and create_trial."""

from __future__ import annotations

import copy
import datetime
import math
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from hypersearch.distributions import BaseDistribution
from hypersearch.trial._optuna_methods import FrozenTrialMethods
from hypersearch.trial._report_value import IntermediateValue, normalize_intermediate
from hypersearch.trial._seed import recorded_seed
from hypersearch.trial._state import TrialState
from hypersearch.trial._values import TrialValues


@dataclass(frozen=True, eq=True)
class FrozenTrial(FrozenTrialMethods):
    """A snapshot of a trial as the storage holds it.

    Storages hand out these snapshots; changing the mappings of one never
    changes the study. ``params`` are external values in the order they were
    suggested; ``distributions`` has the same keys. ``intermediate_values``
    maps a step to the reported float, or, in a multi-objective study, to the
    reported tuple of floats (one per direction).
    """

    number: int
    state: TrialState
    values: Sequence[float] | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    distributions: Mapping[str, BaseDistribution] = field(default_factory=dict)
    user_attrs: Mapping[str, Any] = field(default_factory=dict)
    system_attrs: Mapping[str, Any] = field(default_factory=dict)
    intermediate_values: Mapping[int, IntermediateValue] = field(default_factory=dict)
    datetime_start: datetime.datetime | None = None
    datetime_complete: datetime.datetime | None = None
    trial_id: int = -1

    def __post_init__(self) -> None:
        if self.values is not None and type(self.values) is not TrialValues:
            object.__setattr__(self, "values", TrialValues(self.values))

    @property
    def value(self) -> float | None:
        """The single objective value; raises on a multi-objective trial."""
        if self.values is None:
            return None
        if len(self.values) != 1:
            raise RuntimeError(
                f"Trial {self.number} has {len(self.values)} objective values; use `values`."
            )
        return self.values[0]

    @property
    def seed(self) -> int | None:
        """The seed the run used (``trial.seed``), or None if it never asked for one."""
        return recorded_seed(self.system_attrs)

    @property
    def duration(self) -> datetime.timedelta | None:
        """Wall time from start to finish, or None while it has not finished."""
        if self.datetime_start is None or self.datetime_complete is None:
            return None
        return self.datetime_complete - self.datetime_start

    @property
    def last_step(self) -> int | None:
        """The largest step reported so far, or None."""
        return max(self.intermediate_values) if self.intermediate_values else None

    def replace(self, **changes: Any) -> FrozenTrial:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def __hash__(self) -> int:
        return hash((self.trial_id, self.number, self.state))

    def __repr__(self) -> str:
        # Optuna's field order and forms (values as a list, a trailing value=None).
        fields = {
            "number": self.number,
            "state": self.state,
            "values": self.values,
            "datetime_start": self.datetime_start,
            "datetime_complete": self.datetime_complete,
            "params": dict(self.params),
            "user_attrs": dict(self.user_attrs),
            "system_attrs": dict(self.system_attrs),
            "intermediate_values": dict(self.intermediate_values),
            "distributions": dict(self.distributions),
            "trial_id": self.trial_id,
        }
        body = ", ".join(f"{name}={value!r}" for name, value in fields.items())
        return f"FrozenTrial({body}, value=None)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython's display: Optuna's repr, then the budget behind it (``study.best_trial``)."""
        printer.text(repr(self))
        source = self.__dict__.get(_BUDGET_SOURCE)
        study = source() if source is not None else None
        if study is not None:
            printer.text(f"\n# budget: {study.budget()}")

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop(_BUDGET_SOURCE, None)  # a weak reference to the study: not picklable
        return state

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenTrial:
        """A deep copy that copies only what can change: the mappings and non-scalar values.

        ``study.trials`` deep-copies every trial; the generic ``copy.deepcopy`` took
        2.7 s for 20,000 trials. Numbers, strings, datetimes, value tuples and
        distributions (immutable) are shared.
        """
        return FrozenTrial(
            number=self.number,
            state=self.state,
            values=self.values,
            params=_copy_mapping(self.params, memo),
            distributions=dict(self.distributions),
            user_attrs=_copy_mapping(self.user_attrs, memo),
            system_attrs=_copy_mapping(self.system_attrs, memo),
            intermediate_values=dict(self.intermediate_values),
            datetime_start=self.datetime_start,
            datetime_complete=self.datetime_complete,
            trial_id=self.trial_id,
        )


_SCALARS = (str, int, float, bool, type(None))
# The study whose budget a best trial shows when displayed (a weak reference).
_BUDGET_SOURCE = "_budget_source"


def show_budget_of(trial: FrozenTrial, study: Any) -> FrozenTrial:
    """Let ``trial``'s interactive display end with ``study``'s budget line."""
    object.__setattr__(trial, _BUDGET_SOURCE, weakref.ref(study))
    return trial


def _copy_mapping(mapping: Mapping[str, Any], memo: dict[int, Any]) -> dict[str, Any]:
    """A new dict of ``mapping``; non-scalar values deep-copied."""
    return {
        key: value if isinstance(value, _SCALARS) else copy.deepcopy(value, memo)
        for key, value in mapping.items()
    }


def create_trial(
    *,
    state: TrialState = TrialState.COMPLETE,
    value: float | None = None,
    values: Sequence[float] | None = None,
    params: Mapping[str, Any] | None = None,
    distributions: Mapping[str, BaseDistribution] | None = None,
    user_attrs: Mapping[str, Any] | None = None,
    system_attrs: Mapping[str, Any] | None = None,
    intermediate_values: Mapping[int, float | Sequence[float]] | None = None,
) -> FrozenTrial:
    """Build a finished (or waiting) trial to add to a study with ``study.add_trial``."""
    if value is not None and values is not None:
        raise ValueError("Pass either value or values, not both.")
    if value is not None:
        values = [value]
    params = dict(params or {})
    distributions = dict(distributions or {})
    if set(params) != set(distributions):
        raise ValueError(
            f"params and distributions must name the same parameters, got {sorted(params)} "
            f"and {sorted(distributions)}."
        )
    for name, external in params.items():
        if not distributions[name].contains(distributions[name].to_internal(external)):
            raise ValueError(
                f"Parameter {name!r}: value {external!r} is outside {distributions[name]!r}."
            )
    now = datetime.datetime.now()
    checked = None if values is None else tuple(float(v) for v in values)
    if state == TrialState.COMPLETE:
        if checked is None or any(math.isnan(v) for v in checked):
            raise ValueError("A COMPLETE trial needs values that are numbers (not NaN).")
    elif state == TrialState.FAIL and checked is not None:
        raise ValueError("A FAIL trial has no values.")
    return FrozenTrial(
        number=-1,
        state=state,
        values=checked,
        params=params,
        distributions=distributions,
        user_attrs=dict(user_attrs or {}),
        system_attrs=dict(system_attrs or {}),
        intermediate_values={
            int(k): normalize_intermediate(v) for k, v in (intermediate_values or {}).items()
        },
        datetime_start=None if state == TrialState.WAITING else now,
        datetime_complete=now if state.is_finished() else None,
    )
