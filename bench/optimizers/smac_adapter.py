"""SMAC3 (pinned 2.4.1) facades driven by ask/tell: BlackBoxFacade (GP) and HPOFacade (RF)."""

from __future__ import annotations

import tempfile
from typing import Any

from bench.optimizers.base import Recorder
from bench.problems.base import Problem
from bench.space import Cat, Float, Int, Space


def config_space(space: Space, seed: int) -> Any:
    from ConfigSpace import Categorical, ConfigurationSpace
    from ConfigSpace import Float as CSFloat
    from ConfigSpace import Integer as CSInteger

    cs = ConfigurationSpace(seed=seed)
    hps = []
    for p in space.params:
        if isinstance(p, Float):
            hps.append(CSFloat(p.name, (p.low, p.high), log=p.log))
        elif isinstance(p, Int):
            hps.append(CSInteger(p.name, (p.low, p.high), log=p.log))
        else:
            assert isinstance(p, Cat)
            hps.append(Categorical(p.name, list(p.choices)))
    cs.add(hps)
    return cs


def _target(config: Any, seed: int = 0, budget: float | None = None) -> float:
    raise RuntimeError("SMAC is driven by ask/tell here; its target function is never called")


def make_facade(facade: str, space: Space, seed: int, workdir: str, **scenario: Any) -> Any:
    """A SMAC facade (by class name) with output kept in ``workdir`` and logging quiet."""
    import smac

    cs = config_space(space, seed)
    sc = smac.Scenario(cs, deterministic=True, seed=seed, output_directory=workdir, **scenario)
    return getattr(smac, facade)(sc, _target, overwrite=True, logging_level=40)


class SmacOptimizer:
    def __init__(self, facade: str) -> None:
        self.facade = facade

    def supports(self, space: Space) -> bool:
        return True

    def minimize(self, problem: Problem, budget: int, seed: int) -> list[float]:
        from smac.runhistory.dataclasses import TrialValue

        record = Recorder(problem, budget)
        with tempfile.TemporaryDirectory(prefix="bench-smac-") as tmp:
            opt = make_facade(self.facade, problem.space, seed, tmp, n_trials=budget)
            while not record.done:
                info = opt.ask()
                value = record(dict(info.config))
                opt.tell(info, TrialValue(cost=value))
        return record.values
