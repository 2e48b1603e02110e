"""Problems whose trials cost different amounts across the search space (cost-aware search).

Each :class:`CostedProblem` returns ``(value, cost)`` for a configuration; the value is
minimised, the cost is what the trial would spend (simulated seconds or units). Three kinds:

* synthetic functions with a cost surface varying >= 10x (p90/p10 of random
  configurations): Branin with ``30 ** u1`` (a cheap, a middle and an expensive minimum),
  Hartmann-3 with ``30 ** x3`` (the optimum sits at the expensive end, x3 = 0.85),
  Hartmann-6 with ``100 ** ((x3 + x6) / 2)`` (the optimum in the middle);
* YAHPO surrogates with their own measured cost: LCBench (``time`` after 52 epochs:
  p90/p10 ~6-7x), rbv2_rpart (``timetrain`` at trainsize 1: ~2x) and iaml_glmnet
  (``timetrain``: ~1.1x, nearly constant);
* Hartmann-6 with a constant cost of 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from bench.problems.base import REFERENCE_SEED
from bench.problems.synthetic import (
    HARTMANN3_A,
    HARTMANN3_P,
    HARTMANN6_A,
    HARTMANN6_P,
    HARTMANN_ALPHA,
    branin,
    hartmann,
)
from bench.space import Cat, Float, Int, Params, Space, floats, sample

N_PROBE = 256  # random configurations measuring a problem's typical cost and spread


@dataclass
class CostedProblem:
    """``fn(params) -> (value, cost)``, minimised; ``kind``: the cost class it tests."""

    name: str
    space: Space
    fn: Callable[[Params], tuple[float, float]]
    kind: str
    _probe: tuple[float, float] | None = field(default=None, repr=False)

    def __call__(self, params: Params) -> tuple[float, float]:
        value, cost = self.fn(params)
        return float(value), float(cost)

    def cost_profile(self) -> tuple[float, float]:
        """(median cost, p90/p10 spread) of random configurations (fixed seed, cached)."""
        if self._probe is None:
            rng = np.random.default_rng(REFERENCE_SEED)
            costs = np.array([self(sample(self.space, rng))[1] for _ in range(N_PROBE)])
            spread = float(np.percentile(costs, 90) / np.percentile(costs, 10))
            self._probe = (float(np.median(costs)), spread)
        return self._probe


def _vector(p: Params, names: list[str]) -> np.ndarray:
    return np.array([p[n] for n in names], dtype=float)


def branin_cost() -> CostedProblem:
    space = Space((Float("x1", -5.0, 10.0), Float("x2", 0.0, 15.0)))

    def fn(p: Params) -> tuple[float, float]:
        x1, x2 = float(p["x1"]), float(p["x2"])  # type: ignore[arg-type]
        return branin(x1, x2), 30.0 ** ((x1 + 5.0) / 15.0)

    return CostedProblem("branin-cost30", space, fn, "varies >= 10x")


def hartmann3_cost() -> CostedProblem:
    names = ["x0", "x1", "x2"]

    def fn(p: Params) -> tuple[float, float]:
        x = _vector(p, names)
        return hartmann(x, HARTMANN_ALPHA, HARTMANN3_A, HARTMANN3_P), 30.0 ** x[2]

    return CostedProblem("hartmann3-cost30-x3", floats(names, 0.0, 1.0), fn, "varies >= 10x")


def hartmann6_cost(constant: bool = False) -> CostedProblem:
    names = [f"x{i}" for i in range(6)]

    def fn(p: Params) -> tuple[float, float]:
        x = _vector(p, names)
        value = hartmann(x, HARTMANN_ALPHA, HARTMANN6_A, HARTMANN6_P)
        return value, 1.0 if constant else 100.0 ** ((x[2] + x[5]) / 2.0)

    if constant:
        return CostedProblem("hartmann6-const", floats(names, 0.0, 1.0), fn, "constant")
    return CostedProblem("hartmann6-cost100-x3x6", floats(names, 0.0, 1.0), fn, "varies >= 10x")


# -- YAHPO ----------------------------------------------------------------------------------
LCBENCH_EPOCH = 52
RPART_SPACE = Space(
    (
        Float("cp", 0.0009118819656, 1.0, log=True),
        Int("maxdepth", 1, 30),
        Int("minbucket", 1, 100),
        Int("minsplit", 1, 100),
        Cat("num.impute.selected.cpo", ("impute.mean", "impute.median", "impute.hist")),
    )
)
GLMNET_SPACE = Space((Float("alpha", 0.0, 1.0), Float("s", 1e-4, 999.0, log=True)))


@cache
def _yahpo(scenario: str, instance: str) -> Any:
    from bench.problems import yahpo

    yahpo._benchmark(yahpo.TASKS[0])  # ConfigSpace patch, data path, HOME
    import contextlib
    import io
    import warnings

    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        from yahpo_gym import benchmark_set

        return benchmark_set.BenchmarkSet(scenario, instance=instance, multithread=False)


def lcbench_cost(task: str) -> CostedProblem:
    from bench.problems.yahpo import SPACE

    def fn(p: Params) -> tuple[float, float]:
        out = _yahpo("lcbench", task).objective_function(
            [dict(OpenML_task_id=task, epoch=LCBENCH_EPOCH, **p)]
        )[0]
        return 1.0 - float(out["val_accuracy"]) / 100.0, max(float(out["time"]), 1e-6)

    return CostedProblem(f"lcbench-{task}-time", SPACE, fn, "varies < 10x (real)")


def rpart_cost(task: str) -> CostedProblem:
    def fn(p: Params) -> tuple[float, float]:
        config = dict(p, task_id=task, trainsize=1.0, repl=10)
        out = _yahpo("rbv2_rpart", task).objective_function([config])[0]
        return 1.0 - float(out["acc"]), max(float(out["timetrain"]), 1e-6)

    return CostedProblem(f"rpart-{task}-timetrain", RPART_SPACE, fn, "varies < 10x (real)")


def glmnet_cost(task: str) -> CostedProblem:
    def fn(p: Params) -> tuple[float, float]:
        config = dict(p, task_id=task, trainsize=1.0)
        out = _yahpo("iaml_glmnet", task).objective_function([config])[0]
        return float(out["mmce"]), max(float(out["timetrain"]), 1e-6)

    return CostedProblem(f"glmnet-{task}-timetrain", GLMNET_SPACE, fn, "nearly constant (real)")


COSTED: dict[str, Callable[[], CostedProblem]] = {
    "branin-cost30": branin_cost,
    "hartmann3-cost30-x3": hartmann3_cost,
    "hartmann6-cost100-x3x6": hartmann6_cost,
    "lcbench-3945-time": lambda: lcbench_cost("3945"),
    "lcbench-189906-time": lambda: lcbench_cost("189906"),
    "rpart-41163-timetrain": lambda: rpart_cost("41163"),
    "glmnet-40981-timetrain": lambda: glmnet_cost("40981"),
    "hartmann6-const": lambda: hartmann6_cost(constant=True),
}
"""Problem name -> factory (YAHPO ones need yahpo-gym and the surrogate data)."""

YAHPO_PREFIXES = ("lcbench-", "rpart-", "glmnet-")


def needs_yahpo(name: str) -> bool:
    return name.startswith(YAHPO_PREFIXES)
