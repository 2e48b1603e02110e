"""Studies: create, load, run, and read them."""

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
from hypersearch.study._history import History
from hypersearch.study._study import Study

__all__ = [
    "Budget",
    "History",
    "MaxTrialsCallback",
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
