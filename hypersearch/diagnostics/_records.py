"""Findings read from the study's records: held-out evaluations and automatic choices.

Held-out evaluations (study system attribute ``study:holdout``, a list of records
with ``value``, ``trial_number``, ``n_trials`` and ``datetime``) give two findings:
the held-out score was looked at more than once while the search went on
(peeking), and the gap between the validation value of the evaluated trial and its
held-out value grew (the search overfits its validation score). The automatic
strategy's choices (``study:auto_choices``) are reported as notes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hypersearch import _keys
from hypersearch.diagnostics._finding import INFO, Finding
from hypersearch.study._direction import StudyDirection

if TYPE_CHECKING:
    from hypersearch.study._history import History


def holdout_records(attrs: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The well-formed held-out records (a number ``value``), oldest first."""
    records = attrs.get(_keys.HOLDOUT)
    if not isinstance(records, Sequence) or isinstance(records, str):
        return []
    return [
        r
        for r in records
        if isinstance(r, Mapping) and _is_number(r.get("value")) and math.isfinite(r["value"])
    ]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def holdout_findings(history: History, attrs: Mapping[str, Any]) -> list[Finding]:
    """Peeking and a growing validation / held-out gap (single-objective studies)."""
    records = holdout_records(attrs)
    if len(records) < 2:
        return []
    counts = [r.get("n_trials") for r in records]
    findings = [
        Finding(
            kind="holdout_peeking",
            evidence={"n_records": len(records), "n_trials_at_each": counts},
            message=(
                f"the held-out score was recorded {len(records)} times (at {counts} finished "
                "trials): every look that steers the search spends the held-out set."
            ),
            action=(
                "evaluate the held-out set once, after the search; for a fresh estimate "
                "use a new held-out split"
            ),
        )
    ]
    gaps = _gaps(history, records)
    if len(gaps) >= 2 and gaps[-1][1] > gaps[0][1] and gaps[-1][1] > 0.0:
        (n0, g0), (n1, g1) = gaps[0], gaps[-1]
        findings.append(
            Finding(
                kind="search_overfitting",
                evidence={"gaps": [g for _, g in gaps], "n_trials_at_each": [n for n, _ in gaps]},
                message=(
                    f"the validation score is more optimistic than the held-out score and the "
                    f"gap grew from {g0:.3g} (at {n0} trials) to {g1:.3g} (at {n1} trials): "
                    "the search is fitting its validation set."
                ),
                action=(
                    "stop the search or enlarge the validation set (cross-validation, several "
                    "seeds); report the held-out score of the first evaluation"
                ),
            )
        )
    return findings


def _gaps(history: History, records: list[Mapping[str, Any]]) -> list[tuple[Any, float]]:
    """(n_trials, validation better than held-out by) per record with a known trial."""
    sign = -1.0 if history.directions[0] == StudyDirection.MAXIMIZE else 1.0
    out = []
    for record in records:
        number = record.get("trial_number")
        if not isinstance(number, int) or not 0 <= number < history.n:
            continue
        validation = float(history.values[number, 0])
        if not math.isfinite(validation):
            continue
        out.append((record.get("n_trials"), sign * (float(record["value"]) - validation)))
    return out


def auto_choice_findings(attrs: Mapping[str, Any]) -> list[Finding]:
    """One note per choice the automatic strategy recorded."""
    records = attrs.get(_keys.AUTO_CHOICES)
    if not isinstance(records, Sequence) or isinstance(records, str):
        return []
    findings = []
    for i, record in enumerate(records):
        if not isinstance(record, Mapping):
            continue
        sampler, reason, n = record.get("sampler"), record.get("reason"), record.get("n_trials")
        findings.append(
            Finding(
                kind="auto_choice",
                evidence={"sampler": sampler, "reason": reason, "n_trials": n},
                message=f"the automatic strategy chose {sampler} at {n} trials: {reason}",
                severity=INFO,
                detail=str(i),
            )
        )
    return findings
