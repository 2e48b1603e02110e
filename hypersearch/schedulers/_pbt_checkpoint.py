"""Checkpoints kept in the study's storage (no shared folder needed between machines)."""

from __future__ import annotations

import base64
from pathlib import Path

from hypersearch import _keys
from hypersearch.schedulers._checkpoint import CheckpointStore
from hypersearch.storages._base import BaseStorage

CHECKPOINT_KEY = _keys.CHECKPOINT


class StorageCheckpointStore(CheckpointStore):
    """Checkpoints as study system attributes (``"checkpoint:<number>"``, base64) in the storage.

    Processes that share an SQL storage then share checkpoints too, with no
    shared folder. Bytes only (``folder`` is None), and every byte travels
    through the database and a load reads all of the study's kept checkpoints
    (at most two per member): use it for small states (up to about a MB);
    prefer a directory :class:`CheckpointStore` for large models. A deleted
    checkpoint leaves its key with the value None.

    Args:
        storage: The storage of the studies whose trials hold the checkpoints.
    """

    def __init__(self, storage: BaseStorage) -> None:
        super().__init__(None)
        self._storage = storage

    def _study_id(self, study_name: str) -> int:
        return self._storage.get_study_id_from_name(study_name)

    def _folder(self, study_name: str, number: int) -> Path | None:
        return None

    def _save(self, study_name: str, number: int, data: bytes) -> None:
        encoded = base64.b64encode(data).decode("ascii")
        self._storage.set_study_system_attr(
            self._study_id(study_name), _keys.checkpoint_key(number), encoded
        )

    def _load(self, study_name: str, number: int) -> bytes | None:
        attrs = self._storage.get_study_system_attrs(self._study_id(study_name))
        encoded = attrs.get(_keys.checkpoint_key(number))
        return None if encoded is None else base64.b64decode(encoded)

    def copy(self, study_name: str, source: int, target: int) -> bool:
        data = self._load(study_name, source)
        if data is None:
            return False
        self._save(study_name, target, data)
        return True

    def delete(self, study_name: str, number: int) -> None:
        key = _keys.checkpoint_key(number)
        if self._storage.get_study_system_attrs(self._study_id(study_name)).get(key) is not None:
            self._storage.set_study_system_attr(self._study_id(study_name), key, None)

    def exists(self, study_name: str, number: int) -> bool:
        return self._load(study_name, number) is not None
