"""COCO BBOB noiseless functions f1-f24 via ``cocoex`` (PyPI ``coco-experiment``).

The seed picks the instance (1..5 cycled), so "a few instances" come for free with seeds.
The optimum value is read from COCO's own optimum location (``_best_parameter``).
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

from bench.problems.base import Problem
from bench.space import floats

FUNCTIONS = tuple(range(1, 25))
DIMENSIONS = (2, 5, 10)
INSTANCES = (1, 2, 3, 4, 5)


def _optimum_value(coco_problem: object) -> float:
    """f(x_opt): COCO writes x_opt to a file in the working directory when asked."""
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            os.chdir(tmp)
            coco_problem._best_parameter("print")  # type: ignore[attr-defined]
            x_opt = np.atleast_1d(np.loadtxt("._bbob_problem_best_parameter.txt"))
        finally:
            os.chdir(here)
    return float(coco_problem(x_opt))  # type: ignore[operator]


def make_bbob(function: int, dim: int, seed: int) -> Problem:
    import cocoex

    instance = INSTANCES[seed % len(INSTANCES)]
    suite = cocoex.Suite(
        "bbob", "", f"function_indices: {function} dimensions: {dim} instance_indices: {instance}"
    )
    coco_problem = suite.get_problem(0)
    names = [f"x{i}" for i in range(dim)]
    optimum = _optimum_value(coco_problem)

    def fn(params: dict[str, object], _keep=(suite, coco_problem)) -> float:
        return float(coco_problem(np.array([params[n] for n in names], dtype=float)))

    return Problem(
        f"bbob-f{function:02d}-d{dim:02d}",
        floats(names, -5.0, 5.0),
        fn,
        optimum,
        group=f"bbob-d{dim:02d}",
        instance=f"i{instance}",
        n_reference=512,
    )
