"""The travel conformance suite: samplers, pruners and schedulers go to other processes.

``study.optimize(..., executor="process")``, a Dask client or any executor pickles
the study's sampler and pruner and sends them to the workers. Every component must
therefore pickle after use and unpickle to an equivalent object: the same class,
the same configuration and random generators in the same state, so that a seeded
stream continues where it was. Use it from a pytest module::

    from hypersearch.testing.travel import Component, TravelSuite

    class TestMySampler(TravelSuite):
        @pytest.fixture
        def component(self):
            return Component("sampler", lambda: MySampler(seed=0))

:func:`check_executor_run` runs a sampler and a pruner through a real executor on
a shared storage; :func:`objective` and :func:`multi_objective` are the objectives
it uses (module-level, so that worker processes can import them).
"""

from __future__ import annotations

import pickle
import random
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hypersearch.pruners._base import BasePruner
from hypersearch.samplers._base import BaseSampler
from hypersearch.schedulers._checkpoint import CheckpointStore
from hypersearch.study._api import create_study
from hypersearch.study._study import Study
from hypersearch.trial._state import TrialState
from hypersearch.trial._trial import Trial

#: The search space of :func:`objective` for a grid sampler (every parameter discrete).
GRID_SPACE: dict[str, list[Any]] = {
    "x": [0.0, 0.25, 0.5, 0.75, 1.0],
    "k": [0, 1, 2, 3],
    "c": ["a", "b"],
}
N_STEPS = 4


def _suggest(trial: Trial) -> tuple[float, int, str]:
    x = trial.suggest_float("x", 0.0, 1.0, step=0.25)  # discrete: brute force and grid accept it
    k = trial.suggest_int("k", 0, 3)
    c = trial.suggest_categorical("c", ["a", "b"])
    return x, k, str(c)


def _first_step(trial: Trial) -> int:
    """Where a resumed trial (or a PBT segment) goes on: the step its checkpoint saved."""
    saved = None if trial.checkpoint is None else trial.checkpoint.load()
    return 0 if saved is None else int(saved)


def _save_step(trial: Trial, step: int) -> None:
    if trial.checkpoint is not None:
        trial.checkpoint.save(str(step).encode())


def objective(trial: Trial) -> float:
    """A cheap single-objective learning curve: four reports, pruned when asked.

    Resumable: it saves its next step in ``trial.checkpoint`` after each report
    and starts from the saved step (schedulers pause, resume and copy trials).
    """
    from hypersearch.exceptions import TrialPruned

    x, k, c = _suggest(trial)
    final = (x - 0.3) ** 2 + 0.1 * k + (0.05 if c == "b" else 0.0)
    for step in range(_first_step(trial), N_STEPS):
        trial.report(final + (N_STEPS - step) * 0.1 * (1.0 + x), step)
        _save_step(trial, step + 1)
        if trial.should_prune():
            raise TrialPruned()
    return final


def multi_objective(trial: Trial) -> tuple[float, float]:
    """A cheap two-objective learning curve (reports one value per objective)."""
    from hypersearch.exceptions import TrialPruned

    x, k, c = _suggest(trial)
    final = (x + 0.1 * k, (1.0 - x) + (0.1 if c == "a" else 0.0))
    for step in range(_first_step(trial), N_STEPS):
        late = (N_STEPS - step) * 0.1
        trial.report([final[0] + late, final[1] + late], step)
        _save_step(trial, step + 1)
        if trial.should_prune():
            raise TrialPruned()
    return final


@dataclass(frozen=True)
class Component:
    """One sampler, pruner or scheduler under test.

    Args:
        kind: ``"sampler"`` or ``"pruner"`` (a scheduler goes in as the study's pruner:
            ``study.optimize`` runs under it, pausing and resuming as it decides).
        make: Builds a fresh, seeded instance.
        directions: The study's directions (two for multi-objective components).
        pair: For a sampler, the pruner it runs with; for a pruner, the sampler.
    """

    kind: str
    make: Callable[[], Any]
    directions: Sequence[str] = ("minimize",)
    pair: Callable[[], Any] | None = field(default=None)

    def sampler_and_pruner(self) -> tuple[BaseSampler, BasePruner]:
        """A fresh (sampler, pruner) couple for a study with this component in it."""
        from hypersearch.pruners._nop import NopPruner
        from hypersearch.samplers._random import RandomSampler

        if self.kind == "sampler":
            return self.make(), (self.pair or NopPruner)()
        if self.kind == "pruner":
            return (self.pair or (lambda: RandomSampler(seed=0)))(), self.make()
        raise ValueError(f"kind must be 'sampler' or 'pruner', got {self.kind!r}.")

    @property
    def objective(self) -> Callable[[Trial], Any]:
        """The objective matching the number of directions."""
        return multi_objective if len(self.directions) > 1 else objective


def random_states(obj: Any, path: str = "", depth: int = 3) -> dict[str, Any]:
    """The states of every random generator held by ``obj`` (and by the objects it holds).

    numpy ``Generator`` / ``RandomState`` and ``random.Random``, found in instance
    attributes up to ``depth`` objects deep (a sampler inside a sampler, ...).
    """
    if isinstance(obj, np.random.Generator):
        return {path: obj.bit_generator.state}
    if isinstance(obj, np.random.RandomState):
        name, keys, pos, has_gauss, gauss = obj.get_state(legacy=True)
        return {path: (name, np.asarray(keys).tolist(), pos, has_gauss, gauss)}
    if isinstance(obj, random.Random):
        return {path: obj.getstate()}
    found: dict[str, Any] = {}
    if depth == 0:
        return found
    children: list[tuple[str, Any]] = []
    if isinstance(obj, (list, tuple)):
        children = [(f"{path}[{i}]", v) for i, v in enumerate(obj)]
    elif isinstance(obj, dict):
        children = [(f"{path}[{k!r}]", v) for k, v in obj.items() if isinstance(k, (str, int))]
    elif hasattr(obj, "__dict__") and type(obj).__module__.startswith(("hypersearch", "numpy")):
        children = [(f"{path}.{k}", v) for k, v in vars(obj).items()]
    for name, value in children:
        found.update(random_states(value, name, depth - 1))
    return found


def check_round_trip(obj: Any) -> Any:
    """Pickle ``obj`` and back; assert an equivalent copy and return it.

    Equivalent: the same class, every random generator in the same state, and
    the copy pickles again to the same bytes as a second round trip of ``obj``
    (so nothing was lost or replaced on the way).
    """
    clone = pickle.loads(pickle.dumps(obj))
    assert type(clone) is type(obj), (type(clone), type(obj))
    assert random_states(clone) == random_states(obj), "a random generator changed state"
    again = pickle.loads(pickle.dumps(clone))
    assert random_states(again) == random_states(obj)
    return clone


def _continue(
    study: Study, component: Component, n_trials: int, checkpoints: CheckpointStore
) -> list[tuple[Any, ...]]:
    before = len(study.trials)
    study.optimize(component.objective, n_trials=n_trials, checkpoints=checkpoints)
    return [(t.params, t.state) for t in study.trials[before:]]


def check_stream_continues(component: Component, n_before: int = 6, n_after: int = 4) -> None:
    """After ``n_before`` trials, a pickled copy decides exactly as the original goes on to.

    The original continues in its study; the copy (and a copy of its partner)
    continues in a new study holding the same first trials. Both must try the
    same parameters and end in the same states.
    """
    sampler, pruner = component.sampler_and_pruner()
    directions = list(component.directions)
    first = create_study(study_name="travel", sampler=sampler, pruner=pruner, directions=directions)
    with tempfile.TemporaryDirectory() as folder:
        mine, theirs = Path(folder, "first"), Path(folder, "second")
        first.optimize(component.objective, n_trials=n_before, checkpoints=CheckpointStore(mine))
        sampler_copy, pruner_copy = check_round_trip(sampler), check_round_trip(pruner)
        second = create_study(
            study_name="travel", sampler=sampler_copy, pruner=pruner_copy, directions=directions
        )
        for trial in first.trials:
            second.add_trial(trial)
        if mine.exists():  # paused trials and PBT segments go on from the same checkpoints
            shutil.copytree(mine, theirs)
        assert _continue(second, component, n_after, CheckpointStore(theirs)) == _continue(
            first, component, n_after, CheckpointStore(mine)
        )


def check_executor_run(
    component: Component, *, storage: str, executor: Any, n_trials: int = 5, n_jobs: int = 2
) -> Study:
    """Run ``n_trials`` with ``component`` on ``executor`` (workers get pickled copies).

    Asserts the exact trial count and that every trial finished COMPLETE or PRUNED
    (a component that failed to travel or to work in a worker fails the trial or
    the run). Returns the study for further checks.
    """
    sampler, pruner = component.sampler_and_pruner()
    study = create_study(
        storage=storage, sampler=sampler, pruner=pruner, directions=list(component.directions)
    )
    with tempfile.TemporaryDirectory() as folder:  # checkpoints every worker sees
        study.optimize(
            component.objective,
            n_trials=n_trials,
            n_jobs=n_jobs,
            executor=executor,
            checkpoints=CheckpointStore(folder),
        )
    states = [t.state for t in study.trials]
    # n_trials counts new configurations; a population scheduler adds its members' segments
    if getattr(pruner, "population_size", None) is None:
        assert len(states) == n_trials, states
    assert set(states) <= {TrialState.COMPLETE, TrialState.PRUNED}, states
    assert TrialState.COMPLETE in states or TrialState.PRUNED in states
    return study


class TravelSuite:
    """Mix into a test class that defines a ``component`` fixture (a :class:`Component`)."""

    def test_fresh_instance_round_trips(self, component: Component) -> None:
        check_round_trip(component.make())

    def test_used_instance_round_trips_and_its_stream_continues(self, component: Component) -> None:
        check_stream_continues(component)
