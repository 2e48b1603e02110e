"""Optuna 2's distribution classes, deprecated there and kept for programs that still use them.

Each is the modern distribution it stands for (``UniformDistribution(0, 1)`` is a
``FloatDistribution(0, 1)``) with Optuna's old name, attributes and a FutureWarning.
"""

from __future__ import annotations

import warnings
from typing import Any

from hypersearch.distributions import FloatDistribution, IntDistribution


def _warn(old: str, new: str) -> None:
    warnings.warn(
        f"{old} is deprecated (as in Optuna since v3.0); use {new} instead.",
        FutureWarning,
        stacklevel=3,
    )


class UniformDistribution(FloatDistribution):
    """Deprecated: ``FloatDistribution(low, high)``."""

    __slots__ = ()

    def __init__(self, low: float, high: float) -> None:
        _warn("UniformDistribution", "FloatDistribution(low, high)")
        super().__init__(low, high)

    def _attributes(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high}


class LogUniformDistribution(FloatDistribution):
    """Deprecated: ``FloatDistribution(low, high, log=True)``."""

    __slots__ = ()

    def __init__(self, low: float, high: float) -> None:
        _warn("LogUniformDistribution", "FloatDistribution(low, high, log=True)")
        super().__init__(low, high, log=True)

    def _attributes(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high}


class DiscreteUniformDistribution(FloatDistribution):
    """Deprecated: ``FloatDistribution(low, high, step=q)``."""

    __slots__ = ()

    def __init__(self, low: float, high: float, q: float) -> None:
        _warn("DiscreteUniformDistribution", "FloatDistribution(low, high, step=q)")
        super().__init__(low, high, step=q)

    @property
    def q(self) -> float:
        assert self.step is not None
        return self.step

    def _attributes(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "q": self.step}


class IntUniformDistribution(IntDistribution):
    """Deprecated: ``IntDistribution(low, high, step=step)``."""

    __slots__ = ()

    def __init__(self, low: int, high: int, step: int = 1) -> None:
        _warn("IntUniformDistribution", "IntDistribution(low, high, step=step)")
        super().__init__(low, high, step=step)

    def _attributes(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "step": self.step}


class IntLogUniformDistribution(IntDistribution):
    """Deprecated: ``IntDistribution(low, high, log=True)``."""

    __slots__ = ()

    def __init__(self, low: int, high: int, step: int = 1) -> None:
        _warn("IntLogUniformDistribution", "IntDistribution(low, high, log=True)")
        if isinstance(step, bool) or step != 1:
            raise ValueError(f"IntLogUniformDistribution takes step=1 only, got step={step!r}.")
        super().__init__(low, high, log=True)

    def _attributes(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "step": self.step}


LEGACY_CLASSES = (
    UniformDistribution,
    LogUniformDistribution,
    DiscreteUniformDistribution,
    IntUniformDistribution,
    IntLogUniformDistribution,
)
