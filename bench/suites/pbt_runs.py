"""One run of each PBT-suite method on the digits MLP task (see ``pbt_task``).

Every method has 8 slots and the same epoch budget, 8 x ``epochs``:
* ``random``: the 8 configurations of ``random_starts(seed)``, each trained ``epochs`` epochs;
* ``pbt`` / ``pb2``: population 8 started from the same 8 configurations, a segment
  every ``interval`` epochs (``PBTScheduler`` / ``PB2Scheduler`` defaults otherwise);
* ``asha``: promotion ASHA (``ASHAScheduler``, eta 3, first rung at ``interval`` epochs):
  the same 8 configurations first, then random ones, until the budget is spent.
The answer of a run is the validation loss of its best fully trained model (its last
epoch): random and PBT, the best member; ASHA, the best trial that reached ``epochs``.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import hypersearch as hs
from bench.suites.pbt_task import (
    BudgetSpent,
    EpochMeter,
    TaskConfig,
    make_objective,
    random_starts,
)
from hypersearch.schedulers import (
    ASHAScheduler,
    PB2Scheduler,
    PBTScheduler,
    optimize_asha,
    optimize_pbt,
    pbt_budget,
    pbt_schedule,
    replay,
)

SLOTS = 8
ASHA_ETA = 3


@dataclass(frozen=True)
class RunConfig:
    task: TaskConfig
    interval: int

    @property
    def budget(self) -> int:
        return SLOTS * self.task.epochs


def _population_curve(trials: list[hs.FrozenTrial], epochs: int) -> list[float]:
    """Best validation loss over the population at each step (NaN where nobody reported)."""
    best = np.full(epochs, np.nan)
    for t in trials:
        for step, v in t.intermediate_values.items():
            if 0 <= step < epochs and not (v >= best[step]):
                best[step] = v
    return best.tolist()


def _constant(slot: int) -> Callable[[hs.Trial], int]:
    return lambda _trial: slot


def run_random(seed: int, cfg: RunConfig) -> dict[str, Any]:
    meter = EpochMeter()
    starts = random_starts(seed, SLOTS)
    trials, finals = [], []
    for i, params in enumerate(starts):
        objective = make_objective(seed, cfg.task, meter, _constant(i))
        study = replay([{"start": 0, "end": cfg.task.epochs, "params": params}], objective)
        last = study.trials[-1]
        trials.append(last)
        finals.append((float(last.value), meter.test_accuracy[last.number], i))  # type: ignore[arg-type]
    value, test, _ = min(finals)
    return {
        "value": value,
        "test_accuracy": test,
        "epochs": meter.spent,
        "curve": _population_curve(trials, cfg.task.epochs),
    }


def run_pbt(seed: int, cfg: RunConfig, method: str) -> dict[str, Any]:
    cls = PBTScheduler if method == "pbt" else PB2Scheduler
    meter = EpochMeter()
    scheduler = cls(
        population_size=SLOTS,
        perturbation_interval=cfg.interval,
        max_steps=cfg.task.epochs,
        initial_params=random_starts(seed, SLOTS),
        seed=seed,
    )
    study = hs.create_study(
        direction="minimize", pruner=scheduler, sampler=hs.samplers.RandomSampler(seed=seed)
    )

    def member(trial: hs.Trial) -> int:
        return int(trial.frozen.system_attrs["pbt"]["member"])

    optimize_pbt(study, make_objective(seed, cfg.task, meter, member))
    finals = [
        t
        for t in study.trials
        if t.state == hs.TrialState.COMPLETE
        and t.system_attrs["pbt"]["end"] == cfg.task.epochs
        and t.value is not None
    ]
    best = min(finals, key=lambda t: (t.value, t.number))
    budget = pbt_budget(study)
    schedule = pbt_schedule(study, best.system_attrs["pbt"]["member"])
    return {
        "value": float(best.value),  # type: ignore[arg-type]
        "test_accuracy": meter.test_accuracy[best.number],
        "epochs": meter.spent,
        "exploits": budget["exploits"],
        "curve": _population_curve(study.trials, cfg.task.epochs),
        "schedule": [
            [s["start"], s["end"], s["params"]["lr"], s["params"]["weight_decay"]] for s in schedule
        ],
    }


def run_asha(seed: int, cfg: RunConfig) -> dict[str, Any]:
    """ASHA until ``cfg.budget`` epochs are spent (the trial running then is cut short)."""
    epochs = cfg.task.epochs
    meter = EpochMeter(budget=cfg.budget)
    scheduler = ASHAScheduler(
        max_resource=epochs, min_resource=cfg.interval, reduction_factor=ASHA_ETA
    )
    study = hs.create_study(
        direction="minimize", pruner=scheduler, sampler=hs.samplers.RandomSampler(seed=seed)
    )
    for params in random_starts(seed, SLOTS):
        study.enqueue_trial(params)
    # reports at steps 1..epochs: ASHA's rungs sit at interval * eta**k epochs
    objective = make_objective(seed, cfg.task, meter, lambda t: t.number, step_offset=1)
    finished: list[tuple[int, float, int]] = []  # (epochs spent, value, trial) at completion

    def counted(trial: hs.Trial) -> float:
        value = objective(trial)
        finished.append((meter.spent, value, trial.number))
        return value

    with contextlib.suppress(BudgetSpent):  # the budget ends the run
        optimize_asha(study, counted, n_trials=100 * cfg.budget)
    curve = [math.nan] * epochs
    for e in range(epochs):  # incumbent after SLOTS * (e + 1) epochs of compute
        done = [v for spent, v, _ in finished if spent <= SLOTS * (e + 1)]
        curve[e] = min(done) if done else math.nan
    if finished:
        _, value, number = min(finished, key=lambda f: (f[1], f[2]))
    else:  # nobody reached the last epoch: the best model at the highest step reached
        top = max(max(t.intermediate_values) for t in study.trials if t.intermediate_values)
        cands = [t for t in study.trials if t.intermediate_values.get(top) is not None]
        best = min(cands, key=lambda t: t.intermediate_values[top])
        value, number = best.intermediate_values[top], best.number
    return {
        "value": float(value),
        "test_accuracy": meter.test_accuracy[number],
        "epochs": meter.spent,
        "configurations": len(study.trials),
        "completed": len(finished),
        "curve": curve,
    }


def run_method(method: str, seed: int, cfg: RunConfig) -> dict[str, Any]:
    if method == "random":
        return run_random(seed, cfg)
    if method in ("pbt", "pb2"):
        return run_pbt(seed, cfg, method)
    if method == "asha":
        return run_asha(seed, cfg)
    raise ValueError(f"unknown PBT-suite method {method!r}; known: random, pbt, pb2, asha")
