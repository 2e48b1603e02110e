"""Artifact stores: where uploaded files (checkpoints, models, plots) are kept, by artifact id."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from hypersearch.exceptions import HypersearchError

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class ArtifactNotFound(HypersearchError, FileNotFoundError):
    """No artifact is stored under the requested id."""


class ArtifactStore(Protocol):
    """What :func:`~hypersearch.artifacts.upload_artifact` needs of a store."""

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """A binary file object with the artifact's bytes (the caller closes it)."""
        ...

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """Store the bytes read from ``content_body`` under ``artifact_id``."""
        ...

    def remove(self, artifact_id: str) -> None:
        """Delete the artifact."""
        ...


def check_artifact_id(artifact_id: str) -> str:
    """``artifact_id`` if it is a plain file name (no path separators, no ``..``)."""
    if not isinstance(artifact_id, str) or not _ID.match(artifact_id) or ".." in artifact_id:
        raise ValueError(
            f"artifact_id must be a plain name of letters, digits, '.', '_' and '-', "
            f"got {artifact_id!r}."
        )
    return artifact_id


class FileSystemArtifactStore:
    """Artifacts as files in one directory (a local disk or a shared file system).

    A write goes to a temporary file that is renamed into place, so a crash
    never leaves a half-written artifact.

    Args:
        base_path: The directory; it must exist.

    Example::

        store = FileSystemArtifactStore("./artifacts")
        artifact_id = upload_artifact(
            artifact_store=store, file_path="model.pt", study_or_trial=trial
        )
    """

    def __init__(self, base_path: str | Path) -> None:
        self._base_path = Path(base_path)
        if not self._base_path.is_dir():
            raise ValueError(f"base_path {str(base_path)!r} is not an existing directory.")

    def __repr__(self) -> str:
        return f"FileSystemArtifactStore({str(self._base_path)!r})"

    def _path(self, artifact_id: str) -> Path:
        return self._base_path / check_artifact_id(artifact_id)

    def open_reader(self, artifact_id: str) -> BinaryIO:
        try:
            return open(self._path(artifact_id), "rb")
        except FileNotFoundError:
            raise ArtifactNotFound(
                f"No artifact {artifact_id!r} in {str(self._base_path)!r}."
            ) from None

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        target = self._path(artifact_id)
        fd, temporary = tempfile.mkstemp(dir=self._base_path, prefix=f".{artifact_id}.")
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(content_body, out)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def remove(self, artifact_id: str) -> None:
        try:
            os.remove(self._path(artifact_id))
        except FileNotFoundError:
            raise ArtifactNotFound(
                f"No artifact {artifact_id!r} in {str(self._base_path)!r}."
            ) from None
