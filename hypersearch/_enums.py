"""Ground floor: the enums every layer shares (trial states, study directions, decisions).

Users find them where they always did (``hypersearch.TrialState``,
``hypersearch.trial.TrialState``, ``hypersearch.study.StudyDirection``); modules of
the package import them from here, so that storages and trials never import ``study``.
"""

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


class StudyDirection(enum.IntEnum):
    """Whether an objective is minimised or maximised."""

    NOT_SET = 0
    MINIMIZE = 1
    MAXIMIZE = 2


def parse_direction(direction: object) -> StudyDirection:
    """Accept "minimize" / "maximize" (any case) or a StudyDirection."""
    if isinstance(direction, StudyDirection) and direction != StudyDirection.NOT_SET:
        return direction
    if isinstance(direction, str) and direction.lower() in ("minimize", "maximize"):
        return StudyDirection[direction.upper()]
    raise ValueError(f"direction must be 'minimize' or 'maximize', got {direction!r}.")


class Decision(enum.Enum):
    """What a scheduler tells a running trial after a report.

    CONTINUE: go on. STOP: end the trial (PRUNED with its last report, unless the
    scheduler records it otherwise). PAUSE: put it back to WAITING with its
    checkpoint; the scheduler may resume it later.
    """

    CONTINUE = "continue"
    STOP = "stop"
    PAUSE = "pause"
