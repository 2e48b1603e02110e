"""Checkpoints: where a paused trial keeps what it needs to resume."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

from hypersearch._pickling import FreshLocksOnPickle


class CheckpointStore(FreshLocksOnPickle):
    """Checkpoints by study name and trial number: in memory, or under a directory.

    Args:
        directory: Folder for the checkpoints (``<directory>/<study>/<number>/``);
            None keeps them in this process's memory.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self._directory = None if directory is None else Path(directory)
        self._memory: dict[tuple[str, int], bytes] = {}
        self._lock = threading.Lock()

    @property
    def directory(self) -> Path | None:
        """The folder holding the checkpoints (None: this process's memory)."""
        return self._directory

    def for_trial(self, study_name: str, number: int) -> Checkpoint:
        """Trial ``number``'s checkpoint in study ``study_name``."""
        return Checkpoint(self, study_name, number)

    def _folder(self, study_name: str, number: int) -> Path | None:
        if self._directory is None:
            return None
        folder = self._directory / study_name / str(number)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _save(self, study_name: str, number: int, data: bytes) -> None:
        folder = self._folder(study_name, number)
        if folder is None:
            with self._lock:
                self._memory[(study_name, number)] = bytes(data)
            return
        tmp = folder / "checkpoint.bin.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, folder / "checkpoint.bin")

    def copy(self, study_name: str, source: int, target: int) -> bool:
        """Copy trial ``source``'s checkpoint (bytes or whole folder) to trial ``target``.

        A copy, never a shared object: the target may change its own freely.
        Returns False (and copies nothing) when ``source`` has no checkpoint.
        """
        if self._directory is None:
            with self._lock:
                data = self._memory.get((study_name, source))
                if data is None:
                    return False
                self._memory[(study_name, target)] = data
            return True
        src = self._directory / study_name / str(source)
        if not src.is_dir() or not any(src.iterdir()):
            return False
        dst = self._directory / study_name / str(target)
        if dst.exists():
            shutil.rmtree(dst)
        tmp = self._directory / study_name / f".{target}.{os.getpid()}.{threading.get_ident()}.tmp"
        shutil.copytree(src, tmp)
        os.replace(tmp, dst)
        return True

    def delete(self, study_name: str, number: int) -> None:
        """Forget trial ``number``'s checkpoint (no error when there is none)."""
        if self._directory is None:
            with self._lock:
                self._memory.pop((study_name, number), None)
            return
        shutil.rmtree(self._directory / study_name / str(number), ignore_errors=True)

    def exists(self, study_name: str, number: int) -> bool:
        """Whether trial ``number`` has saved anything."""
        if self._directory is None:
            with self._lock:
                return (study_name, number) in self._memory
        folder = self._directory / study_name / str(number)
        return folder.is_dir() and any(folder.iterdir())

    def _load(self, study_name: str, number: int) -> bytes | None:
        folder = self._folder(study_name, number)
        if folder is None:
            with self._lock:
                return self._memory.get((study_name, number))
        path = folder / "checkpoint.bin"
        return path.read_bytes() if path.exists() else None


class Checkpoint:
    """One trial's checkpoint: ``save(bytes)`` / ``load()``, or a ``folder`` to fill.

    The scheduler attaches one to each trial it runs as ``trial.checkpoint``; a
    resumed trial loads what it saved before it paused.
    """

    def __init__(self, store: CheckpointStore, study_name: str, number: int) -> None:
        self._store = store
        self._study_name = study_name
        self._number = number

    def save(self, data: bytes) -> None:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, got {type(data).__name__}.")
        self._store._save(self._study_name, self._number, bytes(data))

    def load(self) -> bytes | None:
        """What the trial saved last, or None."""
        return self._store._load(self._study_name, self._number)

    @property
    def folder(self) -> Path | None:
        """A folder of the trial's own for frameworks that save directories (None in memory)."""
        return self._store._folder(self._study_name, self._number)
