"""Read the studies of an Optuna journal file (``JournalFileBackend``) without writing to it.

An Optuna journal is one JSON object per line, ``{"op_code": n, "worker_id": ...,
...}``; its state is what replaying the operations gives. The replay here
follows Optuna's rules: ids count every study and trial ever created, an
operation on a missing study or a finished trial is skipped, a parameter whose
distribution conflicts with the study's earlier one is skipped, and a second
claim of a running trial is skipped. Times are UTC in the log and local time
in the trials, as Optuna shows them.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from hypersearch.distributions import check_distribution_compatibility, json_to_distribution
from hypersearch.exceptions import StorageError
from hypersearch.storages._optuna._reader import OptunaStudy
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

_OPS = (
    "create_study",
    "delete_study",
    "study_user_attr",
    "study_system_attr",
    "create_trial",
    "param",
    "state_values",
    "report",
    "trial_user_attr",
    "trial_system_attr",
    "discard_trials",  # Optuna's Rust port only; Optuna itself skips it
)


def is_optuna_journal(path: str) -> bool:
    """Whether ``path`` is a file whose first line is an Optuna journal record."""
    try:
        with open(path, "rb") as handle:
            return handle.read(11) == b'{"op_code":'
    except OSError:
        return False


def _local(text: str | None) -> datetime.datetime | None:
    if text is None:
        return None
    return datetime.datetime.fromisoformat(text).astimezone().replace(tzinfo=None)


class _Replay:
    """Optuna's journal state: studies and trials as plain dicts."""

    def __init__(self) -> None:
        self.studies: dict[int, dict[str, Any]] = {}
        self.trials: dict[int, dict[str, Any]] = {}
        self.next_study = 0

    def _open_trial(self, trial_id: int) -> dict[str, Any] | None:
        trial = self.trials.get(trial_id)
        return None if trial is None or trial["state"].is_finished() else trial

    def create_study(self, log: dict[str, Any]) -> None:
        if any(s["name"] == log["study_name"] for s in self.studies.values()):
            return
        self.studies[self.next_study] = {
            "name": log["study_name"],
            "directions": tuple(StudyDirection(d) for d in log["directions"]),
            "user": {},
            "system": {},
            "trials": [],
        }
        self.next_study += 1

    def delete_study(self, log: dict[str, Any]) -> None:
        self.studies.pop(log["study_id"], None)

    def study_attr(self, log: dict[str, Any], kind: str) -> None:
        study = self.studies.get(log["study_id"])
        if study is not None:
            study[kind].update(log[f"{kind}_attr"])

    def create_trial(self, log: dict[str, Any]) -> None:
        study = self.studies.get(log["study_id"])
        if study is None:
            return
        dists = {k: json_to_distribution(v) for k, v in log.get("distributions", {}).items()}
        values = log.get("values")
        if values is None and log.get("value") is not None:
            values = [log["value"]]
        trial_id = len(self.trials)
        self.trials[trial_id] = {
            "number": len(study["trials"]),
            "state": TrialState(log.get("state", TrialState.RUNNING)),
            "values": values,
            "params": {k: dists[k].to_external(v) for k, v in log.get("params", {}).items()},
            "dists": dists,
            "user": dict(log.get("user_attrs", {})),
            "system": dict(log.get("system_attrs", {})),
            "steps": {int(k): v for k, v in log.get("intermediate_values", {}).items()},
            "start": _local(log.get("datetime_start")),
            "complete": _local(log.get("datetime_complete")),
        }
        study["trials"].append(trial_id)

    def param(self, log: dict[str, Any]) -> None:
        trial = self._open_trial(log["trial_id"])
        if trial is None:
            return
        name, dist = log["param_name"], json_to_distribution(log["distribution"])
        if not self._compatible(log["trial_id"], name, dist):
            return
        trial["params"][name] = dist.to_external(log["param_value_internal"])
        trial["dists"][name] = dist

    def _compatible(self, trial_id: int, name: str, dist: Any) -> bool:
        study = next(s for s in self.studies.values() if trial_id in s["trials"])
        for other in study["trials"]:
            earlier = self.trials[other]["dists"].get(name)
            if earlier is not None:
                try:
                    check_distribution_compatibility(earlier, dist)
                except ValueError:
                    return False
                return True
        return True

    def state_values(self, log: dict[str, Any]) -> None:
        trial = self._open_trial(log["trial_id"])
        state = TrialState(log["state"])
        if trial is None or (state == TrialState.RUNNING == trial["state"]):
            return
        if state == TrialState.RUNNING:
            trial["start"] = _local(log.get("datetime_start"))
        if state.is_finished():
            trial["complete"] = _local(log.get("datetime_complete"))
        trial["state"] = state
        if log.get("values") is not None:
            trial["values"] = log["values"]

    def report(self, log: dict[str, Any]) -> None:
        trial = self._open_trial(log["trial_id"])
        if trial is not None:
            trial["steps"][int(log["step"])] = log["intermediate_value"]

    def trial_attr(self, log: dict[str, Any], kind: str) -> None:
        trial = self._open_trial(log["trial_id"])
        if trial is not None:
            trial[kind].update(log[f"{kind}_attr"])

    def apply(self, log: dict[str, Any]) -> None:
        op = _OPS[log["op_code"]]
        if op in ("study_user_attr", "study_system_attr"):
            self.study_attr(log, op.split("_")[1])
        elif op in ("trial_user_attr", "trial_system_attr"):
            self.trial_attr(log, op.split("_")[1])
        elif op != "discard_trials":
            getattr(self, op)(log)

    def study(self, study_id: int) -> OptunaStudy:
        s = self.studies[study_id]
        trials = [self._frozen(self.trials[t]) for t in s["trials"]]
        return OptunaStudy(s["name"], s["directions"], s["user"], s["system"], trials)

    @staticmethod
    def _frozen(t: dict[str, Any]) -> FrozenTrial:
        return FrozenTrial(
            number=t["number"],
            state=t["state"],
            values=None if t["values"] is None else tuple(float(v) for v in t["values"]),
            params=t["params"],
            distributions=t["dists"],
            user_attrs=t["user"],
            system_attrs=t["system"],
            intermediate_values={k: float(v) for k, v in sorted(t["steps"].items())},
            datetime_start=t["start"],
            datetime_complete=t["complete"],
        )


def read_optuna_journal(path: str) -> list[OptunaStudy]:
    """Every study of the Optuna journal file ``path``, oldest first.

    Raises:
        StorageError: a line that is not an Optuna record (the last line may be
            unfinished: a writer still at work; it is left out).
    """
    replay = _Replay()
    with open(path, "rb") as handle:
        lines = handle.read().split(b"\n")
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        try:
            replay.apply(json.loads(line))
        except (ValueError, KeyError, IndexError, TypeError) as err:
            if number == len(lines):  # no newline yet: being written
                break
            raise StorageError(
                f"{path!r} line {number} is not an Optuna journal record this reader knows "
                f"({type(err).__name__}: {err}): {line[:80]!r}"
            ) from err
    return [replay.study(i) for i in sorted(replay.studies)]
