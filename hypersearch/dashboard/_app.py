"""The ASGI application: routes, the page, static files, the Host check and JSON errors."""

from __future__ import annotations

import logging
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

import hypersearch
from hypersearch.dashboard import _api, _artifacts, _writes
from hypersearch.dashboard._assets import PlotlyJs, plotly_js_path
from hypersearch.dashboard._cache import StudyCache
from hypersearch.exceptions import (
    ReadOnlyStorageError,
    StorageError,
    StudyNotFoundError,
    TrialNotFoundError,
    UpdateFinishedTrialError,
)
from hypersearch.storages._base import BaseStorage

STATIC = Path(__file__).parent / "static"
_log = logging.getLogger("hypersearch.dashboard")
#: No inline script may run; plotly's WebGL traces (parallel coordinates) compile with eval.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'"
)
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class HostCheck:
    """Refuse requests whose Host header is not this server's (DNS rebinding), add safety headers."""

    def __init__(self, app: ASGIApp, hosts: tuple[str, ...] | None) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.hosts is not None:
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            name = name.strip("[]").lower()
            if name not in self.hosts:
                response = JSONResponse(
                    {"error": f"Host {host!r} is not served here.", "status": 400}, 400
                )
                await response(scope, receive, send)
                return

        # API answers are never stored; the page's files are revalidated (ETag: a 304), unless
        # the response says how long it keeps (plotly.js at its versioned address)
        caching = b"no-store" if scope["path"].startswith("/api/") else b"no-cache"
        started = time.perf_counter()

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                # the server's time to the answer, shown to the page (PerformanceResourceTiming)
                took = (time.perf_counter() - started) * 1000.0
                headers.append((b"server-timing", f"app;dur={took:.1f}".encode()))
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append((b"cache-control", caching))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                ]
            await send(message)

        await self.app(scope, receive, with_headers)


def _lost_database(err: Exception) -> bool:
    """A database driver's connection error (psycopg, PyMySQL), raised once retries ran out."""
    module = type(err).__module__.split(".")[0]
    names = {c.__name__ for c in type(err).__mro__}
    return module in ("psycopg", "psycopg2", "pymysql") and bool(
        names & {"OperationalError", "InterfaceError"}
    )


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status)


def _handlers() -> dict[Any, Any]:
    async def api_error(request: Request, err: Exception) -> Response:
        assert isinstance(err, _api.ApiError)
        return _error(err.status, err.message)

    async def http_error(request: Request, err: Exception) -> Response:
        assert isinstance(err, HTTPException)
        return _error(err.status_code, str(err.detail))

    async def not_found(request: Request, err: Exception) -> Response:
        return _error(404, str(err).strip("'\""))

    async def conflict(request: Request, err: Exception) -> Response:
        return _error(409, str(err))

    async def forbidden(request: Request, err: Exception) -> Response:
        return _error(403, str(err))

    async def unavailable(request: Request, err: Exception) -> Response:
        _log.warning("storage unavailable: %s", err)
        return _error(503, f"The storage is not available: {err}")

    async def internal(request: Request, err: Exception) -> Response:
        if _lost_database(err):  # a PostgreSQL / MySQL server that went away: 503, not 500
            return await unavailable(request, err)
        _log.exception("dashboard error on %s", request.url.path)
        return _error(500, f"Internal error ({type(err).__name__}); see the server's log.")

    return {
        _api.ApiError: api_error,
        HTTPException: http_error,
        StudyNotFoundError: not_found,
        TrialNotFoundError: not_found,
        UpdateFinishedTrialError: conflict,
        ReadOnlyStorageError: forbidden,
        StorageError: unavailable,
        sqlite3.Error: unavailable,
        OSError: unavailable,
        Exception: internal,
    }


def _routes(token: str, plotly_js: PlotlyJs) -> list[Any]:
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    page = page.replace("{{TOKEN}}", token).replace("{{PLOTLY}}", plotly_js.url)

    def index(request: Request) -> Response:
        return Response(page, media_type="text/html; charset=utf-8")

    s, n = "/api/studies/{study_id:int}", "/trials/{number:int}"
    return [
        Route("/", index),
        Route("/plotly.min.js", plotly_js.respond),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route("/api/info", _api.info),
        Route("/api/studies", _api.studies),
        Route("/api/compare", _api.compare),
        Route(s, _api.study),
        Route(s + "/delta", _api.delta),
        Route(s + "/trials", _api.trials),
        Route(s + n, _api.trial),
        Route(s + n + "/artifacts/{artifact_id}", _api.artifact),
        Route(s + "/plots/{name}", _api.plot),
        Route(s + "/diagnostics", _api.diagnostics),
        Route(s + "/note", _writes.study_note, methods=["POST"]),
        Route(s + n + "/note", _writes.trial_note, methods=["POST"]),
        Route(s + n + "/tell", _writes.tell, methods=["POST"]),
        Route(s + n + "/fail", _writes.fail, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


def create_app(
    storage: BaseStorage,
    *,
    allow_writes: bool = False,
    hosts: tuple[str, ...] | None = LOCAL_HOSTS,
    warm_up: bool = True,
    storage_name: str = "",
    artifact_store: Any = None,
) -> Starlette:
    """The dashboard's ASGI app over ``storage`` (see :func:`hypersearch.dashboard.run`).

    Args:
        storage: Where the studies are; open it read-only unless ``allow_writes``.
        allow_writes: Accept the write endpoints (notes, tell, fail).
        hosts: Host header names served (None: any, for a server bound to all interfaces).
        warm_up: Read every study's history in a background thread at start-up.
        storage_name: Shown in the page's header (a URL without its password).
        artifact_store: Where the trials' artifacts are (an ``ArtifactStore`` or a
            directory): the trial detail offers them for download. None: listed only.
    """
    token = secrets.token_urlsafe(32)
    plotly_js = PlotlyJs(plotly_js_path())
    app = Starlette(routes=_routes(token, plotly_js), exception_handlers=_handlers())
    app.state.cache = StudyCache(storage)
    app.state.allow_writes = bool(allow_writes)
    app.state.artifact_store = _artifacts.open_store(artifact_store)
    app.state.token = token
    app.state.epoch = secrets.token_hex(8)
    app.state.storage_name = storage_name or type(storage).__name__
    app.state.package_version = hypersearch.__version__
    # compressed before the first page asks for it (~0.3 s of CPU)
    threading.Thread(
        target=plotly_js.body, args=(True,), name="dashboard-gzip", daemon=True
    ).start()
    if warm_up:
        threading.Thread(
            target=app.state.cache.warm_up, name="dashboard-warm-up", daemon=True
        ).start()
    app.add_middleware(HostCheck, hosts=hosts)  # type: ignore[arg-type]
    return app
