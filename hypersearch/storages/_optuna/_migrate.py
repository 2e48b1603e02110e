"""Copy Optuna RDB studies into a hypersearch storage (``hypersearch migrate --from-optuna``)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from hypersearch.exceptions import DuplicatedStudyError, StorageError, StudyNotFoundError
from hypersearch.storages._base import BaseStorage
from hypersearch.storages._optuna._journal import is_optuna_journal, read_optuna_journal
from hypersearch.storages._optuna._reader import OptunaReader, OptunaStudy


def _get_storage(storage: str | BaseStorage) -> BaseStorage:
    from hypersearch.storages import get_storage

    return get_storage(storage)


def _check_free(target: BaseStorage, names: Sequence[str]) -> None:
    for name in names:
        try:
            target.get_study_id_from_name(name)
        except StudyNotFoundError:
            continue
        raise DuplicatedStudyError(
            f"The target storage already holds a study named {name!r}; nothing was copied."
        )


def write_study(target: BaseStorage, study: OptunaStudy, name: str | None = None) -> int:
    """Create ``study`` (its attributes and every trial, numbers kept) in ``target``; its id.

    When a write fails, the half-written study is deleted before the error propagates.
    """
    study_id = target.create_new_study(study.directions, name or study.name)
    try:
        for key, value in study.user_attrs.items():
            target.set_study_user_attr(study_id, key, value)
        for key, value in study.system_attrs.items():
            target.set_study_system_attr(study_id, key, value)
        target.create_new_trials(study_id, study.trials)
    except BaseException:
        with contextlib.suppress(Exception):
            target.delete_study(study_id)
        raise
    return study_id


def migrate_from_optuna(
    from_url: str,
    to_storage: str | BaseStorage,
    *,
    study_names: Sequence[str] | None = None,
) -> list[str]:
    """Copy studies of an Optuna RDB database, or an Optuna journal file, into a hypersearch storage.

    The Optuna database is only read (an SQLite file is opened read-only).
    Every study keeps its name, directions, attributes, and every trial its
    number, state, parameters and distributions, values, reports, attributes
    and datetimes.

    Args:
        from_url: The Optuna storage URL (SQLite, PostgreSQL or MySQL; Optuna 3.0-5.0),
            or the path of an Optuna ``JournalFileBackend`` log.
        to_storage: A hypersearch storage or its URL.
        study_names: The studies to copy (default: all).

    Returns:
        The names of the copied studies.

    Raises:
        StorageError: ``from_url`` is not an Optuna database this reader knows, or
            holds a value it cannot decode (nothing is written then).
        DuplicatedStudyError: the target already holds a study of that name.
    """
    studies = _read_source(from_url, study_names)  # decode all before writing
    names = [study.name for study in studies]
    target = _get_storage(to_storage)
    try:
        _check_free(target, names)
        for study in studies:
            write_study(target, study)
    finally:
        if isinstance(to_storage, str):
            target.close()  # opened here
    return names


def _read_source(from_url: str, study_names: Sequence[str] | None) -> list[OptunaStudy]:
    """The studies of an Optuna RDB URL or journal file (all, or those named)."""
    if "://" not in from_url and is_optuna_journal(from_url):
        found = {study.name: study for study in read_optuna_journal(from_url)}
        wanted = list(found) if study_names is None else list(study_names)
        missing = [name for name in wanted if name not in found]
        if missing:
            raise StorageError(f"{from_url!r}: no Optuna study named {missing[0]!r}.")
        return [found[name] for name in wanted]
    if "://" not in from_url:
        raise StorageError(
            f"{from_url!r} is neither a database URL nor an Optuna journal file "
            "(its first line is no Optuna journal record)."
        )
    reader = OptunaReader(from_url)
    names = reader.study_names() if study_names is None else list(study_names)
    return [reader.read_study(name) for name in names]


def copy_optuna_study(
    from_url: str, from_study_name: str, to_storage: str | BaseStorage, to_study_name: str | None
) -> None:
    """``copy_study`` from an Optuna database: one study, every trial."""
    study = OptunaReader(from_url).read_study(from_study_name)
    target = _get_storage(to_storage)
    try:
        _check_free(target, [to_study_name or from_study_name])
        write_study(target, study, to_study_name)
    finally:
        if isinstance(to_storage, str):
            target.close()  # opened here
