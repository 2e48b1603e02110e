"""Parameters a running trial suggested and this process has not written yet.

On a shared SQLite file each write transaction costs every other process a
page-cache reload, and one transaction per ``suggest_*`` was about a quarter of
a trivial trial's time in one process (140 of 510 us). So ``Trial`` stages its parameters: they are written with
the trial's next write (a report, an attribute, its end: in the same
transaction) or, at the latest, ``DELAY`` seconds after the first was staged,
by a background thread, so that other workers' samplers (TPE's constant liar,
GP fantasies) see a long trial's parameters while it runs. This process reads
them at once (``get_owned_trial``). A worker killed within ``DELAY`` of a
``suggest_*`` leaves its trial without that parameter; a retry of it samples it anew.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from hypersearch.distributions import BaseDistribution
from hypersearch.logging import get_logger

DELAY = 0.1

_logger = get_logger(__name__)
# (JSON entry, prefix that finds it, name, internal value, distribution): see
# _single.param_entry; the last three let a failed batch be written one by one.
Entry = tuple[str, str, str, float, BaseDistribution]


class StagedParams:
    """trial_id -> staged entries, and the thread that writes the ones staged too long ago."""

    def __init__(self, write: Callable[[int], None], delay: float = DELAY) -> None:
        self._write = write
        self._delay = delay
        self._lock = threading.Lock()
        self._entries: dict[int, list[Entry]] = {}
        self._since: dict[int, float] = {}
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def add(self, trial_id: int, entry: Entry) -> None:
        with self._lock:
            if trial_id not in self._entries:
                self._entries[trial_id] = []
                self._since[trial_id] = time.monotonic()
            self._entries[trial_id].append(entry)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="hypersearch-staged-params", daemon=True
                )
                self._thread.start()

    def take(self, trial_id: int) -> list[Entry]:
        """Remove and return a trial's staged entries (the caller writes them)."""
        if not self._entries:  # the common case, without the lock
            return []
        with self._lock:
            self._since.pop(trial_id, None)
            return self._entries.pop(trial_id, [])

    def put_back(self, trial_id: int, entries: list[Entry]) -> None:
        """Entries whose write failed: staged again, ahead of newer ones."""
        if not entries:
            return
        with self._lock:
            self._entries[trial_id] = entries + self._entries.get(trial_id, [])
            self._since.setdefault(trial_id, time.monotonic())

    def pending(self) -> list[int]:
        with self._lock:
            return list(self._entries)

    def _loop(self) -> None:
        """Write what is due; end once nothing is staged (``add`` starts a new thread)."""
        while not self._stop.wait(self._delay / 2):
            now = time.monotonic()
            with self._lock:
                if not self._entries:
                    self._thread = None
                    return
                due = [tid for tid, since in self._since.items() if now - since >= self._delay]
            for trial_id in due:
                try:
                    self._write(trial_id)
                except Exception as err:  # noqa: BLE001 - finished meanwhile, or a closed storage
                    _logger.debug(
                        f"Writing the staged parameters of trial id {trial_id} failed: {err!r}"
                    )

    def close(self) -> None:
        self._stop.set()
