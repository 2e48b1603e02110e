"""``study.reevaluate``: rerun the top configurations with new seeds, each run a trial.

Each re-evaluation is an ordinary trial, started with the configuration's
parameters fixed (system attribute ``"fixed_params"``, the machinery of
``enqueue_trial``), ``"reeval_of"`` naming the trial it reruns and ``"seed"``
its seed, which the objective reads as ``trial.seed``. It runs through the
usual run loop (threads, heartbeats, ``catch``), under a scheduler that never
prunes or pauses: a re-evaluation runs to its end.

Samplers see re-evaluations, as they see enqueued trials: each is a real
observation of the objective at that point, so a model-based sampler (TPE, GP)
learns the objective's noise there instead of trusting one lucky draw, and no
sampler or storage needs to know about them. ``best_trial`` stays the best
single run unless the study is told to select on the mean.

Several workers: the seeds a configuration gets are fixed by what the storage
holds (derived from its first run's seed and a counter, skipping seeds it
already has), so two processes planning at once plan the same runs. A run
that finds an earlier trial with the same configuration and seed fails at
once, unrun ("duplicate"), and summaries count each seed once: no run is
lost or done twice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hypersearch import _keys
from hypersearch._enums import Decision, StudyDirection, TrialState
from hypersearch.schedulers._base import BaseScheduler, Suggestion, TrialFailure
from hypersearch.study._seeds import (
    SeedSummary,
    _single_objective,
    group_runs,
    params_key,
    reeval_of,
    summarise,
)
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._seed import derive_seed

if TYPE_CHECKING:
    from hypersearch.schedulers._checkpoint import CheckpointStore
    from hypersearch.study._study import Study

_LIVE = (TrialState.COMPLETE, TrialState.RUNNING, TrialState.WAITING)


def check_positive_int(name: str, value: Any, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return value


def top_configurations(study: Study, top_k: int) -> list[tuple[int, list[FrozenTrial]]]:
    """The ``top_k`` best configurations by their search runs, each with all its runs.

    Ranked by the best value of the search's own runs (re-evaluations do not move
    a configuration up or down, so planning twice plans the same runs).
    """
    groups = group_runs(study.get_trials(deepcopy=False))
    sign = -1.0 if study.direction == StudyDirection.MAXIMIZE else 1.0
    ranked: list[tuple[float, int]] = []
    for root, runs in groups.items():
        own = [
            float(t.values[0])
            for t in runs
            if t.state == TrialState.COMPLETE and t.values and reeval_of(t) is None
        ]
        if own:
            ranked.append((min(sign * v for v in own), root))
    if top_k > len(ranked):
        raise ValueError(
            f"top_k={top_k} but study {study.study_name!r} has only {len(ranked)} "
            "configuration(s) with a COMPLETE trial; lower top_k or run more trials first."
        )
    ranked.sort()
    return [(root, groups[root]) for _, root in ranked[:top_k]]


def plan_runs(study: Study, top_k: int, n_seeds: int) -> list[dict[str, Any]]:
    """The system attributes of each missing run: ``n_seeds`` runs per top configuration.

    Runs already COMPLETE, RUNNING or WAITING count (each seed once); a seed that
    failed or was pruned is not tried again.
    """
    jobs = []
    for root, runs in top_configurations(study, top_k):
        first = next(t for t in runs if t.number == root)
        used = {t.seed for t in runs if t.seed is not None}
        live = {t.seed if t.seed is not None else -1 - t.number for t in runs if t.state in _LIVE}
        base = first.seed if first.seed is not None else f"{study.study_name}:{root}"
        counter = 0
        for _ in range(n_seeds - len(live)):
            seed = derive_seed("reeval", base, counter)
            while seed in used:
                counter += 1
                seed = derive_seed("reeval", base, counter)
            used.add(seed)
            jobs.append(
                {
                    _keys.FIXED_PARAMS: dict(first.params),
                    _keys.REEVAL_OF: root,
                    _keys.SEED: seed,
                }
            )
    return jobs


class ReplayScheduler(BaseScheduler):
    """Starts the planned re-evaluations, one per free worker; never prunes or pauses."""

    def __init__(self, jobs: list[dict[str, Any]]) -> None:
        self._jobs = list(jobs)
        self._lock = threading.Lock()

    def suggest(self, study: Study, *, may_start: bool, running: int) -> Suggestion:
        with self._lock:
            if not may_start or not self._jobs:
                return Suggestion.done()
            return Suggestion.start(self._jobs.pop(0))

    def on_trial_start(
        self, study: Study, trial: FrozenTrial, checkpoints: CheckpointStore
    ) -> Decision:
        twin = earlier_twin(study, trial)
        if twin is not None:
            raise TrialFailure(
                f"duplicate re-evaluation: trial {twin} already runs trial "
                f"{reeval_of(trial)}'s parameters with seed {trial.seed}; not run."
            )
        return Decision.CONTINUE


def earlier_twin(study: Study, trial: FrozenTrial) -> int | None:
    """An earlier, not failed trial re-evaluating the same configuration with the same seed."""
    origin, seed = reeval_of(trial), trial.seed
    if origin is None or seed is None:
        return None
    key = params_key(trial.system_attrs.get(_keys.FIXED_PARAMS) or {})
    for t in study.get_trials(deepcopy=False):
        if t.number >= trial.number:
            break
        if (
            t.state != TrialState.FAIL
            and reeval_of(t) is not None
            and t.seed == seed
            and params_key(t.system_attrs.get(_keys.FIXED_PARAMS) or t.params) == key
        ):
            return t.number
    return None


def reevaluate(
    study: Study,
    func: Callable[..., Any],
    *,
    top_k: int,
    n_seeds: int,
    n_jobs: int,
    catch: Any,
) -> list[SeedSummary]:
    """Run the missing seeds of the top configurations; their summaries, best mean first."""
    from hypersearch.study._optimize import run_optimize

    _single_objective(study, "reevaluate")
    if not callable(func):
        raise TypeError(f"objective must be callable, got {func!r}.")
    check_positive_int("top_k", top_k)
    check_positive_int("n_seeds", n_seeds)
    jobs = plan_runs(study, top_k, n_seeds)  # raises before any change on bad input
    if jobs:
        run_optimize(
            study,
            func,
            n_trials=None,
            timeout=None,
            n_jobs=n_jobs,
            catch=catch,
            callbacks=None,
            gc_after_trial=False,
            show_progress_bar=False,
            scheduler=ReplayScheduler(jobs),
            session="reevaluate",
        )
    roots = [root for root, _ in top_configurations(study, top_k)]
    groups = group_runs(study.get_trials(deepcopy=False))
    summaries = [s for r in roots if (s := summarise(r, groups[r])) is not None]
    maximize = study.direction == StudyDirection.MAXIMIZE
    summaries.sort(key=lambda s: (-s.mean if maximize else s.mean, s.number))  # as best_by_mean
    return summaries
