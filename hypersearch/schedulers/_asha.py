"""Promotion-based ASHA: trials pause at rungs; the best are resumed to the next rung."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from hypersearch._enums import Decision
from hypersearch.multifidelity._engine import HalvingEngine, HalvingRungs
from hypersearch.multifidelity._rungs import RungLadder, RungTable
from hypersearch.pruners._checks import check_int
from hypersearch.schedulers._base import BaseScheduler, Suggestion
from hypersearch.schedulers._checkpoint import CheckpointStore
from hypersearch.study._trial_ops import PAUSED_KEY, finish_paused
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState
from hypersearch.trial._trial import Trial

if TYPE_CHECKING:
    from hypersearch.study._history import History
    from hypersearch.study._study import Study

__all__ = ["PAUSED_KEY", "ASHAScheduler", "Decision", "optimize_asha"]


class ASHAScheduler(HalvingRungs, BaseScheduler):
    """Asynchronous successive halving with promotions (Li et al., 2020, Algorithm 2).

    Rungs sit at ``min_resource * eta ** k`` below ``max_resource``. A trial
    that reaches a rung records its value there (``"rung_<k>"``, as the
    stopping pruners do) and *pauses*: :meth:`on_report` answers PAUSE, so
    ``trial.should_prune()`` is True, the objective raises
    :class:`~hypersearch.TrialPruned`, and ``study.optimize`` puts the trial
    back to WAITING (system attribute ``"paused": True``) with its checkpoint.
    Before starting a new trial, :meth:`suggest` looks from the highest rung
    down for a paused trial ranked within the best ``n // eta`` of its rung
    (:meth:`RungTable.promotable`, the same bookkeeping as
    :class:`~hypersearch.pruners.SuccessiveHalvingPruner`) and resumes it
    towards the next rung; a trial that reaches ``max_resource`` completes.
    Unlike the stopping variant no trial is stopped on weak evidence: it waits,
    and is resumed if the rung later fills with worse ones.

    Run it with ``study.optimize(objective, n_trials=N, scheduler=ASHAScheduler(...))``
    (or as the study's ``pruner``); ``n_trials`` counts new configurations,
    promotions come on top. The objective resumes from ``trial.checkpoint``.

    Args:
        max_resource: The step at which a trial completes (its last report).
        min_resource: The first rung's step (>= 1).
        reduction_factor: ``eta`` >= 2.
        finish_paused: When ``optimize`` ends, mark the trials still paused
            PRUNED (they keep their last report as value); False leaves them
            WAITING, to be resumed by a later run (several processes: set False
            and finish them when every worker is done).
    """

    _CONFIG = ("_min_resource", "_max_resource", "_eta", "finish_paused")
    uses_checkpoints = True

    def __init__(
        self,
        max_resource: int,
        min_resource: int = 1,
        reduction_factor: int = 3,
        *,
        finish_paused: bool = True,
    ) -> None:
        self._min_resource = check_int("min_resource", min_resource, 1)
        self._max_resource = check_int("max_resource", max_resource, 1)
        if self._max_resource <= self._min_resource:
            raise ValueError(
                f"max_resource must be > min_resource ({min_resource}), got {max_resource!r}."
            )
        self._eta = check_int("reduction_factor", reduction_factor, 2)
        if not isinstance(finish_paused, bool):
            raise TypeError(f"finish_paused must be a bool, got {finish_paused!r}.")
        self.finish_paused = finish_paused
        self._init_caches()
        self._engine: HalvingEngine | None = None

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

    # -- the protocol ----------------------------------------------------------------
    def suggest(self, study: Study, *, may_start: bool, running: int) -> Suggestion:
        """Resume the best promotable paused trial; else start one; else wait or stop."""
        number = self.next_promotion(study)
        if number is not None:
            return Suggestion.resume(number)
        if may_start:
            return Suggestion.start()
        # trials still running here may pause at a rung and become promotable
        return Suggestion.wait() if running else Suggestion.done()

    def on_report(self, study: Study, trial: FrozenTrial) -> Decision:
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
                return Decision.PAUSE
            return Decision.CONTINUE

    def decide(self, study: Study, trial: FrozenTrial) -> Decision:
        """The same as :meth:`on_report`."""
        return self.on_report(study, trial)

    def on_optimize_end(self, study: Study) -> None:
        if self.finish_paused:
            finish_paused(study)

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


def optimize_asha(
    study: Study,
    objective: Callable[[Trial], float],
    n_trials: int,
    *,
    checkpoints: CheckpointStore | None = None,
    finish_paused: bool = True,
) -> None:
    """``study.optimize(objective, n_trials, scheduler=study.pruner, checkpoints=...)``.

    Kept for existing code: ``study.pruner`` must be an :class:`ASHAScheduler`;
    ``finish_paused`` overrides the scheduler's own setting for this run. As
    before, an error in the objective fails the trial and is raised.
    """
    scheduler = study.pruner
    if not isinstance(scheduler, ASHAScheduler):
        raise TypeError(
            f"optimize_asha needs study.pruner to be an ASHAScheduler, got {scheduler!r}."
        )
    check_int("n_trials", n_trials)
    kept = scheduler.finish_paused
    scheduler.finish_paused = bool(finish_paused)
    try:
        study.optimize(objective, n_trials=n_trials, scheduler=scheduler, checkpoints=checkpoints)
    finally:
        scheduler.finish_paused = kept
