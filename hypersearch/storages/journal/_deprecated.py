"""Optuna's older journal names under ``hypersearch.storages`` (deprecated in Optuna 4.0).

They work as the new ones do and warn as Optuna does, naming the new name.
"""

from __future__ import annotations

import warnings
from typing import Any

from hypersearch.storages.journal._backend import BaseJournalBackend, JournalFileBackend
from hypersearch.storages.journal._locks import JournalFileOpenLock as _OpenLock
from hypersearch.storages.journal._locks import JournalFileSymlinkLock as _SymlinkLock


def _warn(old: str, new: str, what: str = "") -> None:
    warnings.warn(
        f"{what}{old} has been deprecated in v4.0.0. This feature will be removed in v6.0.0. "
        f"See https://github.com/optuna/optuna/releases/tag/v4.0.0. Use {new} instead.",
        FutureWarning,
        stacklevel=3,
    )


class JournalFileStorage(JournalFileBackend):
    """Deprecated name of :class:`~hypersearch.storages.journal.JournalFileBackend`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _warn("JournalFileStorage", "hypersearch.storages.journal.JournalFileBackend")
        super().__init__(*args, **kwargs)


class JournalFileOpenLock(_OpenLock):
    """Deprecated import path of :class:`~hypersearch.storages.journal.JournalFileOpenLock`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _warn(
            "hypersearch.storages.JournalFileOpenLock",
            "hypersearch.storages.journal.JournalFileOpenLock",
            "The import path ",
        )
        super().__init__(*args, **kwargs)


class JournalFileSymlinkLock(_SymlinkLock):
    """Deprecated import path of :class:`~hypersearch.storages.journal.JournalFileSymlinkLock`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _warn(
            "hypersearch.storages.JournalFileSymlinkLock",
            "hypersearch.storages.journal.JournalFileSymlinkLock",
            "The import path ",
        )
        super().__init__(*args, **kwargs)


#: Deprecated name of :class:`~hypersearch.storages.journal.BaseJournalBackend`.
BaseJournalLogStorage = BaseJournalBackend
