"""Upload and download artifacts of a trial or a study; their metadata lives in system attributes.

The metadata of an artifact is the system attribute ``artifacts:<id>`` of its
trial (or study), a JSON text ``{"artifact_id", "filename", "mimetype",
"encoding"}``, the form Optuna writes, so that studies migrated from Optuna
keep their artifacts' metadata.
"""

from __future__ import annotations

import json
import mimetypes
import os
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from hypersearch import _keys
from hypersearch.artifacts._store import ArtifactStore, check_artifact_id
from hypersearch.storages._base import BaseStorage
from hypersearch.trial._frozen import FrozenTrial

ARTIFACTS_ATTR_PREFIX = _keys.ARTIFACTS_PREFIX


@dataclass(frozen=True)
class ArtifactMeta:
    """What is known of an uploaded artifact."""

    artifact_id: str
    filename: str
    mimetype: str
    encoding: str | None


def _target(study_or_trial: Any, storage: BaseStorage | None) -> tuple[BaseStorage, str, int]:
    """(storage, "trial" or "study", id) of a Trial, FrozenTrial or Study."""
    if isinstance(study_or_trial, FrozenTrial):
        if storage is None:
            raise ValueError("storage is required with a FrozenTrial.")
        return storage, "trial", study_or_trial.trial_id
    own = getattr(study_or_trial, "_storage", None)
    if own is None:
        raise TypeError(
            f"study_or_trial must be a Trial, FrozenTrial or Study, got {study_or_trial!r}."
        )
    if hasattr(study_or_trial, "_trial_id"):
        return storage or own, "trial", study_or_trial._trial_id
    return storage or own, "study", study_or_trial._study_id


def upload_artifact(
    *,
    artifact_store: ArtifactStore,
    file_path: str,
    study_or_trial: Any,
    storage: BaseStorage | None = None,
    mimetype: str | None = None,
    encoding: str | None = None,
) -> str:
    """Store a file as an artifact of a trial or a study; its artifact id.

    Args:
        artifact_store: Where the bytes go, e.g. a :class:`FileSystemArtifactStore`.
        file_path: The file to upload.
        study_or_trial: A running ``Trial``, a ``FrozenTrial`` (then ``storage``
            is required) or a ``Study``.
        storage: The storage of ``study_or_trial`` (default: its own).
        mimetype: Default: guessed from the file name.
        encoding: Default: guessed from the file name.
    """
    if not os.path.isfile(file_path):
        raise FileNotFoundError(f"file_path {file_path!r} is not a file.")
    target_storage, kind, target_id = _target(study_or_trial, storage)
    artifact_id = str(uuid.uuid4())
    filename = os.path.basename(file_path)
    guessed_type, guessed_encoding = mimetypes.guess_type(filename)
    meta = ArtifactMeta(
        artifact_id=artifact_id,
        filename=filename,
        mimetype=mimetype or guessed_type or "application/octet-stream",
        encoding=encoding or guessed_encoding,
    )
    with open(file_path, "rb") as body:
        artifact_store.write(artifact_id, body)  # the bytes first: no metadata without them
    key, value = ARTIFACTS_ATTR_PREFIX + artifact_id, json.dumps(asdict(meta))
    if kind == "trial":
        target_storage.set_trial_system_attr(target_id, key, value)
    else:
        target_storage.set_study_system_attr(target_id, key, value)
    return artifact_id


def download_artifact(*, artifact_store: ArtifactStore, file_path: str, artifact_id: str) -> None:
    """Write the artifact ``artifact_id`` to ``file_path`` (which must not exist yet)."""
    check_artifact_id(artifact_id)
    if os.path.exists(file_path):
        raise FileExistsError(f"file_path {file_path!r} exists already; it is left unchanged.")
    with artifact_store.open_reader(artifact_id) as reader, open(file_path, "xb") as out:
        while chunk := reader.read(1 << 20):
            out.write(chunk)


def get_all_artifact_meta(
    study_or_trial: Any, *, storage: BaseStorage | None = None
) -> list[ArtifactMeta]:
    """The metadata of every artifact uploaded to a trial or a study, in upload order."""
    if isinstance(study_or_trial, FrozenTrial):
        attrs = study_or_trial.system_attrs
    else:
        target_storage, kind, target_id = _target(study_or_trial, storage)
        if kind == "trial":
            attrs = target_storage.get_trial(target_id).system_attrs
        else:
            attrs = target_storage.get_study_system_attrs(target_id)
    metas = []
    for key, value in attrs.items():
        if key.startswith(ARTIFACTS_ATTR_PREFIX):
            data = json.loads(value) if isinstance(value, str) else value
            metas.append(ArtifactMeta(**data))
    return metas
