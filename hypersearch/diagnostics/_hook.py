"""Diagnostics during ``study.optimize``: checked now and then, each finding logged once.

The check runs when the study reaches 20, 40, 80, 160, 320, 640 trials, then every
500 trials or a quarter of the trials so far, whichever is more (never on every
trial: between checks the hook compares two integers; the checks' cost per trial
stays bounded as the study grows). A finding's key is remembered in the study system attribute
``study:diagnostics_seen``, so that other workers and later sessions do not log it
again. Turn it off with ``study.optimize(..., diagnose=False)``.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from hypersearch import _keys
from hypersearch import logging as hs_logging
from hypersearch.diagnostics._finding import WARNING, Finding

if TYPE_CHECKING:
    from hypersearch.study._study import Study
    from hypersearch.trial._frozen import FrozenTrial

_logger = hs_logging.get_logger("hypersearch.diagnostics")

FIRST = 20
"""The first check, at this many trials; the checks double from there ..."""
MAX_GAP = 500
"""... until they are this many trials apart; then a quarter of the trials, if more."""


def next_checkpoint(n_trials: int) -> int:
    """The first check after ``n_trials`` trials (see the module docstring)."""
    point = FIRST
    while point <= n_trials and point <= MAX_GAP:
        point *= 2
    while point <= n_trials:
        point += max(MAX_GAP, point // 4)
    return point


class DiagnosticsHook:
    """Called after each trial of an ``optimize`` run; diagnoses at the checkpoints."""

    def __init__(self, study: Study) -> None:
        self._next = next_checkpoint(study.history.n)
        self._lock = threading.Lock()

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        reached = trial.number + 1
        if reached < self._next:
            return
        with self._lock:  # one worker thread runs a checkpoint's check
            if reached < self._next:
                return
            self._next = next_checkpoint(reached)
        try:
            log_new_findings(study)
        except Exception as err:  # a diagnostic never stops a search
            _logger.debug(f"Diagnostics skipped after an error: {err!r}")


def log_new_findings(study: Study) -> list[Finding]:
    """Diagnose ``study``; log and remember the findings not logged before; return those."""
    from hypersearch.diagnostics._diagnose import NOTES, diagnose

    findings = [f for f in diagnose(study) if f.kind not in NOTES]
    seen = study.system_attrs.get(_keys.DIAGNOSTICS_SEEN)
    seen_keys = set(seen) if isinstance(seen, list) else set()
    fresh = [f for f in findings if f.key not in seen_keys]
    if not fresh:
        return []
    study.set_system_attr(_keys.DIAGNOSTICS_SEEN, sorted(seen_keys | {f.key for f in fresh}))
    for finding in fresh:
        if finding.severity == WARNING:
            _logger.warning(f"Diagnostics: {finding}")
        else:
            _logger.info(f"Diagnostics: {finding}")
    return fresh
