"""Exceptions raised by hypersearch.

The tree::

    HypersearchError
     +-- TrialPruned            raised by an objective to stop a trial early
     +-- TrialTimeout           a trial ran past optimize(trial_timeout=...)
     +-- StorageError           a storage could not do what was asked
     |    +-- DuplicatedStudyError   a study with that name exists already
     |    +-- StudyNotFoundError     no study with that name or id
     |    +-- TrialNotFoundError     no trial with that id or number
     |    +-- UpdateFinishedTrialError  a finished trial was changed
     |    +-- ForeignDatabaseError   the database belongs to another program (e.g. Optuna)
     |    +-- ReadOnlyStorageError   a write through a storage opened read-only
     |    +-- SchemaVersionError     the database schema is older or newer than the code
     +-- CLIUsageError          bad command-line usage
"""

from __future__ import annotations


class HypersearchError(Exception):
    """Base class of every hypersearch error."""


class TrialPruned(HypersearchError):
    """Raise inside an objective to mark the trial PRUNED.

    The trial keeps its last reported intermediate value as its value.
    """


class TrialTimeout(HypersearchError):
    """Raised inside a trial that ran past ``study.optimize(..., trial_timeout=...)``.

    ``study.optimize`` records the trial (PRUNED with its last report, or FAIL)
    and goes on; an objective should let it propagate.
    """


class StorageError(HypersearchError):
    """A storage failed to carry out a request."""


class DuplicatedStudyError(StorageError):
    """A study with the requested name already exists."""


class StudyNotFoundError(StorageError, KeyError):
    """No study matches the requested name or id."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable.
        return str(self.args[0]) if self.args else ""


class TrialNotFoundError(StorageError, KeyError):
    """No trial matches the requested id or number."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UpdateFinishedTrialError(StorageError, RuntimeError):
    """A trial that already finished was asked to change."""


class ForeignDatabaseError(StorageError):
    """The database holds another program's data (e.g. an Optuna study), not hypersearch's.

    hypersearch never writes to such a database; the message names the command
    that copies an Optuna study into a hypersearch database.
    """


class ReadOnlyStorageError(StorageError):
    """A storage opened read-only was asked to write."""


class SchemaVersionError(StorageError):
    """The database's schema version is not this code's: upgrade the database or hypersearch."""


class WorkerLostError(HypersearchError, RuntimeError):
    """An executor's worker (or the whole cluster) went away before its share of trials was done.

    Finished trials stay in the study; ``optimize`` again continues it.
    """


class CLIUsageError(HypersearchError):
    """The command line was used wrongly."""


class HoldoutError(HypersearchError):
    """The held-out evaluation (``study.evaluate_holdout``) failed; nothing was recorded."""


class PeekingWarning(UserWarning):
    """The held-out score was looked at again after the search went on (or for another pick).

    Each extra look lets the test set steer the search: its score stops being an
    unbiased estimate of the chosen configuration's performance.
    """


# Optuna's names, so `except optuna.exceptions.X` keeps working after the import changes.
OptunaError = HypersearchError
StorageInternalError = StorageError


class ExperimentalWarning(Warning):
    """Optuna's warning for an experimental interface (hypersearch raises none itself)."""
