"""The storage contract every backend implements.

A storage is the only place with study state. Rules every backend keeps, and
that :mod:`hypersearch.testing`'s storage suite checks:

* Thread safety: every method may be called from many threads at once.
* Copies: what a storage returns is a copy; changing it never changes the storage.
* JSON only: attribute values are JSON-serialisable; nothing read back is
  unpickled or evaluated.
* Trial numbers are dense per study (0, 1, 2, ...) and never reused.
* ``params`` come back in the order they were set.
* Finished trials (COMPLETE, PRUNED, FAIL) are final: changing one raises
  :class:`~hypersearch.exceptions.UpdateFinishedTrialError`.
* Incremental reads: every change to a trial gives it a new *change number*
  larger than all earlier ones of its study. ``get_trials_since(study_id, c)``
  returns every trial changed after cursor ``c`` and a new cursor; a change that
  becomes visible after a call returned cursor ``c`` must carry a change number
  above ``c`` (SQL backends serialise the bump per study to keep this true).
"""

from __future__ import annotations

import abc
import json
from collections.abc import Container, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypersearch._enums import StudyDirection
from hypersearch.distributions import BaseDistribution
from hypersearch.storages._optuna_methods import OptunaStorageMethods
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._report_value import IntermediateValue
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.storages._columns import TrialColumns


@dataclass(frozen=True)
class StudyRecord:
    """What a storage knows of a study, without its trials."""

    study_id: int
    study_name: str
    directions: tuple[StudyDirection, ...]
    user_attrs: dict[str, Any]
    system_attrs: dict[str, Any]


def check_json_value(key: str, value: Any) -> None:
    """Raise a clear error when an attribute value cannot be stored as JSON."""
    if not isinstance(key, str):
        raise TypeError(f"Attribute keys must be str, got {key!r}.")
    try:
        json.dumps(value, allow_nan=True)
    except (TypeError, ValueError) as err:
        raise TypeError(f"Attribute {key!r}: value {value!r} is not JSON-serialisable.") from err


class BaseStorage(OptunaStorageMethods, abc.ABC):
    """Where studies and trials live. See the module docstring for the rules."""

    # -- studies -----------------------------------------------------------
    @abc.abstractmethod
    def create_new_study(
        self, directions: Sequence[StudyDirection], study_name: str | None = None
    ) -> int:
        """Create a study and return its id; raise DuplicatedStudyError on a taken name."""

    @abc.abstractmethod
    def delete_study(self, study_id: int) -> None:
        """Remove a study and all its trials."""

    @abc.abstractmethod
    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None: ...

    @abc.abstractmethod
    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None: ...

    @abc.abstractmethod
    def get_study_id_from_name(self, study_name: str) -> int:
        """Raise StudyNotFoundError when no study has that name."""

    @abc.abstractmethod
    def get_study_name_from_id(self, study_id: int) -> str: ...

    @abc.abstractmethod
    def get_study_directions(self, study_id: int) -> list[StudyDirection]: ...

    @abc.abstractmethod
    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]: ...

    @abc.abstractmethod
    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]: ...

    @abc.abstractmethod
    def get_all_studies(self) -> list[StudyRecord]: ...

    # -- trials ------------------------------------------------------------
    @abc.abstractmethod
    def create_new_trial(self, study_id: int, template: FrozenTrial | None = None) -> FrozenTrial:
        """Add a trial (RUNNING, or a copy of ``template``) and return its snapshot."""

    def create_new_trials(self, study_id: int, templates: Sequence[FrozenTrial]) -> None:
        """Add copies of ``templates``, numbered in their order (a migration, a copy).

        The same as ``create_new_trial(study_id, template=t)`` for each; a backend
        may write them in bulk.
        """
        for template in templates:
            self.create_new_trial(study_id, template=template)

    @abc.abstractmethod
    def set_trial_param(
        self, trial_id: int, name: str, internal_value: float, distribution: BaseDistribution
    ) -> None: ...

    def stage_trial_param(
        self, trial_id: int, name: str, internal_value: float, distribution: BaseDistribution
    ) -> None:
        """``set_trial_param`` for a trial this process runs (``Trial.suggest_*`` calls it).

        A backend shared across processes may delay the write until the trial's
        next write (its end, a report, an attribute) or a short while; this
        process sees the parameter at once (``get_owned_trial``). Default: now.
        """
        self.set_trial_param(trial_id, name, internal_value, distribution)

    @abc.abstractmethod
    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        """Move a trial to ``state``; False when asked to run a trial that already runs.

        WAITING -> RUNNING claims a queued or paused trial: exactly one caller gets True.
        """

    def claim_queued_trial(self, study_id: int) -> FrozenTrial | None:
        """Start the oldest *queued* trial and return it, or None.

        Queued trials are those created WAITING (``enqueue_trial``) that never
        ran; a trial paused after running (WAITING with a start time) is not
        queued. Exactly one caller gets each queued trial.
        """
        for trial in self.get_all_trials(study_id, (TrialState.WAITING,)):
            if trial.datetime_start is None and self.set_trial_state_values(
                trial.trial_id, TrialState.RUNNING
            ):
                return self.get_trial(trial.trial_id)
        return None

    def start_trial(self, study_id: int) -> FrozenTrial:
        """Start the oldest queued trial, or else a new RUNNING one; return its snapshot.

        The same as ``claim_queued_trial(study_id) or create_new_trial(study_id)``;
        a backend may do both in one step (one round trip to a server).
        """
        return self.claim_queued_trial(study_id) or self.create_new_trial(study_id)

    def finish_and_start_trial(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None, study_id: int
    ) -> FrozenTrial:
        """Finish ``trial_id`` as ``set_trial_state_values`` does, then ``start_trial(study_id)``.

        The optimize loop's step from one trial to the next. A backend may commit
        both in one transaction (SQLite: one write lock instead of two); either
        way the finish is stored first, and when it raises nothing is started.
        """
        if not TrialState(state).is_finished():
            raise ValueError(f"finish_and_start_trial() finishes a trial; {state!r} does not.")
        self.set_trial_state_values(trial_id, state, values)
        return self.start_trial(study_id)

    @abc.abstractmethod
    def set_trial_intermediate_value(
        self, trial_id: int, step: int, value: IntermediateValue
    ) -> None:
        """Store the report at ``step``: a float, or a tuple of floats in a multi-objective study.

        Read back exactly (NaN and +-inf included), the vector as a tuple.
        """

    @abc.abstractmethod
    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None: ...

    @abc.abstractmethod
    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None: ...

    @abc.abstractmethod
    def get_trial(self, trial_id: int) -> FrozenTrial: ...

    def get_owned_trial(self, trial_id: int) -> FrozenTrial:
        """``get_trial``, or, for a trial this process started and still runs, what it wrote.

        A worker finishing its own trial reads it here; a backend shared across
        processes may answer from what this storage object wrote, without a read
        (a change another process made meanwhile, which can only be finishing the
        trial, then shows at the next write as UpdateFinishedTrialError).
        """
        return self.get_trial(trial_id)

    @abc.abstractmethod
    def get_trial_id_from_study_id_trial_number(self, study_id: int, number: int) -> int: ...

    @abc.abstractmethod
    def get_trials_since(self, study_id: int, cursor: int) -> tuple[list[FrozenTrial], int]:
        """Trials changed after ``cursor`` (-1: all) and the cursor to pass next time."""

    def get_trial_columns_since(
        self, study_id: int, cursor: int, *, light: bool = False
    ) -> TrialColumns | None:
        """The trials ``get_trials_since`` returns, as numpy columns (a bulk read).

        ``light``: numbers, states and values only (``TrialColumns.partial``), a quicker
        first look. None (the default): this backend has no columnar read.
        """
        return None

    def get_finish_seq(self, study_id: int) -> int | None:
        """A cheap probe: a number that changes whenever a trial of the study finishes.

        It changes when a trial turns (or is created) COMPLETE, PRUNED or FAIL, and
        not on reports or parameters, so a reader that only cares about finished
        trials (a pruner comparing with completed ones) can skip re-reading the
        history while it holds. None (the default): the backend cannot tell without
        a read; read the trials.
        """
        return None

    def get_all_trials(
        self, study_id: int, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        """All trials of a study in number order, optionally only some states."""
        trials, _ = self.get_trials_since(study_id, -1)
        trials.sort(key=lambda t: t.number)
        if states is None:
            return trials
        return [t for t in trials if t.state in states]

    def get_n_trials(self, study_id: int, states: Container[TrialState] | None = None) -> int:
        return len(self.get_all_trials(study_id, states))

    # -- liveness (backends shared across processes override) ---------------
    #: Seconds between heartbeats of a running trial; None: no heartbeats.
    heartbeat_interval: float | None = None
    #: Seconds without a heartbeat after which a RUNNING trial is failed.
    grace_period: float | None = None
    #: Called as ``callback(study, failed_trial)`` for each trial failed as stale.
    failed_trial_callback: Any = None

    def record_heartbeat(self, trial_id: int) -> None:
        """Say that the worker running ``trial_id`` is alive. No-op by default."""

    def get_heartbeat_interval(self) -> float | None:
        """Optuna's name: seconds between heartbeats, or None without heartbeats."""
        return self.heartbeat_interval

    def is_heartbeat_enabled(self) -> bool:
        """Whether running trials send heartbeats (a ``heartbeat_interval`` is set)."""
        return self.heartbeat_interval is not None

    def get_failed_trial_callback(self) -> Any:
        """Optuna's name: the callback run for each trial failed as stale, or None."""
        return self.failed_trial_callback

    def get_heartbeat_stale_trial_callback(self) -> Any:
        """Optuna 4.9's name of :meth:`get_failed_trial_callback`."""
        return self.failed_trial_callback

    def fail_stale_trials(
        self, study_id: int, *, grace_period: float, now: float | None = None
    ) -> list[int]:
        """Fail RUNNING trials silent for ``grace_period`` seconds; their numbers.

        Storages private to one process have no stale trials: the default fails none.
        """
        return []

    def close(self) -> None:
        """Release connections and files. The storage may not be used after."""
