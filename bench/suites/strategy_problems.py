"""Problems of the strategy suite: every one is a learning curve with a cost per step.

A ``Task`` gives, for a configuration, the value after each fidelity step and the
cumulative cost (in units of the median cost of fully evaluating a random configuration,
so a regime's cost per trial scales it).  Problems without a fidelity have one step;
problems without a cost measure cost 1 everywhere; scikit-learn tasks cost their measured
CPU seconds (real wall-clock cost, one thread).

Two kinds of problem test what issue #17 names besides tabular spaces:

* conditional (``sklearn-cond-*``): a model family and settings that exist only for
  the chosen family (``bench.space.When``); only define-by-run methods (the Optuna-style
  studies, tag ``define-by-run``) run on it, the others' cells read "does not apply";
* noisy (``*-noisy``): the method observes the value plus Gaussian noise (``noise_sd`` in
  the problem's own units, a fresh draw per evaluation, seeded per run so every method
  of a seed sees the same draws in its order of evaluations), but the suite scores the
  noise-free value of the configuration the method would return (the trial with the best
  observed value): a lucky draw is not a good configuration, and a user deploys the
  configuration, not the draw.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np

from bench._registry import Registry
from bench.problems import MF_PROBLEMS, PROBLEMS
from bench.problems import yahpo_tabular as yt
from bench.problems.base import REFERENCE_SEED, Problem
from bench.problems.mf_base import Curve, MFProblem
from bench.problems.sklearn_conditional import make_cond_diabetes, make_cond_digits
from bench.space import Params, Space, sample

N_REFERENCE = 64


@dataclass
class Task:
    """One problem as the strategy suite sees it (lower values are better)."""

    name: str
    space: Space
    steps: int  # fidelity steps (1 = no fidelity)
    raw_curve: Callable[[Params], Curve]
    group: str
    known_optimum: float | None = None
    any_step_counts: bool = True  # may a value below the last step become the incumbent?
    noise_sd: float = 0.0  # Gaussian observation noise (the simulator adds it)
    _ref: dict[str, float] = field(default_factory=dict, repr=False)

    @property
    def has_fidelity(self) -> bool:
        return self.steps > 1

    def _reference(self) -> None:
        rng = np.random.default_rng(REFERENCE_SEED)
        finals, costs = [], []
        for _ in range(N_REFERENCE):
            values, cost = self.raw_curve(sample(self.space, rng))
            finals.append(values[-1])
            costs.append(cost[-1])
        self._ref["value"] = float(np.median(finals))
        self._ref["cost"] = float(np.median(costs))

    def reference_value(self) -> float:
        """Median final value of uniform random configurations (normalised regret 1)."""
        if not self._ref:
            self._reference()
        return self._ref["value"]

    def curve(self, params: Params) -> Curve:
        """Values per step and cumulative cost in median-full-evaluation units."""
        if not self._ref:
            self._reference()
        values, cost = self.raw_curve(params)
        return np.asarray(values, dtype=float), np.asarray(cost, dtype=float) / self._ref["cost"]


def _from_problem(problem: Problem, *, measured_cost: bool) -> Task:
    def curve(params: Params) -> Curve:
        t0 = time.process_time()
        value = problem(params)
        cost = max(time.process_time() - t0, 1e-4) if measured_cost else 1.0
        return np.array([value]), np.array([cost])

    return Task(problem.name, problem.space, 1, curve, problem.group, problem.optimum)


def _noisy(task: Task, noise_sd: float) -> Task:
    return replace(task, name=f"{task.name}-noisy", noise_sd=noise_sd, _ref={})


def _from_mf(problem: MFProblem) -> Task:
    return Task(
        problem.name,
        problem.space,
        problem.max_epoch,
        problem.curve,
        problem.group,
        problem.optimum,
        any_step_counts=not problem.full_fidelity_incumbent,
    )


TASKS: Registry[Task] = Registry("strategy problem")
for _scenario, _instances in yt.INSTANCES.items():
    for _inst in _instances:
        TASKS.add(
            f"yahpo-{_scenario.split('_')[1]}-{_inst}",
            lambda seed, s=_scenario, i=_inst: _from_mf(yt.make_yahpo_tabular(s, i, seed)),
            requires=("yahpo_gym", "onnxruntime", "ConfigSpace"),
            probe=partial(yt.data_probe, _scenario),
            tags=("yahpo",),
        )
for _name in ("lcbench-3945", "lcbench-189906", "mfh3-bad", "mfh6-good"):
    _entry = MF_PROBLEMS.get(_name)
    TASKS.add(
        _name,
        lambda seed, n=_name: _from_mf(MF_PROBLEMS.make(n, seed)),
        requires=_entry.requires,
        probe=_entry.probe,
        tags=("mf",),
    )
for _name in (
    "hpolib-naval_propulsion",
    "hpolib-protein_structure",
    "hpolib-parkinsons_telemonitoring",
    "bbob-f10-d05",
    "bbob-f21-d02",
    "sklearn-dt-digits",
):
    TASKS.add(
        _name,
        lambda seed, n=_name: _from_problem(
            PROBLEMS.make(n, seed), measured_cost=n.startswith("sklearn")
        ),
        requires=PROBLEMS.get(_name).requires,
        tags=("single",),
    )
for _name, _make in (
    ("sklearn-cond-digits", make_cond_digits),
    ("sklearn-cond-diabetes", make_cond_diabetes),
):
    TASKS.add(
        _name,
        lambda seed, make=_make: _from_problem(make(seed), measured_cost=True),
        requires=("sklearn",),
        tags=("single", "conditional"),
    )
# noise sd 0.02 (both losses lie in [0, 1]): ~1/9 of the gap from the random median to the
# optimum on both (protein 0.40 -> 0.22; dt-digits 0.33 -> ~0.15), 5x protein's run-to-run sd
for _name, _sd in (("hpolib-protein_structure", 0.02), ("sklearn-dt-digits", 0.02)):
    TASKS.add(
        f"{_name}-noisy",
        lambda seed, n=_name, sd=_sd: _noisy(
            _from_problem(PROBLEMS.make(n, seed), measured_cost=n.startswith("sklearn")), sd
        ),
        requires=PROBLEMS.get(_name).requires,
        tags=("single", "noisy"),
    )
