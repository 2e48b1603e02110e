"""Schedulers: decide more than yes/no (pause a trial at a rung, resume the best later)."""

from hypersearch.schedulers._asha import ASHAScheduler, Decision, optimize_asha
from hypersearch.schedulers._checkpoint import Checkpoint, CheckpointStore

__all__ = ["ASHAScheduler", "Checkpoint", "CheckpointStore", "Decision", "optimize_asha"]
