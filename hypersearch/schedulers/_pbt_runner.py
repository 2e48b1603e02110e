"""``optimize_pbt``: ``study.optimize`` under the study's PBT scheduler (kept for existing code)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hypersearch.pruners._checks import check_int
from hypersearch.schedulers._pbt import PBTScheduler

if TYPE_CHECKING:
    from hypersearch.schedulers._checkpoint import CheckpointStore
    from hypersearch.study._study import Study
    from hypersearch.trial._trial import Trial


def optimize_pbt(
    study: Study,
    objective: Callable[[Trial], Any],
    *,
    checkpoints: CheckpointStore | None = None,
    n_jobs: int = 1,
    timeout: float | None = None,
) -> None:
    """Train ``study``'s :class:`PBTScheduler` population until every member is done.

    The same as ``study.optimize(objective, n_jobs=n_jobs, timeout=timeout,
    scheduler=study.pruner, checkpoints=checkpoints, catch=Exception)``.

    The objective trains one segment: it reads its hyperparameters with
    ``trial.suggest_*`` (fixed by the scheduler after the first segment),
    loads ``trial.checkpoint.load()`` (None for a fresh member; otherwise the
    state *it or the member it copied* saved, including the step to continue
    from), trains, ``trial.report(value, step)`` each step, saves
    ``trial.checkpoint.save(bytes)`` (or fills ``trial.checkpoint.folder``)
    and raises :class:`~hypersearch.TrialPruned` when ``trial.should_prune()``
    says the segment is over (returning a value ends the member). A member
    whose objective or checkpoint fails is marked FAIL with the reason in
    system attribute ``"fail_reason"`` and a warning; the others go on. If
    every member fails, the last error is raised.

    Several processes may call this on the same study (an SQL storage and a
    shared checkpoint directory): they share one population.

    Args:
        study: A study whose pruner is a :class:`PBTScheduler`.
        objective: Trains one segment (see above).
        checkpoints: Where checkpoints live (default: this study object's memory).
        n_jobs: Worker threads.
        timeout: Seconds after which no new segment starts.
    """
    scheduler = study.pruner
    if not isinstance(scheduler, PBTScheduler):
        raise TypeError(f"optimize_pbt needs study.pruner to be a PBTScheduler, got {scheduler!r}.")
    if len(study.directions) != 1:
        raise ValueError("optimize_pbt needs a single-objective study.")
    n_jobs = check_int("n_jobs", n_jobs, 1)
    if timeout is not None and not (float(timeout) > 0):
        raise ValueError(f"timeout must be > 0, got {timeout!r}.")
    study.optimize(
        objective,
        n_jobs=n_jobs,
        timeout=timeout,
        catch=Exception,
        scheduler=scheduler,
        checkpoints=checkpoints,
    )
