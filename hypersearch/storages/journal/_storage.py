"""JournalStorage: studies kept as an operation log that several processes share.

Every change is one record appended to a journal backend (a file for
:class:`~hypersearch.storages.journal.JournalFileBackend`). Each process replays
the log, incrementally, into an in-memory state; since the log is totally
ordered and replaying is deterministic (times are in the records), every
process reaches the same state. A change is never checked before it is
appended: the writer appends its record, replays up to it, and returns what the
replay of its own record returned, or raises what it raised (a change to a
finished trial, a taken study name, a second claim of a queued trial), exactly
as every other process judged the same record. A rejected record changes nothing.

Reads replay the records appended since the last read (a ``stat`` when there
are none), then answer from memory. Heartbeats are not supported.
"""

from __future__ import annotations

import datetime
import os
import threading
import uuid
from collections.abc import Container, Sequence
from typing import Any

from hypersearch.distributions import BaseDistribution, distribution_to_json
from hypersearch.storages._base import BaseStorage, StudyRecord, check_json_value
from hypersearch.storages.journal._backend import BaseJournalBackend
from hypersearch.storages.journal._codec import ReplayState, encode_template
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._report_value import IntermediateValue, normalize_intermediate
from hypersearch.trial._state import TrialState


class _Failed:
    """The replay of this process's record raised ``error``."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


class JournalStorage(BaseStorage):
    """Studies in an append-only journal, shared by processes (Optuna's ``JournalStorage``).

    Args:
        log_storage: The journal backend, e.g.
            ``JournalFileBackend("./journal.log")``.

    Example::

        from hypersearch.storages import JournalStorage
        from hypersearch.storages.journal import JournalFileBackend

        storage = JournalStorage(JournalFileBackend("./journal.log"))
        study = hypersearch.create_study(storage=storage, study_name="shared", load_if_exists=True)
    """

    def __init__(self, log_storage: BaseJournalBackend) -> None:
        if not isinstance(log_storage, BaseJournalBackend):
            raise TypeError(f"log_storage must be a journal backend, got {log_storage!r}.")
        self._backend = log_storage
        self._setup()

    def _setup(self) -> None:
        self._lock = threading.RLock()
        self._state = ReplayState()
        self._next_log = 0  # the number of the next record to replay
        self._pid = os.getpid()
        self._writer = uuid.uuid4().hex
        self._calls = 0
        self._results: dict[int, Any] = {}  # call number -> replay result of our records

    def __getstate__(self) -> dict[str, Any]:
        return {"backend": self._backend}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._backend = state["backend"]
        self._setup()

    def __repr__(self) -> str:
        return f"JournalStorage({self._backend!r})"

    # -- the log -------------------------------------------------------------------------
    def _sync(self) -> None:
        """Replay the records appended since the last call (caller holds ``_lock``)."""
        if self._pid != os.getpid():  # forked: a writer id of our own
            self._pid, self._writer = os.getpid(), uuid.uuid4().hex
        for record in self._backend.read_logs(self._next_log):
            self._next_log += 1
            mine = record.get("w") == self._writer
            try:
                result = self._state.apply(record)
            except Exception as err:  # noqa: BLE001 - a rejected record changes nothing
                result = _Failed(err)
            if mine:
                self._results[record["n"]] = result

    def _write(self, op: str, *args: Any) -> Any:
        """Append one call, replay up to it, and return (or raise) what its replay gave."""
        with self._lock:
            self._calls += 1
            call = self._calls
            record = {
                "op": op,
                "w": self._writer,
                "n": call,
                "t": datetime.datetime.now().isoformat(),
                "a": list(args),
            }
            self._backend.append_logs([record])
            self._sync()
            result = self._results.pop(call)
            if isinstance(result, _Failed):
                raise result.error
            return result

    def _read(self) -> ReplayState:
        with self._lock:
            self._sync()
            return self._state

    # -- studies -------------------------------------------------------------------------
    def create_new_study(
        self, directions: Sequence[StudyDirection], study_name: str | None = None
    ) -> int:
        name = study_name if study_name is not None else f"no-name-{uuid.uuid4()}"
        return int(self._write("create_study", [int(d) for d in directions], name))

    def delete_study(self, study_id: int) -> None:
        self._write("delete_study", study_id)

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        check_json_value(key, value)
        self._write("study_user_attr", study_id, key, value)

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        check_json_value(key, value)
        self._write("study_system_attr", study_id, key, value)

    def get_study_id_from_name(self, study_name: str) -> int:
        return self._read().get_study_id_from_name(study_name)

    def get_study_name_from_id(self, study_id: int) -> str:
        return self._read().get_study_name_from_id(study_id)

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        return self._read().get_study_directions(study_id)

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        return self._read().get_study_user_attrs(study_id)

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        return self._read().get_study_system_attrs(study_id)

    def get_all_studies(self) -> list[StudyRecord]:
        return self._read().get_all_studies()

    # -- trials --------------------------------------------------------------------------
    def create_new_trial(self, study_id: int, template: FrozenTrial | None = None) -> FrozenTrial:
        encoded = encode_template(template)
        if encoded is not None:
            for key, value in {**encoded["user"], **encoded["system"]}.items():
                check_json_value(key, value)
        return self._write("create_trial", study_id, encoded)  # type: ignore[no-any-return]

    def create_new_trials(self, study_id: int, templates: Sequence[FrozenTrial]) -> None:
        encoded = [encode_template(t) for t in templates]
        self._write("create_trials", study_id, encoded)

    def claim_queued_trial(self, study_id: int) -> FrozenTrial | None:
        state = self._read()
        if not state.get_n_trials(study_id, (TrialState.WAITING,)):
            return None  # nothing queued: no record needed
        return self._write("claim_queued", study_id)  # type: ignore[no-any-return]

    def start_trial(self, study_id: int) -> FrozenTrial:
        return self._write("start_trial", study_id)  # type: ignore[no-any-return]

    def finish_and_start_trial(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None, study_id: int
    ) -> FrozenTrial:
        if not TrialState(state).is_finished():
            raise ValueError(f"finish_and_start_trial() finishes a trial; {state!r} does not.")
        vals = None if values is None else [float(v) for v in values]
        return self._write(  # type: ignore[no-any-return]
            "finish_and_start", trial_id, int(state), vals, study_id
        )

    def set_trial_param(
        self, trial_id: int, name: str, internal_value: float, distribution: BaseDistribution
    ) -> None:
        self._write(
            "param", trial_id, name, float(internal_value), distribution_to_json(distribution)
        )

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        vals = None if values is None else [float(v) for v in values]
        return bool(self._write("state", trial_id, int(state), vals))

    def set_trial_intermediate_value(
        self, trial_id: int, step: int, value: IntermediateValue
    ) -> None:
        value = normalize_intermediate(value)
        self._write(
            "report", trial_id, int(step), list(value) if isinstance(value, tuple) else value
        )

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        check_json_value(key, value)
        self._write("trial_user_attr", trial_id, key, value)

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        check_json_value(key, value)
        self._write("trial_system_attr", trial_id, key, value)

    def get_trial(self, trial_id: int) -> FrozenTrial:
        return self._read().get_trial(trial_id)

    def get_trial_id_from_study_id_trial_number(self, study_id: int, number: int) -> int:
        return self._read().get_trial_id_from_study_id_trial_number(study_id, number)

    def get_trials_since(self, study_id: int, cursor: int) -> tuple[list[FrozenTrial], int]:
        return self._read().get_trials_since(study_id, cursor)

    def get_n_trials(self, study_id: int, states: Container[TrialState] | None = None) -> int:
        return self._read().get_n_trials(study_id, states)

    def close(self) -> None:
        close = getattr(self._backend, "close", None)
        if close is not None:
            close()
