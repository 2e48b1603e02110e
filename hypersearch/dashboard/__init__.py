"""A live web dashboard of a storage's studies: ``hypersearch dashboard STORAGE_URL``.

An ASGI app (Starlette, served by uvicorn: the ``dashboard`` extra) with a JSON
API and one page whose JavaScript lives in ``static/``; plotly.js is served from
the installed ``plotly`` package, so the page works offline. The storage opens
read-only unless ``allow_writes``; the page polls ``/api/studies/<id>/delta``
with the version it holds and gets only the trials changed since.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hypersearch.dashboard._serve import open_storage, run

if TYPE_CHECKING:
    from hypersearch.dashboard._app import create_app


def __getattr__(name: str) -> Any:
    if name == "create_app":  # starlette loads with the app, not with this package
        from hypersearch.dashboard._app import create_app

        return create_app
    raise AttributeError(f"module 'hypersearch.dashboard' has no attribute {name!r}")


__all__ = ["create_app", "open_storage", "run"]
