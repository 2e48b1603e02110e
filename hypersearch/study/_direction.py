"""Study directions."""

from __future__ import annotations

import enum


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
