"""YAHPO Gym LCBench surrogate (ONNX): 34 OpenML tasks, 7 hyperparameters, epochs 1..52.

Needs ``yahpo-gym`` (installed with --no-deps), ``onnxruntime``, a current ``ConfigSpace``
(patched below) and the surrogate data (see /work/shared/data/README.md).  The objective is
the validation error 1 - val_accuracy / 100; the cost of an epoch is the surrogate's
``time`` increment (simulated seconds).
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import numpy as np

from bench._env import MissingDependency, in_ci, writable_home, yahpo_data_dir
from bench.problems.mf_base import Curve, MFProblem
from bench.space import Float, Int, Params, Space

MAX_EPOCH = 52
TASKS = ("3945", "7593", "34539", "126026", "167168", "189906", "168331", "189873")
SPACE = Space(
    (
        Int("batch_size", 16, 512, log=True),
        Float("learning_rate", 1e-4, 1e-1, log=True),
        Float("momentum", 0.1, 0.99),
        Float("weight_decay", 1e-5, 1e-1),
        Int("num_layers", 1, 5),
        Int("max_units", 64, 1024, log=True),
        Float("max_dropout", 0.0, 1.0),
    )
)


def data_probe() -> str | None:
    """Reason the surrogate data is unusable (raises under CI), else None."""
    path = yahpo_data_dir() / "lcbench" / "model.onnx"
    if path.exists():
        return None
    reason = f"YAHPO data not found at {path.parent} (set BENCH_YAHPO_DATA)"
    if in_ci():
        raise MissingDependency(reason)
    return reason


@cache
def _benchmark(task: str) -> Any:
    os.environ["HOME"] = str(writable_home())  # yahpo writes ~/.config/yahpo_gym
    import ConfigSpace as CS

    if not hasattr(CS.ConfigurationSpace, "_sort_hyperparameters"):
        # yahpo-gym 1.0.2 calls a method that ConfigSpace >= 1.0 no longer has.
        CS.ConfigurationSpace._sort_hyperparameters = lambda self: None
    import contextlib
    import io
    import warnings

    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")  # ConfigSpace JSON deprecations, citation notice
        from yahpo_gym import benchmark_set, local_config

        local_config.init_config()
        local_config.set_data_path(str(yahpo_data_dir()))
        return benchmark_set.BenchmarkSet("lcbench", instance=task, multithread=False)


def make_lcbench(task: str, seed: int = 0) -> MFProblem:
    bench = _benchmark(task)
    epochs = np.arange(1, MAX_EPOCH + 1)

    def curve(params: Params) -> Curve:
        base = {"OpenML_task_id": task, **params}
        rows = [dict(base, epoch=int(e)) for e in epochs]
        out = bench.objective_function(rows)
        errors = np.array([1.0 - float(r["val_accuracy"]) / 100.0 for r in out])
        cost = np.maximum.accumulate(np.maximum([float(r["time"]) for r in out], 1e-6))
        return errors, cost

    return MFProblem(f"lcbench-{task}", SPACE, MAX_EPOCH, curve, group="lcbench")
