"""Promotion-based ASHA: trials pause at rungs; the best are resumed to the next rung."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from hypersearch import _keys
from hypersearch.exceptions import TrialPruned
from hypersearch.pruners._checks import check_int
from hypersearch.pruners._rungs import RungLadder, RungTable
from hypersearch.pruners._successive_halving import HalvingEngine, _HalvingPruner
from hypersearch.schedulers._checkpoint import CheckpointStore
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState
from hypersearch.trial._trial import Trial

if TYPE_CHECKING:
    from hypersearch.study._history import History
    from hypersearch.study._study import Study

PAUSED_KEY = _keys.PAUSED


class Decision(enum.Enum):
    """What a scheduler tells a running trial after a report."""

    CONTINUE = "continue"
    STOP = "stop"
    PAUSE = "pause"


class ASHAScheduler(_HalvingPruner):
    """Asynchronous successive halving with promotions (Li et al., 2020, Algorithm 2).

    Rungs sit at ``min_resource * eta ** k`` below ``max_resource``. A trial
    that reaches a rung records its value there (``"rung_<k>"``, as the
    stopping pruners do) and *pauses*: its objective raises
    :class:`~hypersearch.TrialPruned` on ``trial.should_prune()``, and
    :func:`optimize_asha` keeps it WAITING with system attribute
    ``"paused": True``. Before starting a new trial, :meth:`next_promotion`
    looks from the highest rung down for a paused trial ranked within the
    best ``n // eta`` of its rung (:meth:`RungTable.promotable`, the same
    bookkeeping as :class:`~hypersearch.pruners.SuccessiveHalvingPruner`) and
    resumes it towards the next rung; a trial that reaches ``max_resource``
    completes. Unlike the stopping variant no trial is stopped on weak
    evidence: it waits, and is resumed if the rung later fills with worse ones.

    Use it as the study's pruner and run the study with :func:`optimize_asha`.

    Args:
        max_resource: The step at which a trial completes (its last report).
        min_resource: The first rung's step (>= 1).
        reduction_factor: ``eta`` >= 2.
    """

    _CONFIG = ("_min_resource", "_max_resource", "_eta")

    def __init__(self, max_resource: int, min_resource: int = 1, reduction_factor: int = 3) -> None:
        self._min_resource = check_int("min_resource", min_resource, 1)
        self._max_resource = check_int("max_resource", max_resource, 1)
        if self._max_resource <= self._min_resource:
            raise ValueError(
                f"max_resource must be > min_resource ({min_resource}), got {max_resource!r}."
            )
        self._eta = check_int("reduction_factor", reduction_factor, 2)
        self._init_caches()
        self._engine: HalvingEngine | None = None
        self._pause: set[int] = set()

    def _init_caches(self) -> None:
        super()._init_caches()
        self._pause = set()

    def _reset(self) -> None:
        self._engine = None

    def _engine_for(self, number: int) -> HalvingEngine | None:
        return self._engine

    def _setup(self, study: Study, history: History) -> bool:
        if self._engine is None:
            ladder = RungLadder(self._min_resource, self._eta, 0, self._max_resource - 1)
            self._engine = HalvingEngine(ladder, 0)
        return True

    @property
    def rung_table(self) -> RungTable | None:
        """The rung bookkeeping of the current study (None before the first call)."""
        return None if self._engine is None else self._engine.table

    def decide(self, study: Study, trial: FrozenTrial) -> Decision:
        """PAUSE when ``trial`` just reached a rung, STOP on a NaN report, else CONTINUE."""
        # _bind_study checks one objective (annotation only: no call on the hot path)
        reports: Mapping[int, float] = trial.intermediate_values  # type: ignore[assignment]
        if not reports:
            return Decision.CONTINUE
        with self._lock:
            self._bind_study(study)
            step, _ = self._summary.get(trial.number, reports, self._sign)
            if reports[step] != reports[step]:
                return Decision.STOP
            engine = self._engine
            if engine is not None and step < engine.next_step.get(trial.number, -1):
                return Decision.CONTINUE
            self._sync(study)
            assert self._engine is not None
            before = self._engine.table.count(trial.number)
            self._engine.judge(study, trial, step, self._sign)
            if self._engine.table.count(trial.number) > before:
                self._pause.add(trial.number)
                return Decision.PAUSE
            return Decision.CONTINUE

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        return self.decide(study, trial) != Decision.CONTINUE

    def pause_requested(self, number: int) -> bool:
        """Whether the last decision for trial ``number`` was PAUSE (cleared by the call)."""
        with self._lock:
            if number in self._pause:
                self._pause.discard(number)
                return True
            return False

    def next_promotion(self, study: Study) -> int | None:
        """A paused trial to resume (highest rung first, best first), or None."""
        with self._lock:
            self._bind_study(study)
            self._sync(study)
            history = study.history
            table = self._engine.table  # type: ignore[union-attr]
            waiting = int(TrialState.WAITING)
            for k in reversed(range(len(table.rungs))):
                for number in table.promotable(k):
                    if (
                        table.count(number) == k + 1
                        and int(history.states[number]) == waiting
                        and history.trial(number).system_attrs.get(PAUSED_KEY)
                    ):
                        return number
            return None


def _resume(study: Study, number: int) -> Trial | None:
    storage = study._storage
    trial_id = storage.get_trial_id_from_study_id_trial_number(study._study_id, number)
    if not storage.set_trial_state_values(trial_id, TrialState.RUNNING):
        return None  # another worker claimed it
    storage.set_trial_system_attr(trial_id, PAUSED_KEY, False)
    return Trial(study, storage.get_trial(trial_id))


def _pause(study: Study, trial: Trial) -> None:
    storage = study._storage
    storage.set_trial_system_attr(trial._trial_id, PAUSED_KEY, True)
    storage.set_trial_state_values(trial._trial_id, TrialState.WAITING)


def optimize_asha(
    study: Study,
    objective: Callable[[Trial], float],
    n_trials: int,
    *,
    checkpoints: CheckpointStore | None = None,
    finish_paused: bool = True,
) -> None:
    """Run ``study`` under its :class:`ASHAScheduler`: promote when possible, else start.

    The objective is the usual one (report, ``should_prune()``, raise
    :class:`~hypersearch.TrialPruned`), plus ``trial.checkpoint``: it should
    ``load()`` at the start (None for a fresh trial) and continue after the
    last step it reported, and ``save()`` before it may pause. A resumed
    trial keeps its parameters and reports.

    Args:
        study: A study whose pruner is an :class:`ASHAScheduler`.
        objective: Takes a trial, returns its value at ``max_resource``.
        n_trials: New configurations to start (promotions do not count).
        checkpoints: Where checkpoints live (default: in memory).
        finish_paused: At the end, mark trials still paused PRUNED (they keep
            their last report as value); False leaves them WAITING to resume later.
    """
    scheduler = study.pruner
    if not isinstance(scheduler, ASHAScheduler):
        raise TypeError(
            f"optimize_asha needs study.pruner to be an ASHAScheduler, got {scheduler!r}."
        )
    check_int("n_trials", n_trials)
    store = checkpoints if checkpoints is not None else CheckpointStore()
    started = 0
    while True:
        trial: Trial | None = None
        number = scheduler.next_promotion(study)
        if number is not None:
            trial = _resume(study, number)
        if trial is None:
            if started >= n_trials:
                break
            trial = study.ask()
            started += 1
        trial.checkpoint = store.for_trial(study.study_name, trial.number)  # type: ignore[attr-defined]
        try:
            value: Any = objective(trial)
        except TrialPruned:
            if scheduler.pause_requested(trial.number):
                _pause(study, trial)
            else:
                study.tell(trial, state=TrialState.PRUNED)
            continue
        except Exception:
            study.tell(trial, state=TrialState.FAIL)
            raise
        scheduler.pause_requested(trial.number)
        study.tell(trial, value)
    if finish_paused:
        history = study.history
        for row in history.mask(TrialState.WAITING).nonzero()[0].tolist():
            frozen = history.trial(row)
            if frozen.system_attrs.get(PAUSED_KEY):
                study._storage.set_trial_system_attr(frozen.trial_id, PAUSED_KEY, False)
                study.tell(row, state=TrialState.PRUNED)
