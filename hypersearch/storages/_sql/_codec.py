"""Rows <-> records: how a trial is stored, and read back as a :class:`FrozenTrial`.

JSON only: attributes, params and values are stored as JSON text; nothing is
unpickled or evaluated. A trial row is read as ``TRIAL_COLUMNS``; its params are
``[[name, internal, distribution JSON], ...]`` in the order they were set.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any, NamedTuple

from hypersearch.distributions import BaseDistribution, distribution_to_json, json_to_distribution
from hypersearch.storages._sql._database import Database
from hypersearch.storages._sql._step_value import decode_step_value
from hypersearch.storages._sql._txn import dumps
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._report_value import IntermediateValue, normalize_intermediate
from hypersearch.trial._state import TrialState

TRIAL_COLUMNS = (
    "trial_id, number, state, seq, vals, params, user_attrs, system_attrs, n_steps, "
    "datetime_start, datetime_complete"
)
ATTR_COLUMNS = {"user": "user_attrs", "system": "system_attrs"}
_SCALARS = (str, int, float, bool, type(None))
_CHUNK = 500
_STATES = {int(s): s for s in TrialState}  # a dict look-up: the enum call costs more


def copy_attrs(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy by JSON round trip, which also proves the values are JSON."""
    return {k: v if isinstance(v, _SCALARS) else json.loads(dumps(v)) for k, v in attrs.items()}


def parse_time(text: str | None) -> datetime.datetime | None:
    return None if text is None else datetime.datetime.fromisoformat(text)


def time_text(moment: datetime.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def known_steps(
    known: dict[int, IntermediateValue] | None, n_steps: int
) -> dict[int, IntermediateValue] | None:
    """The reports of a finished row with ``n_steps`` of them, if ``known`` has them all."""
    if not n_steps:
        return {}
    return known if known is not None and len(known) == int(n_steps) else None


def running_row(start: datetime.datetime, heartbeat: float | None) -> list[Any]:
    """The ``row_values`` of a new, empty RUNNING trial (see ``_single.create_trial``)."""
    return [int(TrialState.RUNNING), None, "[]", "{}", "{}", 0, start.isoformat(), None, heartbeat]


def copy_trial(trial: FrozenTrial) -> FrozenTrial:
    """A copy the caller may change without touching ``trial``.

    Built directly: ``dataclasses.replace`` cost a third of reading 20,000 trials.
    """
    return FrozenTrial(
        trial.number,
        trial.state,
        trial.values,
        dict(trial.params),
        dict(trial.distributions),
        copy_attrs(trial.user_attrs),
        copy_attrs(trial.system_attrs),
        dict(trial.intermediate_values),
        trial.datetime_start,
        trial.datetime_complete,
        trial.trial_id,
    )


class EncodedTrial(NamedTuple):
    """A finished trial as its row and report rows were read: what the cache keeps first.

    Text and numbers only, so nothing of it is shared with a trial handed out; it is
    decoded again (once) when the cache is asked for the trial. Caching a copy of every
    trial on the first read of a big study cost a third of the storage's decode time.
    """

    row: tuple
    step_rows: list[tuple]  # (trial_id, step, val) rows, never changed after the read

    @property
    def number(self) -> int:
        return int(self.row[1])

    @property
    def state(self) -> TrialState:
        return _STATES[int(self.row[2])]


Finished = dict[int, "FrozenTrial | EncodedTrial"]


def _decode_steps(step_rows: list[tuple]) -> dict[int, IntermediateValue]:
    return {int(step): decode_step_value(val) for _tid, step, val in step_rows}


_scan_once = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # set in __init__


def _loads(text: str) -> Any:
    """``json.loads`` of text we wrote, without its wrappers (3 calls per trial read).

    The C scanner reads the one value at the start; anything else (leading or trailing
    text, bad JSON) goes through ``json.loads`` for its usual result or error.
    """
    try:
        value, end = _scan_once(text, 0)
    except StopIteration:
        return json.loads(text)
    return value if end == len(text) else json.loads(text)


def _loads_object(text: str) -> Any:
    """``json.loads`` with the common empty object skipped (most trials have no attributes)."""
    return {} if text == "{}" else _loads(text)


class TemplateRow:
    """A trial to insert (a template's content, or a new RUNNING trial), encoded for its row."""

    def __init__(self, template: FrozenTrial | None) -> None:
        if template is None:
            self.state, self.vals, self.user, self.system = TrialState.RUNNING, None, {}, {}
            self.steps: dict[int, IntermediateValue] = {}
            self.plist: list[list[Any]] = []
            self.start: datetime.datetime | None = datetime.datetime.now()
            self.complete: datetime.datetime | None = None
            return
        self.state = template.state
        self.vals = None if template.values is None else [float(v) for v in template.values]
        self.plist = [
            [
                name,
                float(template.distributions[name].to_internal(value)),
                distribution_to_json(template.distributions[name]),
            ]
            for name, value in template.params.items()
        ]
        self.user = copy_attrs(dict(template.user_attrs))
        self.system = copy_attrs(dict(template.system_attrs))
        self.steps = {
            int(k): normalize_intermediate(v) for k, v in template.intermediate_values.items()
        }
        self.start, self.complete = template.datetime_start, template.datetime_complete

    def row_values(self, heartbeat: float | None) -> list[Any]:
        """state, vals, params, user_attrs, system_attrs, n_steps, start, complete, heartbeat."""
        return [
            int(self.state),
            None if self.vals is None else dumps(self.vals),
            dumps(self.plist),
            dumps(self.user),
            dumps(self.system),
            len(self.steps),
            time_text(self.start),
            time_text(self.complete),
            heartbeat,
        ]


class Codec:
    """Builds trials from rows; caches parsed distributions (their JSON text -> object)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._dists: dict[str, BaseDistribution] = {}

    def dist(self, text: str) -> BaseDistribution:
        dist = self._dists.get(text)
        if dist is None:
            dist = self._dists[text] = json_to_distribution(text)
        return dist

    def params(self, plist: list[list[Any]]) -> tuple[dict[str, Any], dict[str, BaseDistribution]]:
        """(external params, distributions) of a stored params list."""
        cache = self._dists
        values: dict[str, Any] = {}
        dists: dict[str, BaseDistribution] = {}
        for name, internal, text in plist:  # one loop: this runs per trial on every read
            dist = cache.get(text)
            if dist is None:
                dist = self.dist(text)
            dists[name] = dist
            values[name] = dist.to_external(internal)
        return values, dists

    def build(self, row: tuple, steps: dict[int, IntermediateValue] | None) -> FrozenTrial:
        """The trial of a ``TRIAL_COLUMNS`` row and its reports."""
        trial_id, number, state, _seq, vals, params, user, system, _n, start, complete = row
        values, dists = self.params(_loads(params))
        return FrozenTrial(
            number=int(number),
            state=_STATES[int(state)],
            values=None if vals is None else tuple(_loads(vals)),
            params=values,
            distributions=dists,
            user_attrs=_loads_object(user),
            system_attrs=_loads_object(system),
            intermediate_values=steps or {},
            datetime_start=parse_time(start),
            datetime_complete=parse_time(complete),
            trial_id=int(trial_id),
        )

    def build_new(self, trial_id: int, number: int, new: TemplateRow) -> FrozenTrial:
        """The trial just inserted from ``new``."""
        values, dists = self.params(new.plist)
        return FrozenTrial(
            number=number,
            state=new.state,
            values=None if new.vals is None else tuple(new.vals),
            params=values,
            distributions=dists,
            user_attrs=new.user,
            system_attrs=new.system,
            intermediate_values=new.steps,
            datetime_start=new.start,
            datetime_complete=new.complete,
            trial_id=trial_id,
        )

    def step_rows(self, cur: Any, trial_ids: list[int]) -> dict[int, list[tuple]]:
        """The (trial_id, step, val) report rows of each trial in step order, read in chunks."""
        out: dict[int, list[tuple]] = {tid: [] for tid in trial_ids}
        for i in range(0, len(trial_ids), _CHUNK):
            chunk = trial_ids[i : i + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            for row in self._db.q(
                cur,
                f"SELECT trial_id, step, val FROM hs_steps WHERE trial_id IN ({marks}) ORDER BY step",
                chunk,
            ).fetchall():
                out[int(row[0])].append(row)
        return out

    def steps(self, cur: Any, trial_ids: list[int]) -> dict[int, dict[int, IntermediateValue]]:
        """The reports of each trial, read in chunks."""
        return {tid: _decode_steps(rows) for tid, rows in self.step_rows(cur, trial_ids).items()}

    def cached(self, finished: Finished, trial_id: int) -> FrozenTrial | None:
        """A copy of the cached finished trial, or None; an encoded entry is decoded once."""
        entry = finished.get(trial_id)
        if entry is None:
            return None
        if isinstance(entry, EncodedTrial):
            entry = self.build(entry.row, _decode_steps(entry.step_rows))
            finished[trial_id] = entry
        return copy_trial(entry)

    def rows_to_trials(self, cur: Any, rows: list[tuple], finished: Finished) -> list[FrozenTrial]:
        """Trials of ``TRIAL_COLUMNS`` rows; finished ones come from (and go to) ``finished``.

        A finished trial read from its row is handed out as built and cached encoded
        (its row), so the first read of a big study builds each trial once.
        """
        with_steps = [int(r[0]) for r in rows if r[8] and int(r[0]) not in finished]
        step_rows = self.step_rows(cur, with_steps) if with_steps else {}
        trials = []
        for row in rows:
            tid = int(row[0])
            cached = self.cached(finished, tid)
            if cached is not None:
                trials.append(cached)
                continue
            reports = step_rows.get(tid, [])
            trial = self.build(row, _decode_steps(reports))
            if trial.state.is_finished():
                finished[tid] = EncodedTrial(row if type(row) is tuple else tuple(row), reports)
            trials.append(trial)
        return trials
