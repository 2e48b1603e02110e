"""Adapter for any library with Optuna's public API: optuna itself and hypersearch."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from bench.optimizers.base import Recorder
from bench.problems.base import Problem
from bench.space import Cat, Float, Int, Params, Space


def load_library(library: str) -> ModuleType:
    """Import ``optuna`` or ``hypersearch`` and quiet its logging (warnings would flood runs)."""
    lib = importlib.import_module(library)
    logging = getattr(lib, "logging", None)
    if logging is not None and hasattr(logging, "set_verbosity"):
        logging.set_verbosity(getattr(logging, "ERROR", logging.WARNING))
    return lib


def suggest_all(trial: Any, space: Space) -> Params:
    """Ask an Optuna-style trial for every parameter of ``space`` that is active (define-by-run)."""
    params: Params = {}
    for p in space.params:
        if not space.is_active(p.name, params):
            continue
        if isinstance(p, Float):
            params[p.name] = trial.suggest_float(p.name, p.low, p.high, log=p.log)
        elif isinstance(p, Int):
            params[p.name] = trial.suggest_int(p.name, p.low, p.high, log=p.log)
        else:
            assert isinstance(p, Cat)
            params[p.name] = trial.suggest_categorical(p.name, list(p.choices))
    return params


def sampler_probe(library: str, sampler: str) -> str | None:
    """None when ``library.samplers.<sampler>`` exists, else the reason it is n/a."""
    try:
        lib = importlib.import_module(library)
    except Exception as exc:  # noqa: BLE001
        return f"{library} not importable ({type(exc).__name__})"
    if getattr(getattr(lib, "samplers", None), sampler, None) is None:
        return f"{library}.samplers.{sampler} not implemented yet"
    return None


class OptunaLikeOptimizer:
    """``library.create_study(sampler=library.samplers.<sampler>(seed=..., **kw))``."""

    def __init__(self, library: str, sampler: str, **sampler_kwargs: Any) -> None:
        self.library = library
        self.sampler = sampler
        self.sampler_kwargs = sampler_kwargs

    def supports(self, space: Space) -> bool:
        return True

    def make_sampler(self, lib: ModuleType, seed: int) -> Any:
        return getattr(lib.samplers, self.sampler)(seed=seed, **self.sampler_kwargs)

    def minimize(self, problem: Problem, budget: int, seed: int) -> list[float]:
        lib = load_library(self.library)
        study = lib.create_study(direction="minimize", sampler=self.make_sampler(lib, seed))
        record = Recorder(problem, budget)
        study.optimize(lambda trial: record(suggest_all(trial, problem.space)), n_trials=budget)
        return record.values
