"""The stored choices: study system attribute ``_keys.AUTO_CHOICES``, a list of records.

Each record: ``sampler``, ``reason``, ``n_trials`` (finished trials when it was made),
``datetime`` (UTC, ISO), ``level`` (the cost level then: 2 GP, 1 TPE-like, 0 random)
and ``pruner`` (multi-fidelity and PBT: which one, and whether the AutoSampler set it).
Appended once per change of sampler, oldest first.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from hypersearch import _keys
from hypersearch import logging as hs_logging

if TYPE_CHECKING:
    from hypersearch.study._study import Study

_logger = hs_logging.get_logger("hypersearch.samplers.auto")


def stored_choices(study: Study) -> list[dict[str, Any]]:
    """The choices recorded so far (oldest first); empty when none."""
    value = study.system_attrs.get(_keys.AUTO_CHOICES)
    return [dict(r) for r in value] if isinstance(value, list) else []


def same(record: dict[str, Any] | None, sampler: str) -> bool:
    return record is not None and record.get("sampler") == sampler


def append_choice(
    study: Study, sampler: str, reason: str, n_trials: int, level: int, pruner: str | None
) -> dict[str, Any]:
    """Store a new choice unless another worker stored the same one first; the last record."""
    records = stored_choices(study)
    last = records[-1] if records else None
    if same(last, sampler):
        assert last is not None
        return last
    record: dict[str, Any] = {
        "sampler": sampler,
        "reason": reason,
        "n_trials": n_trials,
        "datetime": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "level": level,
    }
    if pruner is not None:
        record["pruner"] = pruner
    records.append(record)
    study.set_system_attr(_keys.AUTO_CHOICES, records)
    _logger.info(f"AutoSampler: {sampler} at {n_trials} finished trials ({reason}).")
    return record


def summary_lines(study: Study) -> list[str]:
    """The choices as lines for ``study.summary()`` (none when the AutoSampler never chose)."""
    records = stored_choices(study)
    if not records:
        return []
    lines = ["Strategy (AutoSampler):"]
    for r in records:
        pruner = f" + {r['pruner']}" if r.get("pruner") else ""
        lines.append(
            f"  from trial {r.get('n_trials')}: {r.get('sampler')}{pruner} - {r.get('reason')}"
        )
    return lines
