"""One worker on a simulated wall clock: trial costs are simulated, method time is real.

The clock advances by each evaluation's simulated cost (the problem's relative cost times
the regime's cost per median trial) and by the method's own CPU time (``process_time``
around ``ask`` + suggestions, ``report`` / ``should_prune`` and ``tell``).  The run ends
when the clock passes the budget: an evaluation that would finish later never counts.
With ``epochs`` the objective reports after every fidelity step and may be pruned;
without, each trial is one full-fidelity evaluation.  A noisy task's method sees the value
plus noise; the trace keeps the noise-free value of the trial with the best observed one.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from bench.optimizers.multifidelity import MFMethod
from bench.suites.strategy_problems import Task


@dataclass(frozen=True)
class Regime:
    name: str
    trial_seconds: float  # simulated cost of a trial of median cost
    epochs: bool  # report per fidelity step (pruning possible)


REGIMES = (
    Regime("cheap", 0.01, False),
    Regime("moderate", 1.0, False),
    Regime("expensive", 100.0, True),
)


NOISE_STREAM = 9017  # the noise generator's seed is (NOISE_STREAM, run seed)


@dataclass
class Trace:
    """The incumbent over time: the true value of the trial with the best observed value."""

    times: list[float] = field(default_factory=list)
    best: list[float] = field(default_factory=list)
    trials: int = 0
    method_seconds: float = 0.0
    best_observed: float = math.inf

    def offer(self, t: float, observed: float, true: float) -> None:
        if math.isfinite(observed) and observed < self.best_observed:
            self.best_observed = observed
            self.times.append(t)
            self.best.append(true)

    @property
    def final(self) -> float:
        return self.best[-1] if self.best else math.inf


def simulate(
    task: Task, method: MFMethod, regime: Regime, budget: float, max_trials: int, seed: int = 0
) -> Trace:
    trace = Trace()
    noise = np.random.default_rng([NOISE_STREAM, seed])
    clock = 0.0
    cpu = time.process_time

    sim_clock = getattr(method, "clock", None)  # a study's storage stamps this time

    def charge(t0: float) -> None:
        nonlocal clock
        spent = cpu() - t0
        clock += spent
        trace.method_seconds += spent
        sync()

    def sync() -> None:
        if sim_clock is not None:
            sim_clock.seconds = clock

    while trace.trials < max_trials:
        t0 = cpu()
        trial = method.ask()
        charge(t0)
        true_values, cost = task.curve(trial.params)
        values = true_values
        if task.noise_sd:
            values = true_values + task.noise_sd * noise.standard_normal(len(true_values))
        cost = cost * regime.trial_seconds
        trace.trials += 1
        if not (regime.epochs and task.has_fidelity):
            clock += float(cost[-1])
            if clock > budget:
                break
            sync()
            trace.offer(clock, float(values[-1]), float(true_values[-1]))
            t0 = cpu()
            method.tell(trial, float(values[-1]), pruned=False)
            charge(t0)
            continue
        last = min(trial.max_epoch or task.steps, task.steps)
        spent_before = 0.0
        for step in range(1, last + 1):
            clock += float(cost[step - 1]) - spent_before
            spent_before = float(cost[step - 1])
            if clock > budget:
                break
            sync()
            value = float(values[step - 1])
            if task.any_step_counts or step == task.steps:
                trace.offer(clock, value, float(true_values[step - 1]))
            t0 = cpu()
            trial.report(value, step)
            stop = step < last and trial.should_prune()
            if stop or step == last:
                method.tell(trial, value, pruned=stop)
            charge(t0)
            if stop:
                break
        if clock > budget:
            break
    method.close()
    return trace
