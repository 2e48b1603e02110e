"""hyperopt's TPE (``tpe.suggest``) through ``fmin``."""

from __future__ import annotations

import math

import numpy as np

from bench.optimizers.base import Recorder
from bench.problems.base import Problem
from bench.space import Cat, Float, Int, Params, Space


def hyperopt_space(space: Space) -> dict[str, object]:
    from hyperopt import hp

    out: dict[str, object] = {}
    for p in space.params:
        if isinstance(p, Float):
            out[p.name] = (
                hp.loguniform(p.name, math.log(p.low), math.log(p.high))
                if p.log
                else hp.uniform(p.name, p.low, p.high)
            )
        elif isinstance(p, Int):
            out[p.name] = (
                hp.qloguniform(p.name, math.log(p.low), math.log(p.high), 1)
                if p.log
                else hp.quniform(p.name, p.low - 0.5, p.high + 0.5, 1)
            )
        else:
            assert isinstance(p, Cat)
            out[p.name] = hp.choice(p.name, list(p.choices))
    return out


def _cast(space: Space, raw: dict[str, object]) -> Params:
    params: Params = {}
    for p in space.params:
        value = raw[p.name]
        if isinstance(p, Int):
            value = min(max(int(round(float(value))), p.low), p.high)  # type: ignore[arg-type]
        params[p.name] = value
    return params


class HyperoptTPE:
    def supports(self, space: Space) -> bool:
        return True

    def minimize(self, problem: Problem, budget: int, seed: int) -> list[float]:
        from hyperopt import Trials, fmin, tpe

        record = Recorder(problem, budget)
        fmin(
            lambda raw: record(_cast(problem.space, raw)),
            hyperopt_space(problem.space),
            algo=tpe.suggest,
            max_evals=budget,
            trials=Trials(),
            rstate=np.random.default_rng(seed),
            show_progressbar=False,
        )
        return record.values
