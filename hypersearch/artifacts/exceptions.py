"""Artifact errors (Optuna's ``optuna.artifacts.exceptions``)."""

from __future__ import annotations

from hypersearch.artifacts._store import ArtifactNotFound

__all__ = ["ArtifactNotFound"]
