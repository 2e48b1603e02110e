"""BaseTrial: Optuna's common type of Trial, FixedTrial and FrozenTrial, for isinstance checks."""

from __future__ import annotations

import abc


class BaseTrial(abc.ABC):  # noqa: B024 (no abstract method: a type to check against)
    """What an objective receives: a live :class:`Trial`, a :class:`FixedTrial` or a :class:`FrozenTrial`.

    ``isinstance(trial, BaseTrial)`` holds for all three, as in Optuna; they are
    registered as virtual subclasses and keep their own implementations.
    """
