"""Journal storage pieces (Optuna's names): backends that hold the operation log, and file locks.

``JournalStorage`` itself is in :mod:`hypersearch.storages`::

    from hypersearch.storages import JournalStorage
    from hypersearch.storages.journal import JournalFileBackend

    storage = JournalStorage(JournalFileBackend("./journal.log"))
"""

from __future__ import annotations

from hypersearch.storages.journal._backend import BaseJournalBackend, JournalFileBackend
from hypersearch.storages.journal._locks import (
    BaseJournalFileLock,
    JournalFileOpenLock,
    JournalFileSymlinkLock,
)
from hypersearch.storages.journal._redis import JournalRedisBackend
from hypersearch.storages.journal._storage import JournalStorage

__all__ = [
    "BaseJournalBackend",
    "BaseJournalFileLock",
    "JournalFileBackend",
    "JournalFileOpenLock",
    "JournalFileSymlinkLock",
    "JournalRedisBackend",
    "JournalStorage",
]
