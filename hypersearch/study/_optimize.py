"""The optimize loop: run trials one after another, or in threads."""

from __future__ import annotations

import gc
import os
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from hypersearch import _keys
from hypersearch import logging as hs_logging
from hypersearch.exceptions import TrialPruned
from hypersearch.storages._heartbeat import Heartbeat
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState
from hypersearch.trial._trial import Trial

if TYPE_CHECKING:
    from hypersearch.study._study import ObjectiveFuncType, Study

FAIL_REASON_KEY = _keys.FAIL_REASON

_logger = hs_logging.get_logger(__name__)


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


class _Budget:
    """Shared counters deciding whether another trial may start."""

    def __init__(self, study: Study, n_trials: int | None, timeout: float | None) -> None:
        self._study = study
        self._left = n_trials
        self._deadline = None if timeout is None else time.monotonic() + timeout
        self._lock = threading.Lock()
        self.failed = threading.Event()

    def claim(self) -> bool:
        if self._study._stop_flag or self.failed.is_set():
            return False
        if self._deadline is not None and time.monotonic() >= self._deadline:
            return False
        with self._lock:
            if self._left is None:
                return True
            if self._left <= 0:
                return False
            self._left -= 1
            return True


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
) -> None:
    catch = _check_args(n_trials, timeout, n_jobs, catch)
    if not callable(func):
        raise TypeError(f"func must be callable, got {func!r}.")
    if study._optimizing:
        raise RuntimeError(
            "optimize() is already running on this study; nested calls are not allowed."
        )
    callbacks = list(callbacks or [])
    if n_jobs == -1:
        n_jobs = os.cpu_count() or 1
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
        )
        return
    progress = None
    if show_progress_bar:
        from hypersearch.study._progress import ProgressBar

        progress = ProgressBar(n_trials, timeout)
    budget = _Budget(study, n_trials, timeout)
    study._stop_flag = False
    study._optimizing = True

    # With nothing to run between two trials, the step from one to the next is
    # one storage write (finish this, start that) instead of two.
    chain = None if callbacks else budget.claim

    def worker() -> None:
        following: Trial | None = None
        while following is not None or budget.claim():
            try:
                frozen, following = run_trial(study, func, catch, following, chain)
            except BaseException:
                budget.failed.set()
                raise
            for callback in callbacks:
                callback(study, frozen)
            if progress is not None:
                progress.update(study, frozen)
            if gc_after_trial:
                gc.collect()

    try:
        if n_jobs == 1:
            worker()
        else:
            with ThreadPoolExecutor(max_workers=n_jobs) as pool:
                futures = [pool.submit(worker) for _ in range(n_jobs)]
                for future in futures:
                    future.result()
    finally:
        study._optimizing = False
        study._stop_flag = False
        if progress is not None:
            progress.close()


def _reap_stale_trials(study: Study) -> None:
    """With heartbeats on, fail trials whose worker died and hand them to the callback."""
    storage = study._storage
    assert storage.grace_period is not None
    for number in storage.fail_stale_trials(study._study_id, grace_period=storage.grace_period):
        _logger.warning(f"Trial {number} failed: its worker stopped sending heartbeats.")
        if storage.failed_trial_callback is not None:
            trial_id = storage.get_trial_id_from_study_id_trial_number(study._study_id, number)
            storage.failed_trial_callback(study, storage.get_trial(trial_id))


def run_trial(
    study: Study,
    func: ObjectiveFuncType,
    catch: tuple[type[BaseException], ...],
    trial: Trial | None = None,
    chain: Callable[[], bool] | None = None,
) -> tuple[FrozenTrial, Trial | None]:
    """Ask (unless ``trial`` was started already), evaluate, tell.

    Re-raises what the objective raised unless ``catch`` has it. When the trial
    ends without raising and ``chain()`` says another may start, the next trial
    is started in the same storage step as the tell and returned.
    """
    interval = study._storage.heartbeat_interval
    if trial is None:
        if interval is not None:
            _reap_stale_trials(study)
        trial = study.ask()
    error: BaseException | None = None
    values: Any = None
    state = TrialState.COMPLETE
    try:
        if interval is None:
            values = func(trial)
        else:
            with Heartbeat(study._storage, trial._trial_id, interval=interval):
                values = func(trial)
    except TrialPruned:
        state = TrialState.PRUNED
    except (Exception, KeyboardInterrupt) as err:
        state = TrialState.FAIL
        error = err
        reason = f"{type(err).__name__}: {err}"
        trial.set_system_attr(FAIL_REASON_KEY, reason)
    raises = error is not None and not isinstance(error, catch)
    chained = False

    def next_may_start() -> bool:  # asked after the sampler's after_trial (it may stop the study)
        nonlocal chained
        chained = not raises and chain is not None and chain()
        if chained and interval is not None:
            _reap_stale_trials(study)
        return chained

    told = values if state == TrialState.COMPLETE else None
    # The state is always given: an objective that returned None fails with a warning.
    frozen, following = study._tell(trial, told, state, False, next_may_start)
    if chained and following is None:  # our finish landed but its reply was lost
        following = study.ask()
    if state == TrialState.FAIL:
        _log_failure(frozen, error)
        if raises:
            raise error  # type: ignore[misc]
    elif state == TrialState.PRUNED:
        _logger.info(f"Trial {frozen.number} pruned.")
    elif frozen.state == TrialState.COMPLETE:  # invalid values fail the trial with a warning
        _log_complete(study, frozen)
    return frozen, following


def _log_failure(frozen: FrozenTrial, error: BaseException | None) -> None:
    if error is None:
        return
    _logger.warning(
        f"Trial {frozen.number} failed with parameters {dict(frozen.params)}: "
        f"{type(error).__name__}: {error}"
    )


def _log_complete(study: Study, frozen: FrozenTrial) -> None:
    if not _logger.isEnabledFor(hs_logging.INFO):
        return
    assert frozen.values is not None
    if len(frozen.values) == 1:
        best = study.history.best_number
        best_text = ""
        if best is not None:
            best_value = study.history.values[best, 0]
            best_text = f" Best is trial {best} with value {best_value:.6g}."
        _logger.info(
            f"Trial {frozen.number} finished with value {frozen.values[0]:.6g} and "
            f"parameters {dict(frozen.params)}.{best_text}"
        )
    else:
        _logger.info(
            f"Trial {frozen.number} finished with values {list(frozen.values)} and "
            f"parameters {dict(frozen.params)}."
        )
