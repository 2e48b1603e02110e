"""scikit-optimize's ``gp_minimize`` with its default settings."""

from __future__ import annotations

from bench.optimizers.base import Recorder
from bench.problems.base import Problem
from bench.space import Cat, Float, Int, Space


def skopt_dimensions(space: Space) -> list[object]:
    from skopt.space import Categorical, Integer, Real

    dims: list[object] = []
    for p in space.params:
        prior = "log-uniform" if getattr(p, "log", False) else "uniform"
        if isinstance(p, Float):
            dims.append(Real(p.low, p.high, prior=prior, name=p.name))
        elif isinstance(p, Int):
            dims.append(Integer(p.low, p.high, prior=prior, name=p.name))
        else:
            assert isinstance(p, Cat)
            dims.append(Categorical(list(p.choices), name=p.name))
    return dims


class SkoptGP:
    def supports(self, space: Space) -> bool:
        return True

    def minimize(self, problem: Problem, budget: int, seed: int) -> list[float]:
        from skopt import gp_minimize

        record = Recorder(problem, budget)
        names = problem.space.names
        gp_minimize(
            lambda x: record(dict(zip(names, x))),
            skopt_dimensions(problem.space),
            n_calls=budget,
            n_initial_points=min(10, budget),
            random_state=seed,
        )
        return record.values
