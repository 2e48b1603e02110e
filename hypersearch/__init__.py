"""hypersearch: hyperparameter search, every strategy behind one define-by-run API.

Quick start::

    import hypersearch as hs

    def objective(trial):
        x = trial.suggest_float("x", -10, 10)
        return (x - 2) ** 2

    study = hs.create_study()
    study.optimize(objective, n_trials=50)
    print(study.best_params, study.budget())
"""

from hypersearch import (
    distributions,
    exceptions,
    logging,
    pruners,
    samplers,
    storages,
    study,
    trial,
)
from hypersearch.exceptions import (
    DuplicatedStudyError,
    HypersearchError,
    StorageError,
    StudyNotFoundError,
    TrialPruned,
)
from hypersearch.study import (
    Budget,
    MaxTrialsCallback,
    Study,
    StudyDirection,
    StudySummary,
    copy_study,
    create_study,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    load_study,
)
from hypersearch.trial import FixedTrial, FrozenTrial, Trial, TrialState, create_trial
from hypersearch.version import __version__


def __getattr__(name: str) -> object:
    # Heavier subpackages load on first use, keeping `import hypersearch` fast.
    if name in (
        "artifacts",
        "diagnostics",
        "importance",
        "multi_objective",
        "multifidelity",
        "schedulers",
        "search_space",
        "terminator",
        "visualization",
    ):
        import importlib

        return importlib.import_module(f"hypersearch.{name}")
    raise AttributeError(f"module 'hypersearch' has no attribute {name!r}")


__all__ = [
    "artifacts",
    "Budget",
    "diagnostics",
    "DuplicatedStudyError",
    "FixedTrial",
    "FrozenTrial",
    "HypersearchError",
    "MaxTrialsCallback",
    "StorageError",
    "Study",
    "StudyDirection",
    "StudyNotFoundError",
    "StudySummary",
    "Trial",
    "TrialPruned",
    "TrialState",
    "__version__",
    "copy_study",
    "create_study",
    "create_trial",
    "delete_study",
    "distributions",
    "exceptions",
    "get_all_study_names",
    "get_all_study_summaries",
    "importance",
    "load_study",
    "logging",
    "multi_objective",
    "multifidelity",
    "pruners",
    "samplers",
    "schedulers",
    "search_space",
    "storages",
    "study",
    "terminator",
    "trial",
    "visualization",
]
