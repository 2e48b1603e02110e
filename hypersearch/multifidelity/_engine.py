"""The halving engine: rung tables, the stopping decision, and what SHA, Hyperband and ASHA share."""

from __future__ import annotations

import math
import threading
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch.multifidelity._rungs import RungLadder, RungTable, rung_key
from hypersearch.pruners._checks import check_single_objective
from hypersearch.pruners._dominance import signed_vector
from hypersearch.pruners._feed import ReportSummary, RowFeed
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._report_value import scalar_reports
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._history import History
    from hypersearch.study._study import Study

_COMPLETE = int(TrialState.COMPLETE)
_FINISHED = {int(TrialState.COMPLETE), int(TrialState.PRUNED), int(TrialState.FAIL)}


def _sign(study: Study) -> float:
    return -1.0 if study.directions[0] == StudyDirection.MAXIMIZE else 1.0


def _signs(study: Study) -> list[float]:
    return [-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in study.directions]


def first_complete_last_step(history: History) -> int | None:
    """The largest step of the first COMPLETE trial that reported, or None."""
    rows = np.flatnonzero(history.mask(TrialState.COMPLETE) & (history.last_step >= 0))
    return int(history.last_step[rows[0]]) if len(rows) else None


class HalvingEngine:
    """One successive-halving ladder: its rung table and the stopping decision.

    Shared by :class:`SuccessiveHalvingPruner` (one engine) and
    :class:`HyperbandPruner` (one engine per bracket). ``next_step[number]``
    is the step at which a trial this engine has synced reaches its next rung
    (``inf`` past the top): below it no decision is due, so the pruner answers
    without reading the history.
    """

    def __init__(self, ladder: RungLadder, bootstrap_count: int) -> None:
        self.table = RungTable(ladder)
        self.bootstrap_count = bootstrap_count
        self.next_step: dict[int, float] = {}

    @property
    def ladder(self) -> RungLadder:
        return self.table.ladder

    def _next(self, k: int) -> float:
        return self.ladder.resource(k) if self.ladder.exists(k) else math.inf

    # How a rung value is read, signed and stored: scalars here, vectors in ParetoHalvingEngine.
    def _reports(self, trial: FrozenTrial) -> Mapping[int, Any]:
        return scalar_reports(trial.intermediate_values)

    def _rung_value(self, k: int, reports: Mapping[int, Any]) -> Any:
        return self.ladder.value_at(k, reports)

    def _signed(self, value: Any, sign: float) -> Any:
        return sign * float(value)

    def _stored(self, value: Any) -> Any:
        return value

    def absorb(self, trial: FrozenTrial, finished: bool, sign: float) -> None:
        """Take in a trial's recorded rungs (and, once finished, the rungs its reports reach)."""
        number = trial.number
        k = self.table.count(number)
        attrs = trial.system_attrs
        while (value := attrs.get(rung_key(k))) is not None:
            self.table.record(number, k, self._signed(value, sign))
            k += 1
        if finished:
            reports = self._reports(trial)
            top = max(reports) if reports else -1
            while self.ladder.exists(k) and self.ladder.resource(k) <= top:
                self.table.record(number, k, self._signed(self._rung_value(k, reports), sign))
                k += 1
            self.next_step.pop(number, None)
        else:
            self.next_step[number] = self._next(k)

    def judge(self, study: Study, trial: FrozenTrial, step: int, sign: float) -> bool:
        """Record the rungs ``trial`` reached since the last call; True if any says stop."""
        number = trial.number
        k = self.table.count(number)
        reports = self._reports(trial)
        stop = False
        while self._next(k) <= step:
            value = self._rung_value(k, reports)
            study.set_trial_system_attr(trial, rung_key(k), self._stored(value))
            signed = self._signed(value, sign)
            self.table.record(number, k, signed)
            if not self.table.should_continue(k, signed, self.bootstrap_count):
                stop = True
            k += 1
        self.next_step[number] = self._next(k)
        return stop


class ParetoHalvingEngine(HalvingEngine):
    """A ladder of a multi-objective study: rung values are vectors, ranked by domination.

    Same bookkeeping as :class:`HalvingEngine`; a rung value is the reported
    vector (system attribute ``"rung_<k>"`` as a list), signed with the
    study's directions (NaN -> +inf) and judged by
    :meth:`~hypersearch.multifidelity.ParetoRung.in_top`.
    """

    def __init__(self, ladder: RungLadder, bootstrap_count: int, signs: list[float]) -> None:
        super().__init__(ladder, bootstrap_count)
        self.table = RungTable(ladder, vectors=True)
        self.signs = signs

    def _reports(self, trial: FrozenTrial) -> Mapping[int, Any]:
        return trial.intermediate_values

    def _rung_value(self, k: int, reports: Mapping[int, Any]) -> Any:
        return self.ladder.vector_at(k, reports)

    def _signed(self, value: Any, sign: float) -> Any:
        return signed_vector(value, self.signs)

    def _stored(self, value: Any) -> Any:
        return list(value) if isinstance(value, tuple) else value


class HalvingRungs:
    """What SHA, Hyperband and promotion-ASHA share: rung tables kept in sync with the study.

    Holds one or more :class:`HalvingEngine` (subclasses say which trial uses
    which, and when the ladders are known), caches the reports per running trial
    so that a report between two rungs is answered without reading the history,
    and brings the tables up to date from the trials that changed. Thread-safe:
    every decision holds ``self._lock``.
    """

    def _init_caches(self) -> None:
        self._lock = threading.Lock()
        self._feed = RowFeed()
        self._summary = ReportSummary()
        self._study: weakref.ref[Study] | None = None
        self._sign = 1.0
        self._signs: list[float] | None = None  # one per objective in a multi-objective study
        self._reset()  # no engines until the study is known (also after unpickling)

    # Whether a multi-objective study is accepted (stopping pruners: yes; promotion: no).
    _MULTI_OBJECTIVE = False

    def _new_engine(self, ladder: RungLadder, bootstrap_count: int) -> HalvingEngine:
        if self._signs is None:
            return HalvingEngine(ladder, bootstrap_count)
        return ParetoHalvingEngine(ladder, bootstrap_count, self._signs)

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k in self._CONFIG}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_caches()

    _CONFIG: tuple[str, ...] = ()

    def _engine_for(self, number: int) -> HalvingEngine | None:
        raise NotImplementedError

    def _setup(self, study: Study, history: History) -> bool:
        """Build the engines once their resources are known; False until then."""
        raise NotImplementedError

    def _reset(self) -> None:
        raise NotImplementedError

    def _before_judge(
        self, study: Study, trial: FrozenTrial, engine: HalvingEngine, step: int
    ) -> None:
        """Hook: Hyperband records the bracket here."""

    def _sync(self, study: Study) -> bool:
        """Bring the rung tables up to date (lock held); False while resources are unknown."""
        history = study.history
        if self._feed.bind(history):
            self._reset()
        if not self._setup(study, history):
            return False
        states = history.states
        for m in self._feed.changed(history):
            finished = int(states[m]) in _FINISHED
            if finished:
                self._summary.forget(m)
            found = self._engine_for(m)
            assert found is not None
            found.absorb(history.trial(m), finished, self._sign)
        return True

    def _bind_study(self, study: Study) -> None:
        if self._study is None or self._study() is not study:
            if not self._MULTI_OBJECTIVE:
                check_single_objective(study, type(self).__name__)
            self._reset()
            self._summary.clear()
            self._study = weakref.ref(study)
            self._sign = _sign(study)
            self._signs = _signs(study) if len(study.directions) > 1 else None

    @property
    def has_budget_levels(self) -> bool:
        """Always True: rung ``k`` of a trial sits at a budget level (:meth:`budget_level`)."""
        return True

    def budget_level(self, system_attrs: Mapping[str, Any], rung: int = 0) -> int | None:
        """The budget level of rung ``rung`` of a trial with these system attributes.

        Level ``g`` is the budget ``min_resource * reduction_factor ** g``; a
        trial's rung ``k`` sits at level ``k + s`` with ``s`` its ladder's offset
        (Hyperband's bracket, SHA's ``min_early_stopping_rate``). None while the
        offset is unknown (a Hyperband trial before its first rung).
        """
        offset = self._level_offset(system_attrs)
        return None if offset is None else offset + rung

    def _level_offset(self, system_attrs: Mapping[str, Any]) -> int | None:
        return 0

    def should_stop(self, study: Study, trial: FrozenTrial) -> bool:
        """The stopping decision for ``trial`` after its latest report (rungs recorded)."""
        # floats (annotation only: no call on the hot path), tuples when self._signs is set
        reports: Mapping[int, float] = trial.intermediate_values  # type: ignore[assignment]
        if not reports:
            return False
        number = trial.number
        with self._lock:
            self._bind_study(study)
            sign = self._sign
            if self._signs is None:
                step, _ = self._summary.get(number, reports, sign)
                nan = reports[step] != reports[step]
            else:  # vectors: a NaN component ranks worst in its objective, it does not stop
                step, nan = max(reports), False
            engine = self._engine_for(number)
            if engine is not None and step < engine.next_step.get(number, -1):
                return nan  # between rungs: nothing to decide, no need to read the history
            if not self._sync(study):
                return nan
            engine = self._engine_for(number)
            assert engine is not None
            self._before_judge(study, trial, engine, step)
            return engine.judge(study, trial, step, sign) or nan
