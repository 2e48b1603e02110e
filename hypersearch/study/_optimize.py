"""The run loop (``study.optimize``): one loop for every pruner and scheduler.

Workers (threads here, or processes / executor tasks, see
:mod:`hypersearch.study._executors`) ask the scheduler what to run next
(start a trial, resume a WAITING one, wait, done), run the objective, and
carry out the scheduler's decision after its last report (continue, stop,
pause). Stopping pruners run wrapped in
:class:`~hypersearch.schedulers.PrunerScheduler`.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from hypersearch.samplers._cost._budget import start_budget
from hypersearch.schedulers._base import BaseScheduler, PrunerScheduler, as_scheduler
from hypersearch.study._run_trial import RunContext
from hypersearch.study._sessions import recorded_session
from hypersearch.study._worker import Budget, Workers

if TYPE_CHECKING:
    from hypersearch.schedulers._checkpoint import CheckpointStore
    from hypersearch.study._study import ObjectiveFuncType, Study
    from hypersearch.trial._frozen import FrozenTrial


def _check_args(
    n_trials: Any, timeout: Any, n_jobs: Any, catch: Any
) -> tuple[type[BaseException], ...]:
    if n_trials is not None and (
        isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 0
    ):
        raise ValueError(f"n_trials must be None or an integer >= 0, got {n_trials!r}.")
    if timeout is not None and (
        isinstance(timeout, bool)
        or not isinstance(timeout, (int, float))
        or not timeout >= 0  # NaN too
    ):
        raise ValueError(f"timeout must be None or a number >= 0 (seconds), got {timeout!r}.")
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"n_jobs must be -1 or an integer >= 1, got {n_jobs!r}.")
    if isinstance(catch, type):
        catch = (catch,)
    catch = tuple(catch)
    for item in catch:
        if not (isinstance(item, type) and issubclass(item, BaseException)):
            raise TypeError(f"catch must hold exception types, got {item!r}.")
    return catch


def run_optimize(
    study: Study,
    func: ObjectiveFuncType,
    *,
    n_trials: int | None,
    timeout: float | None,
    n_jobs: int,
    catch: Any,
    callbacks: Iterable[Callable[[Study, FrozenTrial], None]] | None,
    gc_after_trial: bool,
    show_progress_bar: bool,
    executor: Any = None,
    scheduler: Any = None,
    checkpoints: CheckpointStore | None = None,
    trial_timeout: float | None = None,
    end_hook: bool = True,
    stop: Any = None,
    diagnose: bool = True,
    budget_cost: float | None = None,
    budget_seconds: float | None = None,
    devices: float | None = None,
    session: str = "optimize",
) -> None:
    """``study.optimize``: check the arguments, then run the workers (threads or an executor).

    The call is recorded as a session of the study (:mod:`hypersearch.study._sessions`).
    """
    catch = _check_args(n_trials, timeout, n_jobs, catch)
    trial_timeout = _check_trial_timeout(trial_timeout)
    devices = check_devices(devices)
    if not callable(func):
        raise TypeError(f"func must be callable, got {func!r}.")
    if study._optimizing:
        raise RuntimeError(
            "optimize() is already running on this study; nested calls are not allowed."
        )
    sched = study.scheduler if scheduler is None else as_scheduler(scheduler)
    store = _check_checkpoints(study, checkpoints)
    callbacks = list(callbacks or [])
    if stop is not None:  # optimize(stop="auto"): the regret-bound rule, as one more callback
        from hypersearch.terminator._converged import stop_callback

        callbacks.append(stop_callback(study, stop))
    # The budgets' logic is in samplers/_cost/_budget.py; one worker of an executor run
    # (end_hook False) gets the stopping callback in ``callbacks`` and declares nothing.
    budget_stop = start_budget(study, budget_cost, budget_seconds, n_trials, declare=end_hook)
    if budget_stop is not None:
        if budget_stop.spent_already:
            return
        callbacks.append(budget_stop)
    if n_jobs == -1:
        n_jobs = os.cpu_count() or 1
    plan = getattr(study.sampler, "plan_optimize", None)  # the AutoSampler plans by the budget
    if plan is not None:
        plan(n_trials=n_trials, timeout=timeout, n_jobs=n_jobs, budget_seconds=budget_seconds,
             budget_cost=budget_cost)  # fmt: skip
    # An executor's inner run (end_hook=False) belongs to its caller's session.
    recording = (
        recorded_session(study, n_jobs=n_jobs, devices=devices, kind=session)
        if end_hook
        else contextlib.nullcontext()
    )
    with recording:
        _run_optimize(
            study,
            func,
            n_trials=n_trials,
            timeout=timeout,
            n_jobs=n_jobs,
            catch=catch,
            callbacks=callbacks,
            gc_after_trial=gc_after_trial,
            show_progress_bar=show_progress_bar,
            executor=executor,
            scheduler=scheduler,
            sched=sched,
            store=store,
            checkpoints=checkpoints,
            trial_timeout=trial_timeout,
            end_hook=end_hook,
            devices=devices,
            diagnose=diagnose,
        )


def _run_optimize(
    study: Study,
    func: ObjectiveFuncType,
    *,
    n_trials: int | None,
    timeout: float | None,
    n_jobs: int,
    catch: Any,
    callbacks: list[Callable[[Study, FrozenTrial], None]],
    gc_after_trial: bool,
    show_progress_bar: bool,
    executor: Any,
    scheduler: Any,
    sched: BaseScheduler,
    store: CheckpointStore,
    checkpoints: CheckpointStore | None,
    trial_timeout: float | None,
    end_hook: bool,
    devices: float | None,
    diagnose: bool,
) -> None:
    if executor is not None and executor != "thread":
        from hypersearch.study._executors import run_on_executor

        if show_progress_bar:
            warnings.warn("show_progress_bar is ignored with an executor.", stacklevel=3)
        run_on_executor(
            study,
            func,
            executor=executor,
            n_trials=n_trials,
            timeout=timeout,
            n_jobs=n_jobs,
            catch=catch,
            callbacks=callbacks,
            scheduler=sched,
            checkpoints=checkpoints,  # None: each worker keeps its own in memory
            trial_timeout=trial_timeout,
            devices=devices,
            diagnose=diagnose,
        )
        if end_hook:
            _with_scheduler(study, sched, lambda: sched.on_optimize_end(study))
        return
    ctx = RunContext(
        study,
        func,
        catch,
        sched,
        store,
        trial_timeout=trial_timeout,
        start_hook=type(sched).on_trial_start is not BaseScheduler.on_trial_start,
        devices=devices,
    )
    progress = None
    if show_progress_bar:
        from hypersearch.study._progress import ProgressBar

        progress = ProgressBar(n_trials, timeout)
    workers = Workers(
        ctx,
        Budget(study, n_trials, timeout),
        callbacks,
        progress,
        gc_after_trial,
        chainable=type(sched) is PrunerScheduler,
        observers=_observers(study, diagnose),
    )
    study._stop_flag = False
    study._optimizing = True
    previous = study._active_scheduler
    if scheduler is not None:
        study._run_with(sched)
    try:
        _run_workers(workers, n_jobs)
        if end_hook:
            sched.on_optimize_end(study)
    finally:
        if scheduler is not None:
            study._run_with(previous)
        study._optimizing = False
        study._stop_flag = False
        if progress is not None:
            progress.close()


def _run_workers(workers: Workers, n_jobs: int) -> None:
    if n_jobs == 1:
        workers.run()
        return
    with ThreadPoolExecutor(max_workers=n_jobs) as pool:
        futures = [pool.submit(workers.run) for _ in range(n_jobs)]
        for future in futures:
            future.result()


def _observers(study: Study, diagnose: bool) -> list[Callable[[Study, FrozenTrial], None]]:
    """Called after each trial like callbacks, but they keep the one-write trial chain."""
    if not diagnose:
        return []
    from hypersearch.diagnostics._hook import DiagnosticsHook

    return [DiagnosticsHook(study)]


def _with_scheduler(study: Study, sched: BaseScheduler, action: Callable[[], None]) -> None:
    previous = study._run_with(sched)
    try:
        action()
    finally:
        study._run_with(previous)


def _check_trial_timeout(trial_timeout: Any) -> float | None:
    if trial_timeout is None:
        return None
    if (
        isinstance(trial_timeout, bool)
        or not isinstance(trial_timeout, (int, float))
        or not trial_timeout > 0
    ):
        raise ValueError(
            f"trial_timeout must be None or a number > 0 (seconds), got {trial_timeout!r}."
        )
    return float(trial_timeout)


def check_devices(devices: Any) -> float | None:
    """``optimize(devices=...)``: None or a number > 0 (devices each trial holds)."""
    if devices is None:
        return None
    if isinstance(devices, bool) or not isinstance(devices, (int, float)) or not devices > 0:
        raise ValueError(
            f"devices must be None or a number > 0 (devices each trial holds), got {devices!r}."
        )
    return devices


def _check_checkpoints(study: Study, checkpoints: Any) -> CheckpointStore:
    from hypersearch.schedulers._checkpoint import CheckpointStore

    if checkpoints is None:
        return study._checkpoint_store()
    if not isinstance(checkpoints, CheckpointStore):
        raise TypeError(f"checkpoints must be a CheckpointStore, got {checkpoints!r}.")
    return checkpoints
