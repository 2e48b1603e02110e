"""YAHPO Gym ``rbv2_rpart`` (decision trees) and ``iaml_glmnet`` (elastic net) surrogates.

Same set-up as ``bench/problems/yahpo.py`` (yahpo-gym with --no-deps, ONNX surrogates in
``../shared/data/yahpo``).  The fidelity is ``trainsize``: step s of ``LEVELS`` trains on
``s / LEVELS`` of the data (rbv2 at ``repl = 10``).  The objective is the error (rbv2:
1 - acc, iaml: mmce); the cost of reaching step s is the surrogate's ``timetrain`` at that
size (made non-decreasing), i.e. growing the training set is treated like resuming
training.  Only full-size values count as incumbents (the model one would deploy).
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from functools import cache
from typing import Any

import numpy as np

from bench._env import writable_home, yahpo_data_dir
from bench.problems.mf_base import Curve, MFProblem
from bench.space import Cat, Float, Int, Params, Space

LEVELS = 10
INSTANCES = {"rbv2_rpart": ("41138", "1220"), "iaml_glmnet": ("40981", "1489")}
SPACES = {
    "rbv2_rpart": Space(
        (
            Float("cp", 0.000912, 1.0, log=True),
            Int("maxdepth", 1, 30),
            Int("minbucket", 1, 100),
            Int("minsplit", 1, 100),
            Cat("num.impute.selected.cpo", ("impute.mean", "impute.median", "impute.hist")),
        )
    ),
    "iaml_glmnet": Space((Float("alpha", 0.0, 1.0), Float("s", 1e-4, 999.99, log=True))),
}


def data_probe(scenario: str) -> str | None:
    path = yahpo_data_dir() / scenario
    return None if path.exists() else f"YAHPO data not found at {path} (set BENCH_YAHPO_DATA)"


@cache
def _benchmark(scenario: str) -> Any:
    os.environ["HOME"] = str(writable_home())  # yahpo writes ~/.config/yahpo_gym
    import ConfigSpace as CS

    if not hasattr(CS.ConfigurationSpace, "_sort_hyperparameters"):
        CS.ConfigurationSpace._sort_hyperparameters = lambda self: None  # see yahpo.py
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        from yahpo_gym import benchmark_set, local_config

        local_config.init_config()
        local_config.set_data_path(str(yahpo_data_dir()))
        return benchmark_set.BenchmarkSet(scenario, multithread=False)


def _error(scenario: str, row: dict[str, Any]) -> float:
    return float(1.0 - row["acc"]) if scenario == "rbv2_rpart" else float(row["mmce"])


def make_yahpo_tabular(scenario: str, instance: str, seed: int = 0) -> MFProblem:
    bench = _benchmark(scenario)
    extra = {"repl": 10} if scenario == "rbv2_rpart" else {}
    sizes = np.arange(1, LEVELS + 1) / LEVELS

    def curve(params: Params) -> Curve:
        base = {"task_id": instance, **extra, **params}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = bench.objective_function([dict(base, trainsize=float(s)) for s in sizes])
        errors = np.array([_error(scenario, r) for r in out])
        cost = np.maximum.accumulate(np.maximum([float(r["timetrain"]) for r in out], 1e-6))
        return errors, cost

    short = scenario.split("_")[1]
    return MFProblem(
        f"yahpo-{short}-{instance}",
        SPACES[scenario],
        LEVELS,
        curve,
        full_fidelity_incumbent=True,
        group=f"yahpo-{short}",
        n_reference=128,
    )
