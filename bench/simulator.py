"""Event-driven simulation of asynchronous workers on a virtual clock.

Each worker trains one trial at a time, epoch by epoch; finishing epoch e takes the
problem's cost of that epoch in simulated time.  After every epoch the trial reports
(``trial.report(value, epoch)``) and the method may stop it (``should_prune``).  The
clock always advances to the earliest pending epoch end, so whichever worker finishes
first acts next (ties: first scheduled first).  Methods' own compute time is measured in
real seconds but does not advance the virtual clock.
"""

from __future__ import annotations

import heapq
import itertools
import math
import time
from dataclasses import dataclass, field

import numpy as np

from bench.optimizers.multifidelity import MFMethod, MFTrial
from bench.problems.mf_base import MFProblem


@dataclass
class Running:
    trial: MFTrial
    values: np.ndarray
    cost: np.ndarray
    last_epoch: int
    max_epoch: int


@dataclass
class Trace:
    """Incumbent trajectory: at ``times[i]`` the best value became ``best[i]``."""

    times: list[float] = field(default_factory=list)
    best: list[float] = field(default_factory=list)
    trials: int = 0
    pruned: int = 0
    completed: int = 0
    epochs: int = 0
    method_seconds: float = 0.0

    def offer(self, t: float, value: float) -> None:
        if not self.best or value < self.best[-1]:
            self.times.append(t)
            self.best.append(value)

    def best_at(self, t: float) -> float:
        """Incumbent value at simulated time t (inf before the first eligible report)."""
        i = np.searchsorted(np.asarray(self.times), t, side="right")
        return self.best[i - 1] if i > 0 else math.inf

    def time_to(self, target: float) -> float:
        """First simulated time the incumbent is <= target (inf if never)."""
        for t, b in zip(self.times, self.best):
            if b <= target:
                return t
        return math.inf


def simulate(problem: MFProblem, method: MFMethod, n_workers: int, time_budget: float) -> Trace:
    trace = Trace()
    events: list[tuple[float, int, int, Running]] = []
    order = itertools.count()
    clock = time.perf_counter

    def start(worker: int, now: float) -> None:
        t0 = clock()
        trial = method.ask()
        trace.method_seconds += clock() - t0
        values, cost = problem.curve(trial.params)
        cap = (
            problem.max_epoch
            if trial.max_epoch is None
            else min(trial.max_epoch, problem.max_epoch)
        )
        trace.trials += 1
        schedule(worker, Running(trial, values, cost, 0, cap), now)

    def schedule(worker: int, run: Running, now: float) -> None:
        e = run.last_epoch  # 0-based index of the epoch about to run
        step_cost = run.cost[e] - (run.cost[e - 1] if e > 0 else 0.0)
        heapq.heappush(events, (now + max(float(step_cost), 0.0), next(order), worker, run))

    for worker in range(n_workers):
        start(worker, 0.0)
    while events:
        now, _, worker, run = heapq.heappop(events)
        if now > time_budget:
            break
        run.last_epoch += 1
        trace.epochs += 1
        value = float(run.values[run.last_epoch - 1])
        if not problem.full_fidelity_incumbent or run.last_epoch == problem.max_epoch:
            trace.offer(now, value)
        t0 = clock()
        run.trial.report(value, run.last_epoch)
        if run.last_epoch >= run.max_epoch:
            method.tell(run.trial, value, pruned=False)
            trace.completed += 1
            done = True
        elif run.trial.should_prune():
            method.tell(run.trial, value, pruned=True)
            trace.pruned += 1
            done = True
        else:
            done = False
        trace.method_seconds += clock() - t0
        if done:
            start(worker, now)
        else:
            schedule(worker, run, now)
    method.close()
    return trace
