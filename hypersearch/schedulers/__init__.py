"""Schedulers: decide more than yes/no (pause a trial at a rung, resume the best later)."""

from hypersearch.schedulers._asha import ASHAScheduler, Decision, optimize_asha
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
    "Checkpoint",
    "CheckpointError",
    "CheckpointStore",
    "Decision",
    "PB2Scheduler",
    "PBTScheduler",
    "StorageCheckpointStore",
    "best_member",
    "optimize_asha",
    "optimize_pbt",
    "pbt_budget",
    "pbt_lineage",
    "pbt_schedule",
    "plot_pbt_schedules",
    "replay",
]
