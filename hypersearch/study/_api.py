"""Creating, loading, deleting and copying studies."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypersearch import logging as hs_logging
from hypersearch._validation import check_bool, fail
from hypersearch.exceptions import DuplicatedStudyError
from hypersearch.storages import BaseStorage, get_storage
from hypersearch.study._direction import StudyDirection, parse_direction
from hypersearch.study._study import Study
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.pruners._base import BasePruner
    from hypersearch.samplers._base import BaseSampler


def _check_name(study_name: Any) -> None:
    if study_name is not None and (not isinstance(study_name, str) or not study_name):
        raise ValueError(f"study_name must be a non-empty str or None, got {study_name!r}.")


def _parse_directions(direction: Any, directions: Any) -> list[StudyDirection]:
    if direction is not None and directions is not None:
        raise ValueError("Pass either direction or directions, not both.")
    if directions is None:
        return [parse_direction(direction if direction is not None else "minimize")]
    if isinstance(directions, (str, bytes)) or not isinstance(directions, Sequence):
        raise ValueError(
            f"directions must be a list such as ['minimize', 'maximize'], got {directions!r}."
        )
    if len(directions) == 0:
        raise ValueError("directions must not be empty.")
    return [parse_direction(d) for d in directions]


_logger = hs_logging.get_logger(__name__)
# Optuna's words for where a new study lives, in its "A new study created in ..." line.
_STORAGE_KINDS = {"InMemoryStorage": "memory", "JournalStorage": "Journal"}


def create_study(
    *,
    storage: str | BaseStorage | None = None,
    sampler: BaseSampler | str | None = None,
    pruner: BasePruner | None = None,
    study_name: str | None = None,
    direction: str | StudyDirection | None = None,
    load_if_exists: bool = False,
    directions: Sequence[str | StudyDirection] | None = None,
) -> Study:
    """Create a study (or load it with ``load_if_exists=True``).

    Args:
        storage: None for in-memory, a URL such as ``"sqlite:///hs.db"``, or a storage.
        sampler: A sampler, or a name: ``"auto"`` (the default,
            :class:`~hypersearch.samplers.AutoSampler`), ``"tpe"``, ``"gp"``, ``"random"``, ...
        pruner: Defaults to :class:`~hypersearch.pruners.MedianPruner`
            (:class:`~hypersearch.pruners.ParetoPruner` with several directions).
        study_name: A unique name; generated when None.
        direction: "minimize" (default) or "maximize".
        load_if_exists: Load the study if the name is taken instead of raising.
        directions: One direction per objective, for multi-objective studies.
    """
    _check_name(study_name)
    sampler = _resolve_sampler(sampler)
    _check_strategy(sampler, pruner)
    check_bool("load_if_exists", load_if_exists)
    dirs = _parse_directions(direction, directions)
    store = get_storage(storage)
    try:
        study_id = store.create_new_study(dirs, study_name)
    except DuplicatedStudyError:
        if not load_if_exists:
            raise DuplicatedStudyError(
                f"A study named {study_name!r} exists already; pass load_if_exists=True to load it."
            ) from None
        _logger.info(f"Using an existing study with `{study_name=}` instead of creating a new one.")
        study_id = store.get_study_id_from_name(study_name)  # type: ignore[arg-type]
        existing = store.get_study_directions(study_id)
        if (direction is not None or directions is not None) and list(existing) != dirs:
            raise ValueError(
                f"Study {study_name!r} exists with directions {[d.name for d in existing]}, "
                f"not {[d.name for d in dirs]}."
            ) from None
    else:
        where = _STORAGE_KINDS.get(type(store).__name__, "RDB")
        _logger.info(
            f"A new study created in {where} with name: {store.get_study_name_from_id(study_id)}"
        )
    name = store.get_study_name_from_id(study_id)
    return Study(name, store, sampler=sampler, pruner=pruner)


def _check_strategy(sampler: object, pruner: object) -> None:
    """A sampler and a pruner (or scheduler) are instances of the base classes, or None."""
    from hypersearch.pruners._base import BasePruner
    from hypersearch.samplers._base import BaseSampler
    from hypersearch.schedulers._base import BaseScheduler

    if sampler is not None and not isinstance(sampler, BaseSampler):
        raise fail("sampler", "a BaseSampler instance or None", sampler, TypeError)
    if pruner is not None and not isinstance(pruner, (BasePruner, BaseScheduler)):
        raise fail("pruner", "a BasePruner or BaseScheduler instance or None", pruner, TypeError)
    check_pruner = getattr(sampler, "check_pruner", None)  # the AutoSampler's conflicts
    if check_pruner is not None:
        check_pruner(pruner)


def _resolve_sampler(sampler: object) -> BaseSampler | None:
    from hypersearch.samplers import resolve_sampler

    return resolve_sampler(sampler)  # type: ignore[no-any-return]


def load_study(
    *,
    study_name: str | None,
    storage: str | BaseStorage,
    sampler: BaseSampler | str | None = None,
    pruner: BasePruner | None = None,
) -> Study:
    """Load an existing study; ``study_name=None`` works when the storage holds exactly one."""
    _check_name(study_name)
    sampler = _resolve_sampler(sampler)
    _check_strategy(sampler, pruner)
    store = get_storage(storage)
    if study_name is None:
        names = [s.study_name for s in store.get_all_studies()]
        if len(names) != 1:
            raise ValueError(
                f"study_name=None needs a storage with exactly one study; it has {len(names)}."
            )
        study_name = names[0]
    store.get_study_id_from_name(study_name)
    return Study(study_name, store, sampler=sampler, pruner=pruner)


def delete_study(*, study_name: str, storage: str | BaseStorage) -> None:
    """Remove a study and all its trials."""
    store = get_storage(storage)
    store.delete_study(store.get_study_id_from_name(study_name))


def copy_study(
    *,
    from_study_name: str,
    from_storage: str | BaseStorage,
    to_storage: str | BaseStorage,
    to_study_name: str | None = None,
) -> None:
    """Copy a study, its attributes and its finished and waiting trials, to another storage.

    ``from_storage`` may also be the URL of an Optuna RDB database (Optuna 3.0-5.0);
    its study is read without writing to it, and copied with every trial.
    """
    from hypersearch.storages._foreign import holds_optuna_database

    if isinstance(from_storage, str) and holds_optuna_database(from_storage):
        from hypersearch.storages._optuna import copy_optuna_study

        copy_optuna_study(from_storage, from_study_name, to_storage, to_study_name)
        return
    source = load_study(study_name=from_study_name, storage=from_storage)
    target = create_study(
        study_name=to_study_name or from_study_name,
        storage=to_storage,
        directions=source.directions,
    )
    for key, value in source.user_attrs.items():
        target.set_user_attr(key, value)
    for key, value in source.system_attrs.items():
        target.set_system_attr(key, value)
    target.add_trials(t for t in source.get_trials(deepcopy=False) if t.state != TrialState.RUNNING)


@dataclass(frozen=True)
class StudySummary:
    """A study's name, directions, best trial and size, without its trials."""

    study_name: str
    directions: tuple[StudyDirection, ...]
    best_trial: FrozenTrial | None
    user_attrs: dict[str, Any]
    system_attrs: dict[str, Any]
    n_trials: int
    datetime_start: datetime.datetime | None
    study_id: int

    @property
    def direction(self) -> StudyDirection:
        if len(self.directions) > 1:
            raise RuntimeError("This study has several objectives; use `directions`.")
        return self.directions[0]


def get_all_study_summaries(storage: str | BaseStorage) -> list[StudySummary]:
    """A summary of every study in a storage."""
    store = get_storage(storage)
    summaries = []
    for record in store.get_all_studies():
        study = Study(record.study_name, store)
        history = study.history
        best = None
        if len(record.directions) == 1 and history.best_number is not None:
            best = history.trial(history.best_number)
        starts = [t.datetime_start for t in history.trials() if t.datetime_start is not None]
        summaries.append(
            StudySummary(
                study_name=record.study_name,
                directions=record.directions,
                best_trial=best,
                user_attrs=record.user_attrs,
                system_attrs=record.system_attrs,
                n_trials=history.n,
                datetime_start=min(starts) if starts else None,
                study_id=record.study_id,
            )
        )
    return summaries


def get_all_study_names(storage: str | BaseStorage) -> list[str]:
    """The names of every study in a storage."""
    return [s.study_name for s in get_storage(storage).get_all_studies()]


__all__ = [
    "StudySummary",
    "copy_study",
    "create_study",
    "delete_study",
    "get_all_study_names",
    "get_all_study_summaries",
    "load_study",
]
