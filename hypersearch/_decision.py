"""Ground floor: the decision a scheduler takes after a trial's report."""

from __future__ import annotations

import enum


class Decision(enum.Enum):
    """What a scheduler tells a running trial after a report.

    CONTINUE: go on. STOP: end the trial (PRUNED with its last report, unless the
    scheduler records it otherwise). PAUSE: put it back to WAITING with its
    checkpoint; the scheduler may resume it later.
    """

    CONTINUE = "continue"
    STOP = "stop"
    PAUSE = "pause"
