"""Reading Optuna's RDB databases, and copying their studies into hypersearch storages."""

from __future__ import annotations

from hypersearch.storages._optuna._migrate import copy_optuna_study, migrate_from_optuna
from hypersearch.storages._optuna._reader import KNOWN_REVISIONS, OptunaReader, OptunaStudy

__all__ = [
    "KNOWN_REVISIONS",
    "OptunaReader",
    "OptunaStudy",
    "copy_optuna_study",
    "migrate_from_optuna",
]
