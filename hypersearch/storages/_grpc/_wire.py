"""What travels between the gRPC proxy and its server: storage calls and results as tagged JSON.

Nothing is pickled: a value is JSON, with tags for the few types a storage call
takes or returns (trials, study records, enums, distributions, datetimes, tuples).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from hypersearch import exceptions
from hypersearch._enums import StudyDirection
from hypersearch.distributions import (
    BaseDistribution,
    distribution_to_json,
    json_to_distribution,
)
from hypersearch.storages._base import StudyRecord
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState


def _trial(t: FrozenTrial) -> dict[str, Any]:
    return {
        "number": t.number,
        "state": int(t.state),
        "values": None if t.values is None else list(t.values),
        "params": [
            [k, t.distributions[k].to_internal(v), distribution_to_json(t.distributions[k])]
            for k, v in t.params.items()
        ],
        "user": encode(dict(t.user_attrs)),
        "system": encode(dict(t.system_attrs)),
        "steps": [[k, encode(v)] for k, v in t.intermediate_values.items()],
        "start": encode(t.datetime_start),
        "complete": encode(t.datetime_complete),
        "id": t.trial_id,
    }


def _untrial(d: dict[str, Any]) -> FrozenTrial:
    dists = {name: json_to_distribution(text) for name, _, text in d["params"]}
    return FrozenTrial(
        number=d["number"],
        state=TrialState(d["state"]),
        values=None if d["values"] is None else tuple(d["values"]),
        params={name: dists[name].to_external(v) for name, v, _ in d["params"]},
        distributions=dists,
        user_attrs=decode(d["user"]),
        system_attrs=decode(d["system"]),
        intermediate_values={int(k): decode(v) for k, v in d["steps"]},
        datetime_start=decode(d["start"]),
        datetime_complete=decode(d["complete"]),
        trial_id=d["id"],
    )


def encode(value: Any) -> Any:
    """``value`` as JSON-ready data with tags."""
    if isinstance(value, (TrialState, StudyDirection)):  # before int: they are IntEnums
        return {"$enum": [type(value).__name__, int(value)]}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, FrozenTrial):
        return {"$trial": _trial(value)}
    if isinstance(value, BaseDistribution):
        return {"$dist": distribution_to_json(value)}
    if isinstance(value, datetime.datetime):
        return {"$time": value.isoformat()}
    if isinstance(value, StudyRecord):
        fields = [value.study_id, value.study_name, list(value.directions)]
        return {"$study": encode(fields + [value.user_attrs, value.system_attrs])}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, (set, frozenset)) and all(isinstance(v, TrialState) for v in value):
        return {"$tuple": [encode(v) for v in value]}  # a ``states`` filter
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {"$dict": {k: encode(v) for k, v in value.items()}}
        raise TypeError(f"Cannot send a dict with non-string keys: {value!r}.")
    raise TypeError(f"Cannot send {type(value).__name__} to the storage proxy: {value!r}.")


_ENUMS = {"TrialState": TrialState, "StudyDirection": StudyDirection}


def decode(data: Any) -> Any:
    """Inverse of :func:`encode`."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    (tag, body), *_ = data.items()
    if tag == "$dict":
        return {k: decode(v) for k, v in body.items()}
    if tag == "$trial":
        return _untrial(body)
    if tag == "$enum":
        return _ENUMS[body[0]](body[1])
    if tag == "$dist":
        return json_to_distribution(body)
    if tag == "$time":
        return datetime.datetime.fromisoformat(body)
    if tag == "$tuple":
        return tuple(decode(v) for v in body)
    if tag == "$study":
        sid, name, directions, user, system = decode(body)
        return StudyRecord(sid, name, tuple(directions), user, system)
    raise ValueError(f"Unknown tag {tag!r} from the storage proxy.")


def dumps(value: Any) -> bytes:
    return json.dumps(encode(value), allow_nan=True).encode()


def loads(data: bytes) -> Any:
    return decode(json.loads(data))


# Errors that cross the wire keep their type; any other arrives as a StorageError.
_ERRORS: dict[str, type[Exception]] = {
    cls.__name__: cls
    for cls in vars(exceptions).values()
    if isinstance(cls, type) and issubclass(cls, Exception)
}
_ERRORS.update({e.__name__: e for e in (KeyError, ValueError, TypeError, RuntimeError)})


def error_to_wire(err: Exception) -> dict[str, str]:
    name = type(err).__name__
    message = err.args[0] if isinstance(err, KeyError) and err.args else str(err)
    return {"type": name if name in _ERRORS else "StorageError", "message": str(message)}


def error_from_wire(data: dict[str, str]) -> Exception:
    return _ERRORS.get(data["type"], exceptions.StorageError)(data["message"])
