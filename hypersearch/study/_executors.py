"""Running a study's trials in worker processes or on any executor.

``study.optimize(func, n_trials=N, n_jobs=J, executor=...)`` with ``executor``:

* ``None`` or ``"thread"``: J threads in this process (the default).
* ``"process"``: J worker processes on this machine.
* any object with ``submit(fn, *args)`` returning futures with ``result()``
  (a ``concurrent.futures.Executor``, a Dask ``distributed.Client``, ...).

Every worker loads the study from the storage by name and runs its share of
the N trials (the shares differ by at most one), so the count is exact. Worker
processes need a storage that processes share (an SQL URL); the in-memory
storage is refused there. Each worker calls ``sampler.reseed_rng()`` so
workers do not draw the same parameters; seeded runs are therefore only
reproducible with one worker. Callbacks run in the workers.

Schedulers travel to the workers pickled (each process holds its own copy and
rebuilds what it knows from the storage); their ``on_optimize_end`` runs once,
here, after every worker finished. Pausing schedulers (ASHA, PBT) resume trials
in whichever worker is free, so their checkpoints must be shared: a directory
``CheckpointStore`` or a ``StorageCheckpointStore``.

With ``trial_timeout``, a task that an executor runs in a worker thread (Dask)
runs its share in a child process (:mod:`hypersearch.study._worker_child`), whose
main thread can interrupt a trial at its limit; one more Python start per task.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import uuid
import warnings
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from hypersearch import _keys
from hypersearch.exceptions import WorkerLostError
from hypersearch.schedulers._base import PrunerScheduler
from hypersearch.storages._in_memory import InMemoryStorage
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.schedulers._base import BaseScheduler
    from hypersearch.schedulers._checkpoint import CheckpointStore
    from hypersearch.study._study import ObjectiveFuncType, Study
    from hypersearch.trial._frozen import FrozenTrial


def shares(n_trials: int | None, n_workers: int) -> list[int | None]:
    """Split ``n_trials`` into ``n_workers`` near-equal shares (None: unlimited)."""
    if n_trials is None:
        return [None] * n_workers
    base, extra = divmod(n_trials, n_workers)
    return [base + (i < extra) for i in range(n_workers)]


def _progress_key(run: dict[str, Any] | None, worker_index: int) -> str | None:
    run_id = (run or {}).get("run_id")
    return None if run_id is None else f"{_keys.EXECUTOR_PROGRESS}:{run_id}:{worker_index}"


def _remaining_share(study: Study, key: str | None, n_trials: int | None) -> int | None:
    """This share's trials left: a task the executor runs again (a lost worker) skips what it did."""
    if key is None or n_trials is None:
        return n_trials
    return max(n_trials - int(study.system_attrs.get(key, 0)), 0)


class _CountShare:
    """A callback that records how many trials of its share a worker finished."""

    def __init__(self, key: str, done: int) -> None:
        self._key, self._done = key, done

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        self._done += 1
        study.set_system_attr(self._key, self._done)


def _run_worker(
    worker_index: int,
    storage: Any,
    study_name: str,
    sampler: Any,
    pruner: Any,
    func: ObjectiveFuncType,
    n_trials: int | None,
    timeout: float | None,
    catch: tuple[type[BaseException], ...],
    callbacks: list[Callable[[Study, FrozenTrial], None]],
    reseed: bool,
    run: dict[str, Any] | None = None,
) -> int:
    """One worker's share. ``worker_index`` keeps submissions distinct (Dask dedupes equal ones).

    ``run`` holds the scheduler, the checkpoint store, the trial timeout and the devices.
    """
    from hypersearch.study._api import load_study
    from hypersearch.study._optimize import run_optimize
    from hypersearch.study._worker_child import needs_child, run_in_child

    # An executor's worker thread (not a thread pool of ours): run where SIGALRM works.
    if (
        reseed
        and not isinstance(storage, InMemoryStorage)
        and needs_child((run or {}).get("trial_timeout"))
    ):
        return int(
            run_in_child(
                (worker_index, storage, study_name, sampler, pruner, func, n_trials, timeout)
                + (catch, callbacks, reseed, run)
            )
        )
    if reseed:
        sampler.reseed_rng()
    study = load_study(study_name=study_name, storage=storage, sampler=sampler, pruner=pruner)
    before = study.history.n
    key = _progress_key(run, worker_index)
    share = _remaining_share(study, key, n_trials)
    if share == 0:
        return 0
    if key is not None and n_trials is not None:
        callbacks = [*callbacks, _CountShare(key, n_trials - (share or 0))]
    run = run or {}
    run_optimize(
        study,
        func,
        n_trials=share,
        timeout=timeout,
        n_jobs=1,
        catch=catch,
        callbacks=callbacks,
        gc_after_trial=False,
        show_progress_bar=False,
        scheduler=run.get("scheduler"),
        checkpoints=run.get("checkpoints"),
        trial_timeout=run.get("trial_timeout"),
        devices=run.get("devices"),
        diagnose=run.get("diagnose", True),
        end_hook=False,  # the caller runs the scheduler's end hook once, after every worker
    )
    return study.history.n - before


def run_on_executor(
    study: Study,
    func: ObjectiveFuncType,
    *,
    executor: Any,
    n_trials: int | None,
    timeout: float | None,
    n_jobs: int,
    catch: tuple[type[BaseException], ...],
    callbacks: Iterable[Callable[[Study, FrozenTrial], None]],
    scheduler: BaseScheduler | None = None,
    checkpoints: CheckpointStore | None = None,
    trial_timeout: float | None = None,
    devices: float | None = None,
    diagnose: bool = True,
) -> None:
    """Run the study's trials through ``executor`` ("process" or an executor object)."""
    own_pool = None
    if executor == "process":
        _check_shared_storage(study)
        context = multiprocessing.get_context("spawn")
        own_pool = concurrent.futures.ProcessPoolExecutor(max_workers=n_jobs, mp_context=context)
        executor = own_pool
    elif not callable(getattr(executor, "submit", None)):
        raise TypeError(
            f"executor must be None, 'thread', 'process' or an object with submit(), got {executor!r}."
        )
    elif not isinstance(executor, concurrent.futures.ThreadPoolExecutor):
        _check_shared_storage(study)
    reseed = not isinstance(executor, concurrent.futures.ThreadPoolExecutor)
    if reseed:
        _check_shared_checkpoints(scheduler, checkpoints)
    storage = study._storage
    # The study's own pruner travels as the pruner; only a scheduler given to optimize() on top.
    own = scheduler is study.pruner or (
        isinstance(scheduler, PrunerScheduler) and scheduler.pruner is study.pruner
    )
    given = None if own else scheduler
    run: dict[str, Any] = {
        "scheduler": given,
        "checkpoints": checkpoints,
        "trial_timeout": trial_timeout,
        "devices": devices,
        "diagnose": diagnose,
    }
    # A task that a cluster runs again after losing its worker resumes its share (Dask, Ray).
    if reseed and own_pool is None and n_trials is not None:
        run["run_id"] = uuid.uuid4().hex
    try:
        futures = [
            executor.submit(
                _run_worker,
                index,
                storage,
                study.study_name,
                study.sampler,
                study.pruner,
                func,
                share,
                timeout,
                catch,
                list(callbacks),
                reseed,
                run,
            )
            for index, share in enumerate(shares(n_trials, n_jobs))
            if share != 0
        ]
        errors = []
        for future in futures:
            try:
                future.result()
            except BaseException as err:  # every worker finishes before the first error is raised
                errors.append(err)
        if errors:
            raise _explained(errors[0], study, len(futures)) from errors[0]
    finally:
        if own_pool is not None:
            own_pool.shutdown(wait=True)


def _explained(err: BaseException, study: Study, n_tasks: int) -> BaseException:
    """A lost worker or cluster as a :class:`WorkerLostError` that says what happened."""
    lost = isinstance(err, (concurrent.futures.CancelledError, ConnectionError, EOFError)) or (
        type(err).__name__
        in ("CancelledError", "CommClosedError", "KilledWorker", "WorkerCrashedError")
    )
    if not lost:
        return err
    done = study._storage.get_n_trials(study._study_id, (TrialState.COMPLETE,))
    return WorkerLostError(
        f"The executor lost a worker task ({type(err).__name__}: {err}) before its share of "
        f"trials was done; the cluster may have shut down or the worker process died. "
        f"The study keeps its finished trials ({done} COMPLETE); run optimize again to continue."
    )


def _check_shared_storage(study: Study) -> None:
    if isinstance(study._storage, InMemoryStorage):
        raise ValueError(
            "Worker processes need a storage that processes share; the in-memory storage is "
            "private to this process. Use e.g. storage='sqlite:///study.db' or a PostgreSQL URL."
        )


def _check_shared_checkpoints(
    scheduler: BaseScheduler | None, checkpoints: CheckpointStore | None
) -> None:
    """Warn when a pausing scheduler's checkpoints would stay in one worker's memory."""
    from hypersearch.schedulers._checkpoint import CheckpointStore

    if scheduler is None or not getattr(scheduler, "uses_checkpoints", False):
        return
    if checkpoints is None or (
        type(checkpoints) is CheckpointStore and checkpoints.directory is None
    ):
        warnings.warn(
            f"{type(scheduler).__name__} resumes trials from checkpoints, but the checkpoints "
            "live in each worker process's memory: a trial resumed in another process starts "
            "without its checkpoint. Pass checkpoints=CheckpointStore(directory) (a folder all "
            "workers see) or StorageCheckpointStore(storage).",
            stacklevel=4,
        )
