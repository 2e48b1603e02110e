"""Trial states."""

from __future__ import annotations

import enum


class TrialState(enum.IntEnum):
    """Where a trial is in its life.

    RUNNING -> COMPLETE | PRUNED | FAIL, and RUNNING <-> WAITING for a trial that
    is queued (enqueued, not started yet) or paused by a scheduler (its reports kept).
    """

    RUNNING = 0
    COMPLETE = 1
    PRUNED = 2
    FAIL = 3
    WAITING = 4

    def __str__(self) -> str:  # as Optuna prints it: "TrialState.COMPLETE"
        return f"TrialState.{self.name}"

    def __format__(self, format_spec: str) -> str:
        return format(str(self), format_spec)

    def is_finished(self) -> bool:
        """COMPLETE, PRUNED and FAIL are final."""
        return self in _FINISHED


_FINISHED = frozenset({TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL})
