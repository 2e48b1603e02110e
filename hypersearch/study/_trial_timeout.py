"""``optimize(trial_timeout=...)``: stop a trial that runs past its time limit.

Two ways to stop it, chosen per worker:

* In the main thread of a process (``executor="process"`` workers, a
  sequential ``optimize``, ``hypersearch worker``) where nobody else uses
  ``SIGALRM``: a real-time timer raises :class:`~hypersearch.exceptions.TrialTimeout`
  inside the objective when the limit passes. It interrupts Python code and
  blocking C calls that give way to signals (``time.sleep``, I/O, a C
  ``sleep()`` through ctypes); a long numpy/BLAS call is interrupted when it
  returns. While the trial is inside a storage call (a report being written),
  the interrupt waits 10 ms and tries again, so no write is cut in half.
* Executors that run tasks in worker threads (Dask): the task runs its share
  in a child process (:mod:`hypersearch.study._worker_child`), interrupted as above.
* Elsewhere (``n_jobs`` threads, a thread pool as executor, or SIGALRM taken by
  someone else): at the trial's next ``report``, ``suggest_*`` or ``should_prune``.

Either way a trial that ends past its limit is recorded as timed out: PRUNED
with its last report when it reported, else FAIL with the reason in system
attribute ``"fail_reason"``; its worker goes on with the next trial.
"""

from __future__ import annotations

import signal
import threading
import time
from typing import TYPE_CHECKING, Any

from hypersearch.exceptions import TrialTimeout
from hypersearch.storages._heartbeat import Heartbeat

if TYPE_CHECKING:
    from types import FrameType

    from hypersearch.study._run_trial import RunContext
    from hypersearch.trial._trial import Trial

_RETRY_SECONDS = 0.01
# Code that must not be cut in the middle: storages and database drivers.
_SHIELDED = (
    "hypersearch.storages",
    "sqlalchemy",
    "sqlite3",
    "psycopg",
    "psycopg2",
    "pymysql",
    "MySQLdb",
    "redis",
)


class Deadline:
    """When a trial's time is up; :meth:`check` raises past it."""

    __slots__ = ("at", "seconds", "number")

    def __init__(self, seconds: float, number: int) -> None:
        self.seconds = seconds
        self.number = number
        self.at = time.monotonic() + seconds

    def passed(self) -> bool:
        return time.monotonic() >= self.at

    def error(self) -> TrialTimeout:
        return TrialTimeout(f"trial {self.number} ran past its time limit of {self.seconds:g} s")

    def check(self) -> None:
        """Raise :class:`TrialTimeout` when the time is up."""
        if time.monotonic() >= self.at:
            raise self.error()


def _shielded(frame: FrameType | None) -> bool:
    """Whether the interrupted code is inside a storage or database call."""
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if isinstance(name, str) and name.startswith(_SHIELDED):
            return True
        frame = frame.f_back
    return False


_CLOSED = object()


class _Alarm:
    """A SIGALRM timer that raises TrialTimeout in the main thread, outside storage calls."""

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline
        self.active = True
        self.previous: Any = _CLOSED

    def _fire(self, signum: int, frame: FrameType | None) -> None:
        if not self.active:
            return
        if _shielded(frame):
            signal.setitimer(signal.ITIMER_REAL, _RETRY_SECONDS)
            return
        self.active = False
        raise self.deadline.error()

    def start(self) -> None:
        self.previous = signal.signal(signal.SIGALRM, self._fire)
        signal.setitimer(signal.ITIMER_REAL, max(self.deadline.seconds, 1e-3))

    def close(self) -> None:
        """Stop the timer and restore the previous handler (idempotent)."""
        self.active = False  # first: a signal arriving from here on does nothing
        if self.previous is not _CLOSED:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
            self.previous = _CLOSED


def _alarm_available() -> bool:
    """SIGALRM exists, this is the main thread, and nobody else uses the signal or the timer."""
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        return False
    if signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, signal.SIG_IGN, None):
        return False
    return signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def call_with_timeout(ctx: RunContext, trial: Trial, interval: float | None) -> Any:
    """``func(trial)`` under the trial's time limit (see the module)."""
    assert ctx.trial_timeout is not None
    deadline = Deadline(ctx.trial_timeout, trial.number)
    trial._deadline = deadline
    alarm = _Alarm(deadline) if _alarm_available() else None
    try:
        try:
            if alarm is not None:
                alarm.start()
            if interval is None:
                value = ctx.func(trial)
            else:
                with Heartbeat(ctx.study._storage, trial._trial_id, interval=interval):
                    value = ctx.func(trial)
        finally:
            if alarm is not None:
                alarm.close()
    except TrialTimeout:
        if alarm is not None:
            alarm.close()  # the signal may have landed before the first close ran
        raise
    finally:
        trial._deadline = None
    if deadline.passed():  # it ended (returned, pruned itself) past its limit
        raise deadline.error()
    return value
