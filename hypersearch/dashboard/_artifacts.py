"""A trial's artifacts: listed in its detail, their bytes served read-only from the store.

Only an artifact whose metadata the trial holds (system attribute
``artifacts:<id>``) is served, under an id that is a plain file name (never a
path), always as an attachment (an uploaded HTML file is saved, never rendered
in the dashboard's origin), with the content type its metadata names.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import StreamingResponse

from hypersearch import _keys

if TYPE_CHECKING:
    from hypersearch.artifacts import ArtifactStore
    from hypersearch.trial._frozen import FrozenTrial

#: A media type as ``type/subtype`` (parameters such as ``charset`` are dropped).
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$")
_CHUNK = 1 << 16


class ArtifactError(Exception):
    """An artifact request that cannot be served: its HTTP status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def open_store(store: str | Path | ArtifactStore | None) -> ArtifactStore | None:
    """A directory opens as a :class:`FileSystemArtifactStore`; a store is kept as it is."""
    if store is None or not isinstance(store, (str, Path)):
        return store
    from hypersearch.artifacts import FileSystemArtifactStore

    return FileSystemArtifactStore(store)


def metas(trial: FrozenTrial) -> dict[str, dict[str, Any]]:
    """The trial's artifacts by id: filename, mimetype and encoding (as uploaded)."""
    out: dict[str, dict[str, Any]] = {}
    for key, value in trial.system_attrs.items():
        if not key.startswith(_keys.ARTIFACTS_PREFIX):
            continue
        try:
            data = json.loads(value) if isinstance(value, str) else dict(value)
        except (ValueError, TypeError):
            data = {}
        artifact_id = key[len(_keys.ARTIFACTS_PREFIX) :]
        out[artifact_id] = {
            "artifact_id": artifact_id,
            "filename": str(data.get("filename") or artifact_id),
            "mimetype": str(data.get("mimetype") or "application/octet-stream"),
            "encoding": data.get("encoding"),
        }
    return out


def listing(trial: FrozenTrial, base: str, served: bool) -> list[dict[str, Any]]:
    """The detail view's list; ``url`` is None when the server has no artifact store."""
    return [
        {**meta, "url": f"{base}/artifacts/{urllib.parse.quote(aid, safe='')}" if served else None}
        for aid, meta in metas(trial).items()
    ]


def media_type(mimetype: str) -> str:
    """The metadata's type if it is a plain ``type/subtype``; else ``application/octet-stream``."""
    main = mimetype.split(";", 1)[0].strip()
    return main if _MEDIA_TYPE.match(main) else "application/octet-stream"


def disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact one (RFC 6266 / 5987)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1] or "artifact"
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]", "_", name)
    quoted = urllib.parse.quote(name, safe="")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quoted}"


def response(store: ArtifactStore | None, trial: FrozenTrial, artifact_id: str) -> Any:
    """The artifact's bytes, streamed; ArtifactError (404) when there is nothing to serve."""
    if store is None:
        raise ArtifactError(
            404, "This dashboard serves no artifacts: start it with --artifact-dir DIRECTORY."
        )
    meta = metas(trial).get(artifact_id)
    if meta is None:
        raise ArtifactError(404, f"Trial {trial.number} has no artifact {artifact_id!r}.")
    from hypersearch.artifacts._store import check_artifact_id

    try:
        check_artifact_id(artifact_id)
        reader = store.open_reader(artifact_id)
    except ValueError as err:
        raise ArtifactError(400, str(err)) from None
    except FileNotFoundError:  # ArtifactNotFound, or a store's own
        raise ArtifactError(
            404, f"Artifact {artifact_id!r} is listed but its store has no such file."
        ) from None
    return StreamingResponse(
        _chunks(reader),
        media_type=media_type(meta["mimetype"]),
        headers={"content-disposition": disposition(meta["filename"])},
    )


def _chunks(reader: Any) -> Iterator[bytes]:
    with reader:
        while chunk := reader.read(_CHUNK):
            yield chunk


def store_of(request: Request) -> ArtifactStore | None:
    return request.app.state.artifact_store
