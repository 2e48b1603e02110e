"""``diagnose(study)``: run every diagnostic on a study's trials; nothing is written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hypersearch.diagnostics import _range_edge, _useless
from hypersearch.diagnostics._finding import INFO, Finding
from hypersearch.diagnostics._noise import noise_findings
from hypersearch.diagnostics._records import auto_choice_findings, holdout_findings
from hypersearch.diagnostics._view import objective_views
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._study import Study

NOTES = frozenset({"no_trials", "too_few_trials"})
"""Kinds that describe what could not be checked yet (never logged during ``optimize``)."""


def diagnose(study: Study, *, edge_level: float = _range_edge.LEVEL) -> list[Finding]:
    """What the study's trials say about its set-up: a list of findings, warnings first.

    Reads the study (its COMPLETE trials and its records) and changes nothing.
    See :mod:`hypersearch.diagnostics` for the diagnostics and when each applies.

    Args:
        study: The study to examine.
        edge_level: The level of the range-edge comparisons (smaller: fewer findings,
            fewer false alarms; the default was chosen by the bench).

    Returns:
        The findings; a study with no COMPLETE trial gives one ``"no_trials"`` note.
    """
    from hypersearch.study._study import Study

    if not isinstance(study, Study):
        raise TypeError(f"diagnose() takes a Study, got {study!r}.")
    if not (isinstance(edge_level, float) and 0.0 < edge_level < 1.0):
        raise ValueError(f"edge_level must be a float in (0, 1), got {edge_level!r}.")
    history = study.history
    if history.count(TrialState.COMPLETE) == 0:
        message = f"study {study.study_name!r} has no COMPLETE trial yet: nothing to diagnose."
        return [Finding("no_trials", message=message, severity=INFO)]
    attrs = study.system_attrs
    views = objective_views(history)
    findings: list[Finding] = []
    if len(views) > 1:
        findings.append(_multi_objective_note(len(views)))
    for view in views:
        findings += _range_edge.range_edge_findings(view, edge_level)
        findings += _useless.useless_findings(view)
        findings += noise_findings(view)
    if len(views) == 1:
        findings += holdout_findings(history, attrs)
    findings += auto_choice_findings(attrs)
    n = max(view.n for view in views)
    if n < _useless.MIN_TRIALS:
        findings.append(_too_few_note(n))
    return sorted(findings, key=lambda f: f.severity != "warning")


def _multi_objective_note(n_obj: int) -> Finding:
    return Finding(
        "multi_objective",
        message=(
            f"multi-objective study ({n_obj} objectives): the range-edge, useless-parameter "
            "and noise diagnostics run on each objective alone (a range edge for one "
            "objective may be a trade-off with another); the held-out checks are for "
            "single-objective studies and are skipped."
        ),
        severity=INFO,
    )


def _too_few_note(n: int) -> Finding:
    return Finding(
        "too_few_trials",
        evidence={"n_trials": n},
        message=(
            f"{n} COMPLETE trials: the range-edge check needs {_range_edge.MIN_TRIALS}, the "
            f"useless-parameter check {_useless.MIN_TRIALS} (and {_useless.PER_PARAM} per parameter); the noise "
            "check needs repeated configurations."
        ),
        severity=INFO,
    )
