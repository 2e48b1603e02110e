"""Storage calls <-> journal records (JSON), and replaying a record onto the in-memory state.

A record is ``{"op": name, "w": writer id, "n": writer's call number, "t":
timestamp, "a": [arguments]}``. Arguments are JSON: directions and states as
ints, distributions as their JSON text, a template trial as a dict. Every
process, the writer included, applies the record as read back from the log, so
all of them hold the same state (a tuple attribute, for one, comes back a list
everywhere).
"""

from __future__ import annotations

import datetime
from typing import Any

from hypersearch.distributions import distribution_to_json, json_to_distribution
from hypersearch.storages._in_memory import InMemoryStorage
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._report_value import normalize_intermediate
from hypersearch.trial._state import TrialState


def _time(text: str | None) -> datetime.datetime | None:
    return None if text is None else datetime.datetime.fromisoformat(text)


def _timestr(moment: datetime.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _report(value: Any) -> Any:
    value = normalize_intermediate(value)
    return list(value) if isinstance(value, tuple) else value


def encode_template(template: FrozenTrial | None) -> dict[str, Any] | None:
    """A template trial as JSON-ready data (raises on a parameter without a distribution)."""
    if template is None:
        return None
    params = []
    for name, value in template.params.items():
        dist = template.distributions[name]
        params.append([name, float(dist.to_internal(value)), distribution_to_json(dist)])
    return {
        "state": int(template.state),
        "values": None if template.values is None else [float(v) for v in template.values],
        "params": params,
        "user": dict(template.user_attrs),
        "system": dict(template.system_attrs),
        "steps": [[int(k), _report(v)] for k, v in template.intermediate_values.items()],
        "start": _timestr(template.datetime_start),
        "complete": _timestr(template.datetime_complete),
    }


class _Dists:
    """Distribution JSON -> object, each text parsed once per process."""

    def __init__(self) -> None:
        self._cache: dict[str, Any] = {}

    def get(self, text: str) -> Any:
        dist = self._cache.get(text)
        if dist is None:
            dist = self._cache[text] = json_to_distribution(text)
        return dist


def decode_template(data: dict[str, Any] | None, dists: _Dists) -> FrozenTrial | None:
    if data is None:
        return None
    distributions = {name: dists.get(text) for name, _, text in data["params"]}
    return FrozenTrial(
        number=-1,
        state=TrialState(data["state"]),
        values=None if data["values"] is None else tuple(data["values"]),
        params={name: distributions[name].to_external(v) for name, v, _ in data["params"]},
        distributions=distributions,
        user_attrs=data["user"],
        system_attrs=data["system"],
        intermediate_values={int(k): normalize_intermediate(v) for k, v in data["steps"]},
        datetime_start=_time(data["start"]),
        datetime_complete=_time(data["complete"]),
    )


class ReplayState(InMemoryStorage):
    """The in-memory state a journal replays into; times come from the records."""

    def __init__(self) -> None:
        super().__init__()
        self.record_time = datetime.datetime.now()
        self.dists = _Dists()

    def _now(self) -> datetime.datetime:
        return self.record_time

    def apply(self, record: dict[str, Any]) -> Any:
        """Run the call a record holds; its result (the call's exception propagates)."""
        self.record_time = datetime.datetime.fromisoformat(record["t"])
        op, args = record["op"], record["a"]
        handler = _HANDLERS.get(op)
        if handler is None:
            raise ValueError(f"unknown journal operation {op!r}")
        return handler(self, *args)


def _create_study(state: ReplayState, directions: list[int], name: str) -> int:
    return state.create_new_study([StudyDirection(d) for d in directions], name)


def _create_trial(state: ReplayState, study_id: int, template: Any) -> FrozenTrial:
    return state.create_new_trial(study_id, decode_template(template, state.dists))


def _create_trials(state: ReplayState, study_id: int, templates: list[Any]) -> None:
    decoded = [decode_template(t, state.dists) for t in templates]
    state.create_new_trials(study_id, [t for t in decoded if t is not None])


def _set_param(state: ReplayState, trial_id: int, name: str, value: float, dist: str) -> None:
    state.set_trial_param(trial_id, name, value, state.dists.get(dist))


def _set_state(state: ReplayState, trial_id: int, code: int, values: Any) -> bool:
    return state.set_trial_state_values(trial_id, TrialState(code), values)


def _finish_and_start(
    state: ReplayState, trial_id: int, code: int, values: Any, study_id: int
) -> FrozenTrial:
    return state.finish_and_start_trial(trial_id, TrialState(code), values, study_id)


def _report_value(state: ReplayState, trial_id: int, step: int, value: Any) -> None:
    state.set_trial_intermediate_value(trial_id, step, normalize_intermediate(value))


_HANDLERS: dict[str, Any] = {
    "create_study": _create_study,
    "delete_study": lambda s, study_id: s.delete_study(study_id),
    "study_user_attr": lambda s, i, k, v: s.set_study_user_attr(i, k, v),
    "study_system_attr": lambda s, i, k, v: s.set_study_system_attr(i, k, v),
    "create_trial": _create_trial,
    "create_trials": _create_trials,
    "claim_queued": lambda s, study_id: s.claim_queued_trial(study_id),
    "start_trial": lambda s, study_id: s.start_trial(study_id),
    "param": _set_param,
    "state": _set_state,
    "finish_and_start": _finish_and_start,
    "report": _report_value,
    "trial_user_attr": lambda s, i, k, v: s.set_trial_user_attr(i, k, v),
    "trial_system_attr": lambda s, i, k, v: s.set_trial_system_attr(i, k, v),
}
