"""Optuna's remaining ``BaseStorage`` methods, written over the ones every backend has."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from hypersearch.exceptions import UpdateFinishedTrialError
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.storages._base import BaseStorage


class OptunaStorageMethods:
    """Mixed into :class:`~hypersearch.storages.BaseStorage`: the calls Optuna code makes."""

    def _storage(self) -> BaseStorage:
        return cast("BaseStorage", self)

    def get_trial_number_from_id(self, trial_id: int) -> int:
        """The number (within its study) of the trial with id ``trial_id``."""
        return self._storage().get_trial(trial_id).number

    def get_trial_params(self, trial_id: int) -> dict[str, Any]:
        return dict(self._storage().get_trial(trial_id).params)

    def get_trial_param(self, trial_id: int, param_name: str) -> float:
        """The stored (internal) float of one parameter, as Optuna's storages return it."""
        trial = self._storage().get_trial(trial_id)
        if param_name not in trial.params:
            raise KeyError(f"Trial {trial.number} has no parameter {param_name!r}.")
        return trial.distributions[param_name].to_internal(trial.params[param_name])

    def get_trial_user_attrs(self, trial_id: int) -> dict[str, Any]:
        return dict(self._storage().get_trial(trial_id).user_attrs)

    def get_trial_system_attrs(self, trial_id: int) -> dict[str, Any]:
        return dict(self._storage().get_trial(trial_id).system_attrs)

    def get_best_trial(self, study_id: int) -> FrozenTrial:
        """The best COMPLETE trial of a single-objective study."""
        directions = self._storage().get_study_directions(study_id)
        if len(directions) > 1:
            raise RuntimeError("A multi-objective study has no single best trial; see best_trials.")
        done = self._storage().get_all_trials(study_id, states=(TrialState.COMPLETE,))
        if not done:
            raise ValueError("No trials are completed yet.")
        sign = 1.0 if directions[0].name == "MINIMIZE" else -1.0
        return min(done, key=lambda t: (sign * t.values[0], t.number))  # type: ignore[index]

    def check_trial_is_updatable(self, trial_id: int, trial_state: TrialState) -> None:
        """Raise :class:`UpdateFinishedTrialError` when ``trial_state`` is a finished state."""
        if trial_state.is_finished():
            number = self.get_trial_number_from_id(trial_id)
            raise UpdateFinishedTrialError(
                f"Trial#{number} has already finished and can not be updated."
            )

    def remove_session(self) -> None:
        """Optuna's RDB call that drops its SQLAlchemy session: nothing to drop here."""
