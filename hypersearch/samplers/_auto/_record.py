"""The stored choices: study system attribute ``_keys.AUTO_CHOICES``, a list of records.

Each record: ``sampler``, ``reason``, ``n_trials`` (finished trials when it was made),
``datetime`` (UTC, ISO), ``level`` (the cost level then: 3 GP, 2 GP of light effort, 1 TPE-like, 0 random;
records written before the light GP have 2 for the GP)
and ``pruner`` (multi-fidelity and PBT: which one, and whether the AutoSampler set it).
Appended once per change of sampler, oldest first.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hypersearch import _keys
from hypersearch import logging as hs_logging

if TYPE_CHECKING:
    from hypersearch.study._study import Study

_logger = hs_logging.get_logger("hypersearch.samplers.auto")


def stored_choices(attrs: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The choices recorded in a study's system attributes (oldest first); empty when none."""
    value = attrs.get(_keys.AUTO_CHOICES)
    return [dict(r) for r in value] if isinstance(value, list) else []


def budget_seconds(attrs: Mapping[str, Any]) -> float | None:
    """The ``optimize(budget_seconds=...)`` budget the study recorded, if any (and if known here).

    Summed trial seconds, or a cost budget (``budget_cost``): either makes wall-clock
    progress what counts, so the AutoSampler plans as under a ``timeout``.
    """
    for name in ("BUDGET_SECONDS", "BUDGET_COST"):  # keys the cost-budget work declares
        key = getattr(_keys, name, None)
        value = None if key is None else attrs.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
            return float(value)
    return None


def same(record: dict[str, Any] | None, sampler: str) -> bool:
    return record is not None and record.get("sampler") == sampler


def append_choice(
    study: Study, sampler: str, reason: str, n_trials: int, level: int, pruner: str | None
) -> dict[str, Any]:
    """Store a new choice unless another worker stored the same one first; the last record."""
    records = stored_choices(study.system_attrs)
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
    # DEBUG, not INFO: Optuna's INFO output stays line for line the same (tests/compat p49)
    _logger.debug(f"AutoSampler: {sampler} at {n_trials} finished trials ({reason}).")
    return record
