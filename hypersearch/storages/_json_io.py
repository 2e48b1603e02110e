"""Export studies to a JSON file and import them into any storage.

The file is one JSON object::

    {"format": "hypersearch-studies", "version": 1,
     "studies": [{"name": ..., "directions": ["MINIMIZE", ...],
                  "user_attrs": {...}, "system_attrs": {...},
                  "trials": [{"number": 0, "state": "COMPLETE", "values": [...],
                              "params": {name: external value},
                              "distributions": {name: {"name": ..., "attributes": ...}},
                              "user_attrs": {...}, "system_attrs": {...},
                              "intermediate_values": [[step, value], ...],
                              (value: a number, or a list of numbers in multi-objective studies)
                              "datetime_start": iso or null, "datetime_complete": iso or null}]}]}

Infinite and NaN numbers are written as ``Infinity`` / ``NaN`` (what Python's
json reads back). Reading never unpickles or evaluates anything. Trials RUNNING
at export time are imported as FAIL: their worker does not exist in the new home.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterable
from typing import IO, Any

from hypersearch import _keys
from hypersearch.distributions import distribution_to_json, json_to_distribution
from hypersearch.storages._base import BaseStorage
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._report_value import normalize_intermediate
from hypersearch.trial._state import TrialState

FORMAT = "hypersearch-studies"
VERSION = 1
_RUNNING_REASON = "running when exported; imported as FAIL"


def _trial_to_dict(t: FrozenTrial) -> dict[str, Any]:
    return {
        "number": t.number,
        "state": t.state.name,
        "values": None if t.values is None else list(t.values),
        "params": dict(t.params),
        "distributions": {
            n: json.loads(distribution_to_json(d)) for n, d in t.distributions.items()
        },
        "user_attrs": dict(t.user_attrs),
        "system_attrs": dict(t.system_attrs),
        "intermediate_values": [
            [s, list(v) if isinstance(v, tuple) else v]
            for s, v in sorted(t.intermediate_values.items())
        ],
        "datetime_start": None if t.datetime_start is None else t.datetime_start.isoformat(),
        "datetime_complete": None
        if t.datetime_complete is None
        else t.datetime_complete.isoformat(),
    }


def export_json(
    storage: BaseStorage,
    file: str | os.PathLike[str] | IO[str],
    *,
    study_names: Iterable[str] | None = None,
) -> int:
    """Write studies (all, or those named) of ``storage`` to ``file``; return how many.

    ``file`` is a path or a text file object.
    """
    records = storage.get_all_studies()
    if study_names is not None:
        wanted = list(study_names)
        known = {r.study_name for r in records}
        missing = [n for n in wanted if n not in known]
        if missing:
            raise ValueError(f"study_names: no study named {missing[0]!r} in the storage.")
        records = [r for r in records if r.study_name in set(wanted)]
    studies = [
        {
            "name": r.study_name,
            "directions": [d.name for d in r.directions],
            "user_attrs": r.user_attrs,
            "system_attrs": r.system_attrs,
            "trials": [_trial_to_dict(t) for t in storage.get_all_trials(r.study_id)],
        }
        for r in records
    ]
    document = {"format": FORMAT, "version": VERSION, "studies": studies}
    if isinstance(file, (str, os.PathLike)):
        with open(file, "w", encoding="utf-8") as fh:
            json.dump(document, fh, ensure_ascii=False, allow_nan=True)
    else:
        json.dump(document, file, ensure_ascii=False, allow_nan=True)
    return len(studies)


def _time(text: Any) -> datetime.datetime | None:
    return None if text is None else datetime.datetime.fromisoformat(text)


def _dict_to_trial(data: dict[str, Any]) -> FrozenTrial:
    dists = {n: json_to_distribution(json.dumps(d)) for n, d in data["distributions"].items()}
    state = TrialState[data["state"]]
    system = dict(data["system_attrs"])
    complete = _time(data["datetime_complete"])
    if state == TrialState.RUNNING:
        state = TrialState.FAIL
        system[_keys.FAIL_REASON] = _RUNNING_REASON
        complete = complete or datetime.datetime.now()
    values = data["values"]
    return FrozenTrial(
        number=-1,
        state=state,
        values=None if values is None else tuple(float(v) for v in values),
        params={n: data["params"][n] for n in data["params"]},
        distributions=dists,
        user_attrs=dict(data["user_attrs"]),
        system_attrs=system,
        intermediate_values={
            int(s): normalize_intermediate(v) for s, v in data["intermediate_values"]
        },
        datetime_start=_time(data["datetime_start"]),
        datetime_complete=complete,
    )


def import_json(storage: BaseStorage, file: str | os.PathLike[str] | IO[str]) -> list[str]:
    """Add the studies in ``file`` (written by :func:`export_json`) to ``storage``.

    Returns the names of the studies made. A name already in the storage raises
    DuplicatedStudyError before anything is written; a malformed file raises ValueError.
    """
    if isinstance(file, (str, os.PathLike)):
        with open(file, encoding="utf-8") as fh:
            document = json.load(fh)
    else:
        document = json.load(file)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"file: not a {FORMAT!r} document.")
    if document.get("version") != VERSION:
        raise ValueError(f"file: format version {document.get('version')!r} is not {VERSION}.")
    try:
        parsed = [
            (
                s["name"],
                [StudyDirection[d] for d in s["directions"]],
                dict(s["user_attrs"]),
                dict(s["system_attrs"]),
                [_dict_to_trial(t) for t in sorted(s["trials"], key=lambda t: t["number"])],
            )
            for s in document["studies"]
        ]
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"file: malformed study or trial entry ({err!r}).") from err
    from hypersearch.exceptions import DuplicatedStudyError, StudyNotFoundError

    for name, *_ in parsed:
        try:
            storage.get_study_id_from_name(name)
        except StudyNotFoundError:
            continue
        raise DuplicatedStudyError(f"A study named {name!r} already exists in the storage.")
    made = []
    for name, directions, user, system, trials in parsed:
        study_id = storage.create_new_study(directions, name)
        for key, value in user.items():
            storage.set_study_user_attr(study_id, key, value)
        for key, value in system.items():
            storage.set_study_system_attr(study_id, key, value)
        for trial in trials:
            storage.create_new_trial(study_id, template=trial)
        made.append(name)
    return made
