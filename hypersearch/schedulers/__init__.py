"""Schedulers: decide what runs next and what happens after each report.

The protocol (:class:`BaseScheduler`, the shape Syne Tune uses): a free worker
asks :meth:`~BaseScheduler.suggest` for a :class:`Suggestion` (start a new
trial, resume a WAITING one from its checkpoint, wait, or done); after each
report (``trial.should_prune()``) :meth:`~BaseScheduler.on_report` answers a
:class:`Decision`: CONTINUE, STOP, or PAUSE (the trial goes back to WAITING
with its checkpoint). ``study.optimize(..., scheduler=...)`` is the one loop
that carries these out, with threads, processes or any executor; stopping
pruners run under it wrapped in :class:`PrunerScheduler` (they never pause).

* :class:`ASHAScheduler`: promotion ASHA (pause at rungs, resume the best).
* :class:`PBTScheduler` / :class:`PB2Scheduler`: population-based training.
* ``trial.checkpoint`` (a :class:`Checkpoint` from a :class:`CheckpointStore`):
  what a trial saves to be resumed, or copied by PBT.
"""

from hypersearch._enums import Decision
from hypersearch.schedulers._asha import ASHAScheduler, optimize_asha
from hypersearch.schedulers._base import (
    BaseScheduler,
    PrunerScheduler,
    Suggestion,
    SuggestionKind,
    TrialFailure,
)
from hypersearch.schedulers._checkpoint import Checkpoint, CheckpointStore
from hypersearch.schedulers._pbt import CheckpointError, PBTScheduler
from hypersearch.schedulers._pbt_checkpoint import StorageCheckpointStore
from hypersearch.schedulers._pbt_pb2 import PB2Scheduler
from hypersearch.schedulers._pbt_report import (
    best_member,
    pbt_budget,
    pbt_lineage,
    pbt_schedule,
    plot_pbt_schedules,
    replay,
)
from hypersearch.schedulers._pbt_runner import optimize_pbt

__all__ = [
    "ASHAScheduler",
    "BaseScheduler",
    "Checkpoint",
    "CheckpointError",
    "CheckpointStore",
    "Decision",
    "PB2Scheduler",
    "PBTScheduler",
    "PrunerScheduler",
    "StorageCheckpointStore",
    "Suggestion",
    "SuggestionKind",
    "TrialFailure",
    "best_member",
    "optimize_asha",
    "optimize_pbt",
    "pbt_budget",
    "pbt_lineage",
    "pbt_schedule",
    "plot_pbt_schedules",
    "replay",
]
