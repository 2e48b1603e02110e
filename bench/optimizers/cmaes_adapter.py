"""The ``cmaes`` library's CMA-ES on the unit cube (continuous and integer spaces only)."""

from __future__ import annotations

import numpy as np

from bench.optimizers.base import Recorder
from bench.problems.base import Problem
from bench.space import Space, from_unit


class CmaesOptimizer:
    """Mean at the centre, sigma0 = 1/6 of the (unit) range, as Optuna's default."""

    def supports(self, space: Space) -> bool:
        return not space.has_categorical

    def minimize(self, problem: Problem, budget: int, seed: int) -> list[float]:
        from cmaes import CMA

        d = problem.space.dim
        bounds = np.tile([0.0, 1.0], (d, 1))
        cma = CMA(mean=np.full(d, 0.5), sigma=1.0 / 6.0, bounds=bounds, seed=seed)
        record = Recorder(problem, budget)
        while not record.done:
            told = []
            for _ in range(cma.population_size):
                if record.done:
                    break
                x = cma.ask()
                told.append((x, record(from_unit(problem.space, x))))
            if len(told) == cma.population_size:
                cma.tell(told)
        return record.values
