"""Storage steps of the run loop: start, claim, pause a trial (only study/ calls these)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hypersearch import _keys
from hypersearch.exceptions import UpdateFinishedTrialError
from hypersearch.study._active import record_pause, record_resume
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._study import Study

#: System attribute of a trial a scheduler paused (WAITING, to be resumed).
PAUSED_KEY = _keys.PAUSED


def start_trial(study: Study, system_attrs: dict[str, Any] | None) -> FrozenTrial | None:
    """A new RUNNING trial: an enqueued one first (no ``system_attrs``), else a fresh one.

    With ``system_attrs`` the trial is created WAITING with them and claimed;
    None when another worker's ``ask()`` took it as an enqueued trial meanwhile.
    """
    storage = study._storage
    if not system_attrs:
        return storage.start_trial(study._study_id)
    frozen = storage.create_new_trial(
        study._study_id,
        template=FrozenTrial(number=-1, state=TrialState.WAITING, system_attrs=system_attrs),
    )
    if not storage.set_trial_state_values(frozen.trial_id, TrialState.RUNNING):
        return None
    return storage.get_trial(frozen.trial_id)


def claim_waiting(study: Study, number: int) -> FrozenTrial | None:
    """Move WAITING trial ``number`` to RUNNING (paused flag cleared); None if another got it."""
    storage = study._storage
    trial_id = storage.get_trial_id_from_study_id_trial_number(study._study_id, number)
    try:
        if not storage.set_trial_state_values(trial_id, TrialState.RUNNING):
            return None
    except UpdateFinishedTrialError:  # another worker claimed and finished it meanwhile
        return None
    frozen = storage.get_trial(trial_id)
    if frozen.system_attrs.get(PAUSED_KEY):
        storage.set_trial_system_attr(trial_id, PAUSED_KEY, False)
        record_resume(storage, frozen)
        frozen = storage.get_trial(trial_id)
    return frozen


def pause_trial(study: Study, trial_id: int) -> FrozenTrial:
    """Put a RUNNING trial back to WAITING, flagged as paused; its reports stay."""
    storage = study._storage
    record_pause(storage, storage.get_trial(trial_id))  # its wait will not count as work
    storage.set_trial_system_attr(trial_id, PAUSED_KEY, True)
    storage.set_trial_state_values(trial_id, TrialState.WAITING)
    return storage.get_trial(trial_id)


def finish_paused(study: Study) -> list[int]:
    """Mark every paused trial PRUNED (its last report stays its value); their numbers."""
    history = study.history
    done = []
    for row in history.mask(TrialState.WAITING).nonzero()[0].tolist():
        frozen = history.trial(row)
        if frozen.system_attrs.get(PAUSED_KEY):
            study._storage.set_trial_system_attr(frozen.trial_id, PAUSED_KEY, False)
            study.tell(row, state=TrialState.PRUNED, skip_if_finished=True)
            done.append(row)
    return done
