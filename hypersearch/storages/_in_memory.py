"""The in-memory storage: fast, one process, gone when the process ends."""

from __future__ import annotations

import copy
import datetime
import threading
import uuid
from collections import OrderedDict, deque
from collections.abc import Sequence
from typing import Any

from hypersearch._enums import StudyDirection
from hypersearch.distributions import BaseDistribution, check_compatible
from hypersearch.exceptions import (
    DuplicatedStudyError,
    StudyNotFoundError,
    TrialNotFoundError,
    UpdateFinishedTrialError,
)
from hypersearch.storages._base import BaseStorage, StudyRecord, check_json_value
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._report_value import IntermediateValue, normalize_intermediate
from hypersearch.trial._state import TrialState

_SCALARS = (str, int, float, bool, type(None))


def _copy_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    if not attrs:
        return {}
    return {k: v if isinstance(v, _SCALARS) else copy.deepcopy(v) for k, v in attrs.items()}


class _TrialRecord:
    __slots__ = (
        "trial_id",
        "study_id",
        "number",
        "state",
        "values",
        "params",
        "distributions",
        "user_attrs",
        "system_attrs",
        "intermediate",
        "start",
        "complete",
    )

    def __init__(
        self,
        trial_id: int,
        study_id: int,
        number: int,
        template: FrozenTrial | None,
        now: datetime.datetime,
    ):
        self.trial_id = trial_id
        self.study_id = study_id
        self.number = number
        if template is None:
            self.state = TrialState.RUNNING
            self.values: tuple[float, ...] | None = None
            self.params: dict[str, float] = {}
            self.distributions: dict[str, BaseDistribution] = {}
            self.user_attrs: dict[str, Any] = {}
            self.system_attrs: dict[str, Any] = {}
            self.intermediate: dict[int, IntermediateValue] = {}
            self.start: datetime.datetime | None = now
            self.complete: datetime.datetime | None = None
            return
        self.state = template.state
        self.values = None if template.values is None else tuple(template.values)
        self.distributions = dict(template.distributions)
        self.params = {n: self.distributions[n].to_internal(v) for n, v in template.params.items()}
        self.user_attrs = _copy_attrs(dict(template.user_attrs))
        self.system_attrs = _copy_attrs(dict(template.system_attrs))
        self.intermediate = {
            int(s): normalize_intermediate(v) for s, v in template.intermediate_values.items()
        }
        self.start = template.datetime_start
        self.complete = template.datetime_complete

    def freeze(self) -> FrozenTrial:
        dists = self.distributions
        return FrozenTrial(
            number=self.number,
            state=self.state,
            values=self.values,
            params={n: dists[n].to_external(v) for n, v in self.params.items()},
            distributions=dict(dists),
            user_attrs=_copy_attrs(self.user_attrs),
            system_attrs=_copy_attrs(self.system_attrs),
            intermediate_values=dict(self.intermediate),
            datetime_start=self.start,
            datetime_complete=self.complete,
            trial_id=self.trial_id,
        )


class _StudyRecord:
    __slots__ = (
        "study_id",
        "name",
        "directions",
        "user_attrs",
        "system_attrs",
        "trials",
        "seq",
        "changed",
        "queued",
        "finish_seq",
    )

    def __init__(self, study_id: int, name: str, directions: tuple[StudyDirection, ...]):
        self.study_id = study_id
        self.name = name
        self.directions = directions
        self.user_attrs: dict[str, Any] = {}
        self.system_attrs: dict[str, Any] = {}
        self.trials: list[_TrialRecord] = []
        self.seq = 0
        # trial number -> change number, oldest change first
        self.changed: OrderedDict[int, int] = OrderedDict()
        self.queued: deque[int] = deque()  # numbers of queued WAITING trials, oldest first
        self.finish_seq = 0  # change number of the latest change that finished a trial


class InMemoryStorage(BaseStorage):
    """Keeps studies in this process's memory. Thread-safe; not shared between processes."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._studies: dict[int, _StudyRecord] = {}
        self._names: dict[str, int] = {}
        self._trials: dict[int, _TrialRecord] = {}
        self._next_study_id = 0
        self._next_trial_id = 0

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()

    def _now(self) -> datetime.datetime:
        """The time stamped on trial starts and ends (a replaying subclass fixes it)."""
        return datetime.datetime.now()

    # -- studies -----------------------------------------------------------
    def create_new_study(
        self, directions: Sequence[StudyDirection], study_name: str | None = None
    ) -> int:
        with self._lock:
            name = study_name if study_name is not None else f"no-name-{uuid.uuid4()}"
            if name in self._names:
                raise DuplicatedStudyError(f"A study named {name!r} already exists.")
            study_id = self._next_study_id
            self._next_study_id += 1
            self._studies[study_id] = _StudyRecord(study_id, name, tuple(directions))
            self._names[name] = study_id
            return study_id

    def _study(self, study_id: int) -> _StudyRecord:
        try:
            return self._studies[study_id]
        except KeyError:
            raise StudyNotFoundError(f"No study with id {study_id}.") from None

    def delete_study(self, study_id: int) -> None:
        with self._lock:
            study = self._study(study_id)
            for record in study.trials:
                del self._trials[record.trial_id]
            del self._names[study.name]
            del self._studies[study_id]

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        check_json_value(key, value)
        with self._lock:
            self._study(study_id).user_attrs[key] = copy.deepcopy(value)

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        check_json_value(key, value)
        with self._lock:
            self._study(study_id).system_attrs[key] = copy.deepcopy(value)

    def get_study_id_from_name(self, study_name: str) -> int:
        with self._lock:
            try:
                return self._names[study_name]
            except KeyError:
                raise StudyNotFoundError(f"No study named {study_name!r}.") from None

    def get_study_name_from_id(self, study_id: int) -> str:
        with self._lock:
            return self._study(study_id).name

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        with self._lock:
            return list(self._study(study_id).directions)

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._study(study_id).user_attrs)

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._study(study_id).system_attrs)

    def get_all_studies(self) -> list[StudyRecord]:
        with self._lock:
            return [
                StudyRecord(
                    s.study_id,
                    s.name,
                    s.directions,
                    copy.deepcopy(s.user_attrs),
                    copy.deepcopy(s.system_attrs),
                )
                for s in self._studies.values()
            ]

    # -- trials ------------------------------------------------------------
    def _touch(self, record: _TrialRecord) -> None:
        study = self._studies[record.study_id]
        study.seq += 1
        study.changed[record.number] = study.seq
        study.changed.move_to_end(record.number)
        if record.state.is_finished():
            study.finish_seq = study.seq

    def _trial(self, trial_id: int) -> _TrialRecord:
        try:
            return self._trials[trial_id]
        except KeyError:
            raise TrialNotFoundError(f"No trial with id {trial_id}.") from None

    def _open_trial(self, trial_id: int) -> _TrialRecord:
        record = self._trial(trial_id)
        if record.state.is_finished():
            raise UpdateFinishedTrialError(
                f"Trial {record.number} is already {record.state.name}; it cannot change."
            )
        return record

    def create_new_trial(self, study_id: int, template: FrozenTrial | None = None) -> FrozenTrial:
        with self._lock:
            study = self._study(study_id)
            trial_id = self._next_trial_id
            self._next_trial_id += 1
            record = _TrialRecord(trial_id, study_id, len(study.trials), template, self._now())
            study.trials.append(record)
            self._trials[trial_id] = record
            if record.state == TrialState.WAITING and record.start is None:
                study.queued.append(record.number)
            self._touch(record)
            return record.freeze()

    def claim_queued_trial(self, study_id: int) -> FrozenTrial | None:
        with self._lock:
            study = self._study(study_id)
            while study.queued:
                record = study.trials[study.queued.popleft()]
                if record.state == TrialState.WAITING and record.start is None:
                    self.set_trial_state_values(record.trial_id, TrialState.RUNNING)
                    return record.freeze()
            return None

    def set_trial_param(
        self, trial_id: int, name: str, internal_value: float, distribution: BaseDistribution
    ) -> None:
        with self._lock:
            record = self._open_trial(trial_id)
            old = record.distributions.get(name)
            if old is not None:
                check_compatible(name, old, distribution)
            record.params[name] = float(internal_value)
            record.distributions[name] = distribution
            self._touch(record)

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        with self._lock:
            record = self._open_trial(trial_id)
            if state == TrialState.RUNNING:
                if record.state != TrialState.WAITING:
                    return False
                if record.start is None:
                    record.start = self._now()
            elif state.is_finished():
                record.complete = self._now()
                if record.start is None:
                    record.start = record.complete
            record.state = state
            if values is not None:
                record.values = tuple(float(v) for v in values)
            self._touch(record)
            return True

    def set_trial_intermediate_value(
        self, trial_id: int, step: int, value: IntermediateValue
    ) -> None:
        if type(value) is not float:
            value = normalize_intermediate(value)
        with self._lock:
            record = self._open_trial(trial_id)
            record.intermediate[step] = value
            self._touch(record)

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        check_json_value(key, value)
        with self._lock:
            record = self._open_trial(trial_id)
            record.user_attrs[key] = copy.deepcopy(value)
            self._touch(record)

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        check_json_value(key, value)
        with self._lock:
            record = self._open_trial(trial_id)
            record.system_attrs[key] = copy.deepcopy(value)
            self._touch(record)

    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._lock:
            return self._trial(trial_id).freeze()

    def get_trial_id_from_study_id_trial_number(self, study_id: int, number: int) -> int:
        with self._lock:
            trials = self._study(study_id).trials
            if not 0 <= number < len(trials):
                raise TrialNotFoundError(f"No trial number {number} in study {study_id}.")
            return trials[number].trial_id

    def get_finish_seq(self, study_id: int) -> int | None:
        with self._lock:
            return self._study(study_id).finish_seq

    def get_trials_since(self, study_id: int, cursor: int) -> tuple[list[FrozenTrial], int]:
        with self._lock:
            study = self._study(study_id)
            if cursor < 0:
                return [r.freeze() for r in study.trials], study.seq
            changed = []
            for number, seq in reversed(study.changed.items()):
                if seq <= cursor:
                    break
                changed.append(study.trials[number].freeze())
            return changed, study.seq

    def get_n_trials(self, study_id: int, states: Any = None) -> int:
        with self._lock:
            trials = self._study(study_id).trials
            if states is None:
                return len(trials)
            return sum(1 for r in trials if r.state in states)
