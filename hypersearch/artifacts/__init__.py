"""Artifacts (Optuna's ``optuna.artifacts``): files such as checkpoints and models, kept per trial.

Example::

    import hypersearch as hs
    from hypersearch.artifacts import FileSystemArtifactStore, upload_artifact

    store = FileSystemArtifactStore("./artifacts")

    def objective(trial):
        ...
        torch.save(model.state_dict(), "model.pt")
        upload_artifact(artifact_store=store, file_path="model.pt", study_or_trial=trial)
        return loss

    # later: the best trial's model
    meta = hs.artifacts.get_all_artifact_meta(study.best_trial)[0]
    hs.artifacts.download_artifact(
        artifact_store=store, file_path="best.pt", artifact_id=meta.artifact_id
    )
"""

from __future__ import annotations

from hypersearch.artifacts import exceptions
from hypersearch.artifacts._backoff import Backoff
from hypersearch.artifacts._cloud import Boto3ArtifactStore, GCSArtifactStore
from hypersearch.artifacts._store import ArtifactNotFound, ArtifactStore, FileSystemArtifactStore
from hypersearch.artifacts._upload import (
    ArtifactMeta,
    download_artifact,
    get_all_artifact_meta,
    upload_artifact,
)

__all__ = [
    "ArtifactMeta",
    "ArtifactNotFound",
    "ArtifactStore",
    "Backoff",
    "Boto3ArtifactStore",
    "FileSystemArtifactStore",
    "GCSArtifactStore",
    "download_artifact",
    "exceptions",
    "get_all_artifact_meta",
    "upload_artifact",
]
