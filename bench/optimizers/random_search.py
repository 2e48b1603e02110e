"""Library-free uniform random search: the baseline every table is read against."""

from __future__ import annotations

import numpy as np

from bench.problems.base import Problem
from bench.space import Space, sample


class RandomSearch:
    def supports(self, space: Space) -> bool:
        return True

    def minimize(self, problem: Problem, budget: int, seed: int) -> list[float]:
        rng = np.random.default_rng(seed)
        return [problem(sample(problem.space, rng)) for _ in range(budget)]
