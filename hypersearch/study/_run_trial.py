"""Running one trial and recording what happened: the scheduler's decisions carried out."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hypersearch import _keys
from hypersearch import logging as hs_logging
from hypersearch._enums import Decision
from hypersearch.exceptions import TrialPruned, TrialTimeout, UpdateFinishedTrialError
from hypersearch.storages._heartbeat import Heartbeat
from hypersearch.study._tell import failed_as_stale
from hypersearch.study._trial_ops import pause_trial
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState
from hypersearch.trial._trial import Trial

if TYPE_CHECKING:
    from hypersearch.schedulers._base import BaseScheduler
    from hypersearch.schedulers._checkpoint import CheckpointStore
    from hypersearch.study._study import ObjectiveFuncType, Study

FAIL_REASON_KEY = _keys.FAIL_REASON
TIMEOUT_KEY = _keys.TRIAL_TIMEOUT
DEVICES_KEY = _keys.DEVICES

_logger = hs_logging.get_logger(__name__)


@dataclass
class RunContext:
    """What every trial of one ``optimize`` call shares."""

    study: Study
    func: ObjectiveFuncType
    catch: tuple[type[BaseException], ...]
    scheduler: BaseScheduler
    checkpoints: CheckpointStore
    trial_timeout: float | None = None
    # Whether the scheduler overrides on_trial_start (else no re-read of a new trial).
    start_hook: bool = field(default=False)
    # optimize(devices=N): recorded on each trial, for device-hours in the budget.
    devices: float | None = None


def call_objective(ctx: RunContext, trial: Trial) -> Any:
    """``func(trial)``, under a heartbeat when the storage has them."""
    interval = ctx.study._storage.heartbeat_interval
    if ctx.trial_timeout is not None:
        from hypersearch.study._trial_timeout import call_with_timeout

        return call_with_timeout(ctx, trial, interval)
    if interval is None:
        return ctx.func(trial)
    with Heartbeat(ctx.study._storage, trial._trial_id, interval=interval):
        return ctx.func(trial)


def run_trial(
    ctx: RunContext, trial: Trial, chain: Callable[[], bool] | None = None
) -> tuple[FrozenTrial, Trial | None]:
    """Evaluate a started trial and record it as its scheduler decided.

    Re-raises what the objective raised unless ``catch`` has it. When the trial
    ends without raising and ``chain()`` says another may start, the next trial
    is started in the same storage step as the tell and returned.
    """
    study, scheduler = ctx.study, ctx.scheduler
    if ctx.devices is not None and DEVICES_KEY not in trial._system_attrs:
        trial.set_system_attr(DEVICES_KEY, ctx.devices)
    if scheduler.uses_checkpoints:  # trials that are never resumed need none
        trial.checkpoint = scheduler.checkpoint_for(study, trial.frozen, ctx.checkpoints)
    error: BaseException | None = None
    values: Any = None
    state = TrialState.COMPLETE
    try:
        values = call_objective(ctx, trial)
    except TrialPruned:
        state = TrialState.PRUNED
    except TrialTimeout as err:
        state, error = _timed_out(ctx, trial, err)
        trial._decision = None  # stopped by its time limit, not by the scheduler
    except (Exception, KeyboardInterrupt) as err:
        state = TrialState.FAIL
        error = err
        with contextlib.suppress(UpdateFinishedTrialError):  # failed as stale under this worker
            trial.set_system_attr(FAIL_REASON_KEY, f"{type(err).__name__}: {err}")
    decision = trial._decision if state == TrialState.PRUNED else None
    if decision is Decision.CONTINUE:
        decision = None  # the objective pruned itself
    if decision is Decision.PAUSE:
        frozen = pause_trial(study, trial._trial_id)
        _logger.info(f"Trial {frozen.number} paused.")
        scheduler.on_trial_end(study, frozen, decision, None, ctx.checkpoints)
        return frozen, None
    told = values if state == TrialState.COMPLETE else None
    if decision is Decision.STOP:
        state, told, error = _stopped(ctx, trial)
    raises = (
        error is not None
        and not isinstance(error, ctx.catch)
        and not isinstance(error, TrialTimeout)
        and not _scheduler_failure(error)
    )
    frozen, following = _record(ctx, trial, state, told, raises, chain)
    scheduler.on_trial_end(study, frozen, decision, error, ctx.checkpoints)
    if state == TrialState.FAIL:
        _log_failure(frozen, error)
        if raises and not failed_as_stale(frozen, error):  # that one was told: carry on
            raise error  # type: ignore[misc]
    elif state == TrialState.PRUNED:
        _logger.info(f"Trial {frozen.number} pruned.")
    elif frozen.state == TrialState.COMPLETE:  # invalid values fail the trial with a warning
        _log_complete(study, frozen)
    return frozen, following


def _timed_out(
    ctx: RunContext, trial: Trial, error: TrialTimeout
) -> tuple[TrialState, TrialTimeout | None]:
    """A trial past its limit: PRUNED when it reported (its last report stays), else FAIL."""
    trial.set_system_attr(TIMEOUT_KEY, ctx.trial_timeout)
    if trial._intermediate:
        _logger.info(f"Trial {trial.number} stopped: {error}.")
        return TrialState.PRUNED, None
    trial.set_system_attr(FAIL_REASON_KEY, f"TrialTimeout: {error}")
    return TrialState.FAIL, error


def _scheduler_failure(error: BaseException) -> bool:
    from hypersearch.schedulers._base import TrialFailure

    return isinstance(error, TrialFailure)


def _stopped(ctx: RunContext, trial: Trial) -> tuple[TrialState, Any, BaseException | None]:
    """(state, values, error) of a trial that ended on a STOP decision."""
    from hypersearch.schedulers._base import TrialFailure

    try:
        state = ctx.scheduler.on_stop(ctx.study, trial.frozen, ctx.checkpoints)
    except TrialFailure as err:
        trial.set_system_attr(FAIL_REASON_KEY, str(err))
        return TrialState.FAIL, None, err
    if state != TrialState.COMPLETE:
        return state, None, None
    reports = trial._intermediate
    return state, (reports[max(reports)] if reports else float("nan")), None


def _record(
    ctx: RunContext,
    trial: Trial,
    state: TrialState,
    told: Any,
    raises: bool,
    chain: Callable[[], bool] | None,
) -> tuple[FrozenTrial, Trial | None]:
    """Tell the trial's outcome (and maybe start the next one in the same write)."""
    study = ctx.study
    chained = False

    def next_may_start() -> bool:  # asked after the sampler's after_trial (it may stop the study)
        nonlocal chained
        chained = not raises and chain is not None and chain()
        if chained and study._storage.heartbeat_interval is not None:
            reap_stale_trials(study)
        return chained

    # The state is always given: an objective that returned None fails with a warning.
    frozen, following = study._tell(trial, told, state, False, next_may_start)
    if chained and following is None:  # our finish landed but its reply was lost
        following = study.ask()
    return frozen, following


def fail_unrun(ctx: RunContext, frozen: FrozenTrial, error: BaseException) -> FrozenTrial:
    """Fail a trial that a scheduler hook refused to set up; the reason is recorded."""
    study = ctx.study
    study._storage.set_trial_system_attr(frozen.trial_id, FAIL_REASON_KEY, str(error))
    told = study.tell(frozen.number, state=TrialState.FAIL, skip_if_finished=True)
    _log_failure(told, error)
    ctx.scheduler.on_trial_end(study, told, None, error, ctx.checkpoints)
    return told


def reap_stale_trials(study: Study) -> None:
    """With heartbeats on, fail trials whose worker died and hand them to the callback."""
    storage = study._storage
    assert storage.grace_period is not None
    for number in storage.fail_stale_trials(study._study_id, grace_period=storage.grace_period):
        _logger.warning(f"Trial {number} failed: its worker stopped sending heartbeats.")
        if storage.failed_trial_callback is not None:
            trial_id = storage.get_trial_id_from_study_id_trial_number(study._study_id, number)
            storage.failed_trial_callback(study, storage.get_trial(trial_id))


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
            best_text = f" Best is trial {best} with value: {float(best_value)}."
        # Optuna's wording, word for word: users grep their logs for it.
        _logger.info(
            f"Trial {frozen.number} finished with value: {frozen.values[0]} and "
            f"parameters: {dict(frozen.params)}."
            f"{best_text}"
        )
    else:
        _logger.info(
            f"Trial {frozen.number} finished with values: {list(frozen.values)} and "
            f"parameters: {dict(frozen.params)}."
        )
