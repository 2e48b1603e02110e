"""Multi-objective optimizers: ``minimize(problem, budget, seed) -> objective vectors``."""

from __future__ import annotations

from typing import Any

import numpy as np

from bench.optimizers.optuna_like import load_library, suggest_all
from bench.problems.zdt_dtlz import MOProblem
from bench.space import sample

Vectors = list[tuple[float, ...]]


class StudyMO:
    """Optuna or hypersearch: ``create_study(directions=[minimize] * m, sampler=...)``."""

    def __init__(self, library: str, sampler: str, **kwargs: Any) -> None:
        self.library, self.sampler, self.kwargs = library, sampler, kwargs

    def minimize(self, problem: MOProblem, budget: int, seed: int) -> Vectors:
        lib = load_library(self.library)
        sampler = getattr(lib.samplers, self.sampler)(seed=seed, **self.kwargs)
        study = lib.create_study(directions=["minimize"] * problem.n_obj, sampler=sampler)
        out: Vectors = []

        def objective(trial: Any) -> tuple[float, ...]:
            values = problem.evaluate(suggest_all(trial, problem.space))
            out.append(values)
            return values

        study.optimize(objective, n_trials=budget)
        return out


class PymooNSGA2:
    """pymoo's NSGA-II (population 50, its default operators) through ask/tell."""

    def minimize(self, problem: MOProblem, budget: int, seed: int) -> Vectors:
        from pymoo.algorithms.moo.nsga2 import NSGA2
        from pymoo.core.evaluator import Evaluator
        from pymoo.problems.static import StaticProblem

        algorithm = NSGA2(pop_size=50)
        algorithm.setup(problem.pymoo, termination=("n_eval", budget), seed=seed, verbose=False)
        out: Vectors = []
        names = problem.space.names
        xl, xu = problem.pymoo.xl, problem.pymoo.xu
        while algorithm.has_next() and len(out) < budget:
            pop = algorithm.ask()
            xs = pop.get("X")[: budget - len(out)]
            pop = pop[: len(xs)]
            f = np.array([problem.evaluate(dict(zip(names, (x - xl) / (xu - xl)))) for x in xs])
            out.extend(tuple(row) for row in f)
            Evaluator().eval(StaticProblem(problem.pymoo, F=f), pop)
            algorithm.tell(infills=pop)
        return out


class RandomMO:
    def minimize(self, problem: MOProblem, budget: int, seed: int) -> Vectors:
        rng = np.random.default_rng(seed)
        return [problem.evaluate(sample(problem.space, rng)) for _ in range(budget)]
