"""The scheduler protocol: what to run next, and what to do after each report.

A scheduler is asked two things by the run loop (``study.optimize``), in the
shape Syne Tune uses:

* :meth:`BaseScheduler.suggest`: what a free worker runs next, a
  :class:`Suggestion`: start a new trial, resume trial ``N`` (a WAITING trial:
  paused, or queued by the scheduler) from its checkpoint, wait a moment, or
  stop (nothing left to do).
* :meth:`BaseScheduler.on_report`: after each report (``trial.should_prune()``),
  a :class:`Decision`: CONTINUE, STOP (the trial ends, PRUNED with its last
  report unless the scheduler says otherwise), or PAUSE (the trial goes back
  to WAITING with its checkpoint and may be resumed later).

``trial.should_prune()`` returns True for STOP and PAUSE; the objective then
raises :class:`~hypersearch.TrialPruned` and the loop carries out the decision.
Hooks around a trial's life (:meth:`~BaseScheduler.on_trial_start`,
:meth:`~BaseScheduler.on_trial_end`, :meth:`~BaseScheduler.on_optimize_end`)
let a scheduler prepare a trial (fixed parameters, a copied checkpoint) and
react to its end. Stopping pruners run under the same loop through
:class:`PrunerScheduler`: schedulers that always start a new trial and never pause.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypersearch._enums import Decision
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    import numpy as np

    from hypersearch.pruners._base import BasePruner
    from hypersearch.schedulers._checkpoint import Checkpoint, CheckpointStore
    from hypersearch.study._study import Study
    from hypersearch.trial._frozen import FrozenTrial


class SuggestionKind(enum.Enum):
    """What a free worker does next."""

    START = "start"
    RESUME = "resume"
    WAIT = "wait"
    DONE = "done"


@dataclass(frozen=True)
class Suggestion:
    """A scheduler's answer to "what next?".

    Attributes:
        kind: START a new trial, RESUME the WAITING trial ``number``, WAIT a
            moment and ask again, or DONE (this worker stops).
        number: The trial to resume (RESUME only).
        system_attrs: System attributes the new trial starts with (START only;
            e.g. ``"fixed_params"``). With none, the loop starts the trial with
            ``study.ask()``, which takes an enqueued trial first.
    """

    kind: SuggestionKind
    number: int | None = None
    system_attrs: dict[str, Any] | None = None

    @staticmethod
    def start(system_attrs: dict[str, Any] | None = None) -> Suggestion:
        return Suggestion(SuggestionKind.START, system_attrs=system_attrs)

    @staticmethod
    def resume(number: int) -> Suggestion:
        return Suggestion(SuggestionKind.RESUME, number=int(number))

    @staticmethod
    def wait() -> Suggestion:
        return _WAIT

    @staticmethod
    def done() -> Suggestion:
        return _DONE


_CONTINUE, _STOP = Decision.CONTINUE, Decision.STOP  # module constants: no enum lookup per report
_WAIT = Suggestion(SuggestionKind.WAIT)
_DONE = Suggestion(SuggestionKind.DONE)
_START = Suggestion(SuggestionKind.START)


class BaseScheduler:
    """Decides what runs next and what happens to a running trial after each report.

    Subclasses override :meth:`on_report` and usually :meth:`suggest`; the
    other hooks do nothing by default. The run loop calls a scheduler from
    several threads at once (``n_jobs > 1``): implementations guard their state
    with a lock. In worker processes each process holds its own copy (pickled),
    so the state a scheduler relies on across workers lives in the storage.
    """

    #: Whether trials get a ``trial.checkpoint`` (they may be resumed or copied); worker
    #: processes then need a shared checkpoint store.
    uses_checkpoints: bool = False

    def suggest(self, study: Study, *, may_start: bool, running: int) -> Suggestion:
        """What a free worker runs next.

        Args:
            study: The study being optimised.
            may_start: Whether the run's budget (``n_trials``, ``timeout``) allows a new trial.
            running: Trials this run's workers are running right now (in this process).
        """
        return _START if may_start else _DONE

    def on_trial_start(
        self, study: Study, trial: FrozenTrial, checkpoints: CheckpointStore
    ) -> Decision:
        """Prepare ``trial`` (just started or resumed, RUNNING) before the objective sees it.

        May set the trial's system attributes (``study.set_trial_system_attr``)
        and copy checkpoints. Returns CONTINUE to run it, STOP to end it at once
        (PRUNED, not run). Raise :class:`TrialFailure` to fail it with a reason.
        """
        return Decision.CONTINUE

    def checkpoint_for(
        self, study: Study, trial: FrozenTrial, checkpoints: CheckpointStore
    ) -> Checkpoint:
        """The ``trial.checkpoint`` the objective gets (default: ``checkpoints``' own)."""
        return checkpoints.for_trial(study.study_name, trial.number)

    def on_report(self, study: Study, trial: FrozenTrial) -> Decision:
        """CONTINUE, STOP or PAUSE ``trial`` (RUNNING, with its reports so far)."""
        return Decision.CONTINUE

    def on_stop(self, study: Study, trial: FrozenTrial, checkpoints: CheckpointStore) -> TrialState:
        """The state a trial that stopped on a STOP decision is recorded with (default PRUNED).

        Called before the trial is recorded; COMPLETE records its last report as
        its value. Raise :class:`TrialFailure` to fail it with a reason instead.
        """
        return TrialState.PRUNED

    def on_trial_end(
        self,
        study: Study,
        trial: FrozenTrial,
        decision: Decision | None,
        error: BaseException | None,
        checkpoints: CheckpointStore,
    ) -> None:
        """Called once the loop recorded ``trial``'s outcome (finished, or WAITING if paused).

        ``decision`` is the decision that ended it (STOP / PAUSE), or None when
        the objective returned, failed or pruned itself; ``error`` what failed it.
        """

    def on_optimize_end(self, study: Study) -> None:
        """Called once at the end of ``study.optimize`` in each process that ran trials.

        Not called when the run ended with an error. May raise (e.g. when every
        member of a population failed).
        """

    # -- multi-fidelity: budget levels (what BOHB-style samplers read) -----------------
    @property
    def has_budget_levels(self) -> bool:
        """Whether trials record rung values at budget levels (:meth:`budget_level`)."""
        return False

    def budget_level(self, system_attrs: Mapping[str, Any], rung: int = 0) -> int | None:
        """The budget level of a trial's rung ``rung``, or None (unknown / not multi-fidelity).

        Level ``g`` means the budget ``min_resource * reduction_factor ** g``;
        multi-fidelity samplers (BOHB) use it to pool rung values across ladders.
        """
        return None

    def bracket_mask(self, study: Study, number: int) -> np.ndarray | None:
        """Rows of ``study.history`` in trial ``number``'s bracket, or None (no brackets)."""
        return None


class TrialFailure(RuntimeError):
    """Raised by a scheduler hook: the trial fails, with this message as its reason."""


class PrunerScheduler(BaseScheduler):
    """A stopping pruner as a scheduler: always start a new trial; STOP when it prunes.

    Args:
        pruner: The pruner whose ``prune(study, trial)`` decides.
    """

    def __init__(self, pruner: BasePruner) -> None:
        self.pruner = pruner

    def on_report(self, study: Study, trial: FrozenTrial) -> Decision:
        return _STOP if self.pruner.prune(study, trial) else _CONTINUE

    @property
    def has_budget_levels(self) -> bool:
        return callable(getattr(self.pruner, "budget_level", None))

    def budget_level(self, system_attrs: Mapping[str, Any], rung: int = 0) -> int | None:
        level = getattr(self.pruner, "budget_level", None)
        return None if level is None else level(system_attrs, rung)

    def bracket_mask(self, study: Study, number: int) -> np.ndarray | None:
        mask = getattr(self.pruner, "bracket_mask", None)
        return None if mask is None else mask(study, number)

    def __repr__(self) -> str:
        return f"PrunerScheduler({self.pruner!r})"


def as_scheduler(obj: Any, name: str = "scheduler") -> BaseScheduler:
    """``obj`` as a scheduler: schedulers as they are, pruners wrapped; else TypeError."""
    from hypersearch.pruners._base import BasePruner

    if isinstance(obj, BaseScheduler):
        return obj
    if isinstance(obj, BasePruner):
        return PrunerScheduler(obj)
    raise TypeError(f"{name} must be a BaseScheduler or a BasePruner, got {obj!r}.")
