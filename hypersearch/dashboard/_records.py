"""Study and trial records as JSON-safe dicts: the summary, table rows and a trial's detail."""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch import _keys
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.storages._base import StudyRecord
    from hypersearch.study._history import History
    from hypersearch.trial._frozen import FrozenTrial

#: A study or trial note written from the dashboard (``--allow-writes``).
NOTE_KEY = _keys.DASHBOARD_NOTE
#: Attribute values longer than this (as JSON text) are cut in the table; the detail shows all.
TABLE_TEXT_LIMIT = 80


def safe(value: Any) -> Any:
    """``value`` as JSON-safe data: NaN and infinities as strings, unknown objects as text."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (np.integer, np.floating)):
        return safe(value.item())
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, Mapping):
        return {str(k): safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        return [safe(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f: safe(getattr(value, f)) for f in value.__dataclass_fields__}
    if hasattr(value, "name") and hasattr(value, "value"):  # an enum
        return str(value.name)
    return str(value)


def short_text(value: Any, limit: int = TABLE_TEXT_LIMIT) -> str:
    """An attribute value as text, cut to ``limit`` characters (the table's cell)."""
    text = value if isinstance(value, str) else json.dumps(safe(value), default=str)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _duration(trial: FrozenTrial) -> float | None:
    if trial.datetime_start is None or trial.datetime_complete is None:
        return None
    return (trial.datetime_complete - trial.datetime_start).total_seconds()


def trial_note_key(number: int) -> str:
    """The study system attribute holding trial ``number``'s note."""
    return f"{NOTE_KEY}:{number}"


def trial_row(trial: FrozenTrial, notes: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A trial as one row of the table: long attribute values cut.

    ``notes``: the study's system attributes, where the trials' notes are.
    """
    note = (notes or {}).get(trial_note_key(trial.number))
    return {
        "number": trial.number,
        "state": trial.state.name,
        "values": safe(trial.values),
        "params": {
            k: short_text(v) if isinstance(v, str) else safe(v) for k, v in trial.params.items()
        },
        "datetime_start": safe(trial.datetime_start),
        "datetime_complete": safe(trial.datetime_complete),
        "duration": _duration(trial),
        "last_step": max(trial.intermediate_values) if trial.intermediate_values else None,
        "user_attrs": {k: short_text(v) for k, v in trial.user_attrs.items()},
        "note": None if note is None else short_text(note),
    }


def _lineage(trial: FrozenTrial) -> dict[str, Any]:
    attrs = trial.system_attrs
    keys = (
        _keys.RETRIED_FROM,
        _keys.RETRY_HISTORY,
        _keys.REEVAL_OF,
        _keys.PBT,
        _keys.LATE_RESULT_OF,
    )
    return {k: safe(attrs[k]) for k in keys if k in attrs}


def trial_detail(trial: FrozenTrial, notes: Mapping[str, Any]) -> dict[str, Any]:
    """Everything about one trial, attribute values in full."""
    system = trial.system_attrs
    steps = sorted(trial.intermediate_values)
    return {
        **trial_row(trial, notes),
        "trial_id": trial.trial_id,
        "params": safe(trial.params),
        "distributions": {k: repr(d) for k, d in trial.distributions.items()},
        "intermediate_values": {
            "steps": steps,
            "values": [safe(trial.intermediate_values[s]) for s in steps],
        },
        "user_attrs": safe(trial.user_attrs),
        "system_attrs": safe(system),
        "lineage": _lineage(trial),
        "note": safe(notes.get(trial_note_key(trial.number))),
    }


def param_kind(dist: Any) -> str:
    """``categorical``, ``int`` or ``float``: how the table filters a parameter."""
    from hypersearch.distributions import CategoricalDistribution, IntDistribution

    if isinstance(dist, CategoricalDistribution):
        return "categorical"
    return "int" if isinstance(dist, IntDistribution) else "float"


def _last_activity(history: History) -> str | None:
    last: datetime.datetime | None = None
    for t in history.trials():
        moment = t.datetime_complete or t.datetime_start
        if moment is not None and (last is None or moment > last):
            last = moment
    return safe(last)


def _best(history: History) -> Any:
    if len(history.directions) == 1:
        number = history.best_number
        if number is None:
            return None
        return {"number": number, "values": safe(history.values[number].tolist())}
    complete = int(history.count(TrialState.COMPLETE))
    return {"pareto": True, "n_complete": complete}


def loading_summary(record: StudyRecord, storage: Any) -> dict[str, Any]:
    """A study's line while its trials are read for the first time: the count only."""
    return {
        "study_id": record.study_id,
        "study_name": record.study_name,
        "directions": [d.name for d in record.directions],
        "n_trials": int(storage.get_n_trials(record.study_id)),
        "states": {},
        "best": None,
        "budget_text": "reading the trials\u2026",
        "last_activity": None,
        "loading": True,
    }


#: The summary's budget part while it is computed (a big study's first read).
SPENDING_PENDING = {
    "budget": None,
    "budget_text": "computing the budget\u2026",
    "last_activity": None,
}


def spending(history: History) -> dict[str, Any]:
    """The budget and the last activity: a pass over every trial (cached by the caller)."""
    from hypersearch.study._budget import compute_budget

    budget = compute_budget(history.trials())
    return {
        "budget": safe(budget),
        "budget_text": str(budget),
        "last_activity": _last_activity(history),
    }


def study_summary(record: StudyRecord, history: History, spent: dict[str, Any]) -> dict[str, Any]:
    """A study's line in the list: directions, trials by state, best, budget, last activity.

    ``spent``: :func:`spending` of this history or a slightly older one.
    """
    states = history.states
    counts = {s.name: int(np.count_nonzero(states == int(s))) for s in TrialState}
    return {
        "study_id": record.study_id,
        "study_name": record.study_name,
        "directions": [d.name for d in record.directions],
        "n_trials": int(history.n),
        "states": counts,
        "best": _best(history),
        **spent,
        "user_attrs": {k: short_text(v) for k, v in record.user_attrs.items()},
        "note": safe(record.system_attrs.get(NOTE_KEY)),
        "metric_names": safe(record.system_attrs.get(_keys.METRIC_NAMES)),
        "param_names": sorted(history.param_names),
        "param_kinds": {n: param_kind(d) for n, d in history.distributions.items()},
        "version": history.version,
    }
