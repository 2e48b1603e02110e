"""The one interface every single-objective optimizer adapter implements."""

from __future__ import annotations

from typing import Protocol

from bench.problems.base import Problem
from bench.space import Space


class Optimizer(Protocol):
    """``minimize`` returns the objective value of every trial, in evaluation order."""

    def supports(self, space: Space) -> bool: ...

    def minimize(self, problem: Problem, budget: int, seed: int) -> list[float]: ...


class Recorder:
    """Wraps a problem, recording every value it returns (adapters call this)."""

    def __init__(self, problem: Problem, budget: int) -> None:
        self.problem = problem
        self.budget = budget
        self.values: list[float] = []

    @property
    def done(self) -> bool:
        return len(self.values) >= self.budget

    def __call__(self, params: dict[str, object]) -> float:
        value = self.problem(params)
        self.values.append(value)
        return value
