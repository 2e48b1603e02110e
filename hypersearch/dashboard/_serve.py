"""Open the storage (read-only unless writes are allowed) and serve the app with uvicorn."""

from __future__ import annotations

import os
from typing import Any

from hypersearch.exceptions import StorageError
from hypersearch.storages._base import BaseStorage

_SQL_SCHEMES = ("sqlite", "postgresql", "postgres", "mysql", "mariadb")
#: Seconds a read retries a lost connection before the API answers 503 (the page retries).
READ_TIMEOUT = 3.0


def open_storage(storage: str | BaseStorage, *, allow_writes: bool = False) -> BaseStorage:
    """A storage for the dashboard: a URL opens read-only (no lock, never migrated) unless writes.

    An SQL URL opens :class:`~hypersearch.storages.SQLStorage`; a path to an existing
    file opens it as a journal. An Optuna database raises ForeignDatabaseError, which
    names ``hypersearch migrate``; a missing SQLite file raises StorageError.
    """
    if isinstance(storage, BaseStorage):
        return storage
    if not isinstance(storage, str):
        raise TypeError(f"storage must be a URL or a BaseStorage, got {storage!r}.")
    scheme = storage.split(":", 1)[0].split("+", 1)[0].lower()
    if scheme in _SQL_SCHEMES:
        from hypersearch.storages import SQLStorage

        _refuse_missing_sqlite(storage)
        return SQLStorage(storage, timeout=READ_TIMEOUT, read_only=not allow_writes)
    if os.path.isfile(storage):
        from hypersearch.storages.journal import JournalFileBackend, JournalStorage

        return JournalStorage(JournalFileBackend(storage))
    raise ValueError(
        f"Unknown storage {storage!r}: give an SQL URL (sqlite:///file.db, postgresql://...) "
        "or the path of a journal file."
    )


def _refuse_missing_sqlite(url: str) -> None:
    if url.lower().startswith("sqlite:///"):
        path = url[len("sqlite:///") :].partition("?")[0]
        if path not in ("", ":memory:") and not os.path.exists(path):
            raise StorageError(f"No SQLite database at {path!r}; the dashboard creates none.")


def run(
    storage: str | BaseStorage,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    allow_writes: bool = False,
    artifact_store: Any = None,
    **uvicorn_options: Any,
) -> None:
    """Serve the dashboard of ``storage`` at ``http://host:port/`` until interrupted.

    Args:
        storage: A storage URL (opened read-only unless ``allow_writes``) or a storage.
        host: The interface to bind; the default serves this machine only.
        port: The TCP port.
        allow_writes: Let the page write notes, tell WAITING trials and fail stuck ones.
        artifact_store: The trials' artifacts (a directory or an ``ArtifactStore``), served
            read-only for download from a trial's detail.
        uvicorn_options: Passed on to ``uvicorn.run`` (``log_level``, ...).
    """
    try:
        import uvicorn
    except ImportError:
        raise RuntimeError(
            "The dashboard needs uvicorn and starlette: pip install 'hypersearch[dashboard]'."
        ) from None
    from hypersearch.dashboard._app import LOCAL_HOSTS, create_app
    from hypersearch.storages._foreign import redact_url

    opened = open_storage(storage, allow_writes=allow_writes)
    name = redact_url(storage) if isinstance(storage, str) else type(storage).__name__
    # a page may only name this server: DNS-rebinding sites are refused (any name on 0.0.0.0)
    hosts = None if host in ("0.0.0.0", "::") else tuple(dict.fromkeys((host, *LOCAL_HOSTS)))
    app = create_app(
        opened,
        allow_writes=allow_writes,
        hosts=hosts,
        storage_name=name,
        artifact_store=artifact_store,
    )
    uvicorn_options.setdefault("log_level", "warning")
    print(f"hypersearch dashboard of {name}: http://{_shown(host)}:{port}/", flush=True)
    if host not in LOCAL_HOSTS:
        mode = "change" if allow_writes else "read"
        print(
            f"Warning: bound to {host}: whoever reaches this port can {mode} the studies.",
            flush=True,
        )
    uvicorn.run(app, host=host, port=port, **uvicorn_options)


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host else host
