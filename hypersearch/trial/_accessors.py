"""Read-only accessors shared by Trial and FixedTrial."""

from __future__ import annotations

import datetime
from typing import Any

from hypersearch.distributions import BaseDistribution
from hypersearch.trial._optuna_methods import OptunaTrialMethods


class TrialAccessors(OptunaTrialMethods):
    """``number``, ``params``, ``distributions``, attributes and start time, as copies.

    Also Optuna's older ``suggest_*`` spellings and ``set_constraint`` (``_optuna_methods``).
    """

    _number: int
    _params: dict[str, Any]
    _distributions: dict[str, BaseDistribution]
    _user_attrs: dict[str, Any]
    _system_attrs: dict[str, Any]
    _datetime_start: datetime.datetime

    @property
    def number(self) -> int:
        return self._number

    @property
    def params(self) -> dict[str, Any]:
        return dict(self._params)

    @property
    def distributions(self) -> dict[str, BaseDistribution]:
        return dict(self._distributions)

    @property
    def user_attrs(self) -> dict[str, Any]:
        return dict(self._user_attrs)

    @property
    def system_attrs(self) -> dict[str, Any]:
        return dict(self._system_attrs)

    @property
    def datetime_start(self) -> datetime.datetime:
        return self._datetime_start
