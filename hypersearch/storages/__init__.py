"""Storages: where studies live. ``get_storage`` turns None or a URL into one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hypersearch._lazy import load_export
from hypersearch.storages._base import BaseStorage, StudyRecord
from hypersearch.storages._heartbeat import (
    Heartbeat,
    RetryFailedTrialCallback,
    RetryHeartbeatStaleTrialCallback,
    fail_stale_trials,
)
from hypersearch.storages._in_memory import InMemoryStorage

if TYPE_CHECKING:
    from hypersearch.storages._grpc import GrpcStorageProxy, run_grpc_proxy_server
    from hypersearch.storages._json_io import export_json, import_json
    from hypersearch.storages._optuna import migrate_from_optuna
    from hypersearch.storages._rdb import RDBStorage
    from hypersearch.storages._sql import SQLStorage, upgrade_storage
    from hypersearch.storages.journal import JournalStorage
    from hypersearch.storages.journal._deprecated import (
        BaseJournalLogStorage,
        JournalFileOpenLock,
        JournalFileStorage,
        JournalFileSymlinkLock,
    )
    from hypersearch.storages.journal._redis import JournalRedisStorage

# The SQL and journal backends and the JSON tools load on first use: `import hypersearch`
# stays fast.
_LAZY = {
    "BaseJournalLogStorage": "journal._deprecated",
    "JournalFileOpenLock": "journal._deprecated",
    "JournalFileStorage": "journal._deprecated",
    "JournalFileSymlinkLock": "journal._deprecated",
    "GrpcStorageProxy": "_grpc",
    "run_grpc_proxy_server": "_grpc",
    "JournalRedisStorage": "journal._redis",
    "JournalStorage": "journal",
    "RDBStorage": "_rdb",
    "SQLStorage": "_sql",
    "upgrade_storage": "_sql",
    "export_json": "_json_io",
    "import_json": "_json_io",
    "migrate_from_optuna": "_optuna",
}


def __getattr__(name: str) -> Any:
    if name == "journal":
        import importlib

        return importlib.import_module(f"{__name__}.journal")
    return load_export(__name__, _LAZY, name)


def get_storage(storage: str | BaseStorage | None) -> BaseStorage:
    """None -> a new in-memory storage; a storage -> itself; a URL -> its backend.

    ``sqlite:///file.db?mode=ro`` (``mode=ro`` on any SQL URL) opens it read-only.
    """
    if storage is None:
        return InMemoryStorage()
    if isinstance(storage, BaseStorage):
        return storage
    if isinstance(storage, str):
        scheme = storage.split(":", 1)[0].split("+", 1)[0].lower()
        if scheme in ("sqlite", "postgresql", "postgres", "mysql", "mariadb"):
            from hypersearch.storages._url import storage_from_url

            return storage_from_url(storage)
        raise ValueError(
            f"Unknown storage URL {storage!r}; use sqlite:///file.db, postgresql://..., "
            "mysql+pymysql://..., or None for memory."
        )
    raise TypeError(f"storage must be None, a URL string or a BaseStorage, got {storage!r}.")


__all__ = [
    "RetryFailedTrialCallback",
    "RetryHeartbeatStaleTrialCallback",
    "BaseStorage",
    "GrpcStorageProxy",
    "Heartbeat",
    "InMemoryStorage",
    "BaseJournalLogStorage",
    "JournalFileOpenLock",
    "JournalFileStorage",
    "JournalFileSymlinkLock",
    "JournalRedisStorage",
    "JournalStorage",
    "RDBStorage",
    "SQLStorage",
    "StudyRecord",
    "export_json",
    "fail_stale_trials",
    "get_storage",
    "import_json",
    "migrate_from_optuna",
    "run_grpc_proxy_server",
    "upgrade_storage",
]
