"""The stopping rule's record in the study: its last decision and the bound by trial.

Kept in the study system attribute ``_keys.STOP`` so that every worker, the
budget report, ``plot_improvement`` and a later session read the same account.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from hypersearch import _keys

STOP_KEY = _keys.STOP


@dataclass(frozen=True)
class StopRecord:
    """What the stopping rule decided last, and why.

    Attributes:
        stopped: Whether it stopped the study.
        trial: The number of the last trial it looked at.
        n_complete: Complete trials at that point.
        improvement: The room left for improvement (the regret bound) then.
        error: The objective's error it was compared with.
        error_source: ``"cv"`` (cross-validation scores), ``"noise"`` (the GP's noise
            estimate) or ``"static"`` (a given constant).
        rule: Which improvement evaluator: ``"regret-bound"``, ``"emmr"``, ...
        trace: ``(trial, improvement, error)`` at every check, oldest first.
    """

    stopped: bool
    trial: int
    n_complete: int
    improvement: float
    error: float
    error_source: str
    rule: str
    trace: tuple[tuple[int, float, float], ...]

    def __str__(self) -> str:
        verb = "stopped" if self.stopped else "not stopped"
        relation = "<" if self.improvement < self.error else ">="
        return (
            f"{verb} by the {self.rule} rule at trial {self.trial} ({self.n_complete} complete): "
            f"bound {self.improvement:.4g} {relation} {self.error_source} error {self.error:.4g}"
        )


def _json_float(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _from_json(x: Any) -> float:
    return math.nan if x is None else float(x)


def write_record(study: Any, record: StopRecord) -> None:
    """Store ``record`` in the study (non-finite numbers as null)."""
    study.set_system_attr(
        STOP_KEY,
        {
            "stopped": record.stopped,
            "trial": record.trial,
            "n_complete": record.n_complete,
            "improvement": _json_float(record.improvement),
            "error": _json_float(record.error),
            "error_source": record.error_source,
            "rule": record.rule,
            "trace": [[n, _json_float(i), _json_float(e)] for n, i, e in record.trace],
        },
    )


def stop_record(study: Any) -> StopRecord | None:
    """The stopping rule's last decision in ``study``, or None when no rule ran on it.

    The budget report shows it next to the spend: "stopped by the regret-bound rule at
    trial 57 (...): bound 0.0012 < cv error 0.0031".
    """
    raw = study.system_attrs.get(STOP_KEY)
    if not isinstance(raw, dict):
        return None
    try:
        trace = tuple((int(n), _from_json(i), _from_json(e)) for n, i, e in raw.get("trace") or [])
        return StopRecord(
            stopped=bool(raw["stopped"]),
            trial=int(raw["trial"]),
            n_complete=int(raw["n_complete"]),
            improvement=_from_json(raw["improvement"]),
            error=_from_json(raw["error"]),
            error_source=str(raw["error_source"]),
            rule=str(raw["rule"]),
            trace=trace,
        )
    except (KeyError, TypeError, ValueError):
        return None  # written by something else: no record of ours


def extend(previous: StopRecord | None, **fields: Any) -> StopRecord:
    """A new record whose trace is ``previous``'s plus this check."""
    trace = previous.trace if previous is not None else ()
    point = (fields["trial"], fields["improvement"], fields["error"])
    trace = tuple(p for p in trace if p[0] != point[0]) + (point,)
    return StopRecord(trace=trace, **fields)
