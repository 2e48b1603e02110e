"""Studies: create, load, run, and read them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hypersearch._lazy import load_export
from hypersearch.study._api import (
    StudySummary,
    copy_study,
    create_study,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    load_study,
)
from hypersearch.study._budget import Budget
from hypersearch.study._callbacks import MaxTrialsCallback
from hypersearch.study._direction import StudyDirection
from hypersearch.study._holdout import HoldoutResult
from hypersearch.study._seeds import SeedSummary
from hypersearch.study._sessions import Session
from hypersearch.study._study import Study

if TYPE_CHECKING:
    from hypersearch.study._history import History


def __getattr__(name: str) -> Any:
    # The numpy history view loads with the first study.
    return load_export(__name__, {"History": "_history"}, name)


__all__ = [
    "Budget",
    "History",
    "HoldoutResult",
    "MaxTrialsCallback",
    "SeedSummary",
    "Session",
    "Study",
    "StudyDirection",
    "StudySummary",
    "copy_study",
    "create_study",
    "delete_study",
    "get_all_study_names",
    "get_all_study_summaries",
    "load_study",
]
