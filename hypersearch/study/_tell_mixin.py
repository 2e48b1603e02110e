"""``Study.tell``: finishing a trial, including the races with other workers."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from hypersearch import _keys
from hypersearch import logging as hs_logging
from hypersearch.exceptions import UpdateFinishedTrialError
from hypersearch.study._tell import check_values, failed_as_stale, keep_late_result, parse_state
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState
from hypersearch.trial._trial import Trial

if TYPE_CHECKING:
    from hypersearch.samplers._base import BaseSampler
    from hypersearch.storages._base import BaseStorage
    from hypersearch.study._direction import StudyDirection
    from hypersearch.study._study import Study

FAIL_REASON_KEY = _keys.FAIL_REASON

_logger = hs_logging.get_logger(__name__)


class TellFinishedTrialError(UpdateFinishedTrialError, ValueError):
    """``tell`` on a finished trial: a ValueError too, as Optuna raises there."""


class TellMixin:
    """The tell half of ask-and-tell; mixed into :class:`Study`."""

    _storage: BaseStorage
    _study_id: int
    _directions: tuple[StudyDirection, ...]
    sampler: BaseSampler

    def _as_study(self) -> Study:
        return cast("Study", self)

    def tell(
        self,
        trial: Trial | int,
        values: float | Sequence[float] | None = None,
        state: TrialState | None = None,
        skip_if_finished: bool = False,
    ) -> FrozenTrial:
        """Finish a trial started with :meth:`ask`.

        Values that are NaN, not numbers, or of the wrong count mark the trial
        FAIL with a warning. A PRUNED trial keeps its last reported value (the
        last reported vector in a multi-objective study).
        """
        return self._tell(trial, values, state, skip_if_finished)[0]

    def _tell(
        self,
        trial: Trial | int,
        values: float | Sequence[float] | None,
        state: TrialState | None,
        skip_if_finished: bool,
        start_next: Callable[[], bool] | None = None,
    ) -> tuple[FrozenTrial, Trial | None]:
        """``tell``; when ``start_next()`` says so, also start the next trial in the same step.

        ``start_next`` is asked after the sampler's ``after_trial``, right before
        the write. The next trial is None when the told trial had finished already.
        """
        state = parse_state(state)
        trial_id, number = self._resolve(trial)
        current = self._storage.get_owned_trial(trial_id)
        if current.state.is_finished():
            late = self._keep_late(trial, current, values, state)
            if late is not None:  # failed as stale under its live worker: the result is kept
                return late, None
            if failed_as_stale(current):  # nothing to keep: say so, do not fail the worker
                warnings.warn(
                    f"Trial {number} was failed by another worker while it ran "
                    f"({current.system_attrs['fail_reason']}); its outcome is dropped.",
                    stacklevel=3,
                )
                return current, None
            return self._told_already(number, current, skip_if_finished), None
        checked: tuple[float, ...] | None = None
        if state is None:  # no values either: FAIL with a warning, as Optuna does
            state = TrialState.COMPLETE
        if state == TrialState.COMPLETE:
            checked, problem = check_values(values, len(self._directions))
            if problem is not None:
                warnings.warn(f"Trial {number} failed because {problem}.", stacklevel=3)
                self._storage.set_trial_system_attr(trial_id, FAIL_REASON_KEY, problem)
                state = TrialState.FAIL
        elif state == TrialState.PRUNED:
            if values is not None:
                checked, _ = check_values(values, len(self._directions))
            elif current.intermediate_values:  # the last report stands in (a vector when k > 1)
                last = current.intermediate_values[max(current.intermediate_values)]
                vector = last if isinstance(last, tuple) else (last,)
                checked = vector if len(vector) == len(self._directions) else None
        elif state == TrialState.FAIL:
            if values is not None:
                raise ValueError("A FAIL trial takes no values.")
        else:
            raise ValueError(f"tell() finishes trials; state {state.name} is not a finished state.")
        try:
            self.sampler.after_trial(self._as_study(), current, state, checked)
        except UpdateFinishedTrialError:  # another worker finished it meanwhile
            return self._told_already(
                number, self._storage.get_trial(trial_id), skip_if_finished
            ), None
        except Exception as err:  # e.g. a constraints_func returning a non-number
            self._storage.set_trial_system_attr(
                trial_id, FAIL_REASON_KEY, f"{type(err).__name__}: {err}"
            )
            self._storage.set_trial_state_values(trial_id, TrialState.FAIL)
            raise
        following = None
        try:
            if start_next is not None and start_next():
                following = self._storage.finish_and_start_trial(
                    trial_id, state, checked, self._study_id
                )
            else:
                self._storage.set_trial_state_values(trial_id, state, checked)
        except UpdateFinishedTrialError:
            stored = self._storage.get_trial(trial_id)
            late = self._keep_late(trial, stored, checked, state)
            if late is not None:  # failed as stale under its live worker: the result is kept
                return late, None
            if stored.state != state or stored.values != checked:  # another worker finished it
                return self._told_already(number, stored, skip_if_finished), None
            # Our own write landed but its reply was lost (a database restart): done.
        # Read back: after_trial may have recorded attributes (e.g. constraint values).
        frozen = self._storage.get_trial(trial_id)
        return frozen, None if following is None else Trial(self._as_study(), following)

    def _keep_late(
        self, trial: Trial | int, stored: FrozenTrial, values: Any, state: TrialState | None
    ) -> FrozenTrial | None:
        """The result of ``trial`` kept as a new trial if ``stored`` was failed as stale."""
        if values is None or state not in (None, TrialState.COMPLETE):
            return None
        checked, problem = check_values(values, len(self._directions))
        if checked is None or problem is not None:
            return None
        live = trial._view if isinstance(trial, Trial) else stored  # what its worker wrote
        return keep_late_result(
            self._storage, self._study_id, live, stored, TrialState.COMPLETE, checked
        )

    def _told_already(
        self, number: int, stored: FrozenTrial, skip_if_finished: bool
    ) -> FrozenTrial:
        if skip_if_finished:
            _logger.info(f"Trial {number} already finished ({stored.state.name}); skipped.")
            return stored
        raise TellFinishedTrialError(
            f"Trial {number} already finished as {stored.state.name}; it cannot be told again."
        )

    def _resolve(self, trial: Trial | int) -> tuple[int, int]:
        if isinstance(trial, Trial):
            if trial.study._study_id != self._study_id or trial.study._storage is not self._storage:
                raise ValueError(f"Trial {trial.number} belongs to another study.")
            return trial._trial_id, trial.number
        if isinstance(trial, bool) or not isinstance(trial, int):
            raise TypeError(f"tell() takes a Trial or a trial number, got {trial!r}.")
        if trial < 0:
            raise ValueError(f"Trial numbers are >= 0, got {trial}.")
        return self._storage.get_trial_id_from_study_id_trial_number(self._study_id, trial), trial
