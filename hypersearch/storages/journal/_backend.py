"""Journal backends: an ordered log of JSON records that several processes append to.

:class:`JournalFileBackend` keeps the log in one file, one record per line::

    <crc32 of the JSON, 8 hex digits> <JSON>\\n

The first line is a header naming the format, so a file that is not a journal
is never appended to. Appends take an exclusive lock (``flock`` on the file by
default) and are one ``write`` on an ``O_APPEND`` descriptor; reads take the
shared lock and consume only whole lines. A writer killed in the middle of a
write leaves a *torn* line: the next writer first ends it with a newline, and
every reader skips it, since its checksum does not match. Its operation was
never acknowledged, so skipping it loses nothing.
"""

from __future__ import annotations

import abc
import fcntl
import json
import os
import threading
import zlib
from collections.abc import Iterable
from typing import Any

from hypersearch.exceptions import StorageError
from hypersearch.storages.journal._locks import BaseJournalFileLock

HEADER = {"format": "hypersearch-journal", "version": 1}
_READ_CHUNK = 1 << 22


class BaseJournalBackend(abc.ABC):
    """An append-only, totally ordered log of JSON-serialisable dicts."""

    @abc.abstractmethod
    def read_logs(self, log_number_from: int) -> Iterable[dict[str, Any]]:
        """The records numbered ``log_number_from`` and after (the first record is number 0)."""

    @abc.abstractmethod
    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        """Append ``logs`` after every record appended before, atomically as a group."""


def encode_line(record: dict[str, Any]) -> bytes:
    """One framed line: checksum, space, JSON (ASCII), newline."""
    body = json.dumps(record, allow_nan=True, separators=(",", ":")).encode("ascii")
    return b"%08x %s\n" % (zlib.crc32(body), body)


HEADER_LINE = encode_line(HEADER)


def decode_line(line: bytes) -> dict[str, Any] | None:
    """The record of a line without its newline; None for a torn or damaged line."""
    if len(line) < 10 or line[8:9] != b" ":
        return None
    body = line[9:]
    try:
        if int(line[:8], 16) != zlib.crc32(body):
            return None
        record = json.loads(body)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


class JournalFileBackend(BaseJournalBackend):
    """A journal in one file that processes on one machine (or on NFS) share.

    Args:
        file_path: The log file; created when missing.
        lock_obj: A lock for file systems whose ``flock`` is unreliable
            (:class:`~hypersearch.storages.journal.JournalFileOpenLock`,
            :class:`~hypersearch.storages.journal.JournalFileSymlinkLock`);
            None: ``flock`` on the log file.
        durable: ``fsync`` every append before it returns (as Optuna's backend
            does). The default is safe from process crashes (a record is in
            the kernel once ``write`` returns) but an OS crash or power loss may
            lose the last records; ``fsync`` costs a disk flush per change.

    Raises:
        StorageError: ``file_path`` exists but is not a hypersearch journal
            (it is left unchanged).
    """

    def __init__(
        self,
        file_path: str,
        lock_obj: BaseJournalFileLock | None = None,
        *,
        durable: bool = False,
    ) -> None:
        self._path = os.fspath(file_path)
        self._lock_obj = lock_obj
        self._durable = bool(durable)
        self._reset()
        self._check_header(self._fd())

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self._path, "lock_obj": self._lock_obj, "durable": self._durable}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._path, self._lock_obj = state["path"], state["lock_obj"]
        self._durable = state["durable"]
        self._reset()

    def __repr__(self) -> str:
        return f"JournalFileBackend({self._path!r})"

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._handle: int | None = None
        self._offset = 0  # bytes consumed
        self._next_number = 0  # the number of the record at _offset
        self._thread_lock = threading.Lock()

    def _fd(self) -> int:
        if self._pid != os.getpid():  # forked: a flock is per open file, so reopen
            self._reset()
        if self._handle is None:
            self._handle = os.open(self._path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        return self._handle

    def close(self) -> None:
        """Close the file (the backend reopens it when used again)."""
        if self._handle is not None and self._pid == os.getpid():
            os.close(self._handle)
        self._handle = None

    # -- locking ---------------------------------------------------------------------
    def _lock(self, fd: int, exclusive: bool) -> None:
        if self._lock_obj is not None:
            self._lock_obj.acquire()
        else:
            fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)

    def _unlock(self, fd: int) -> None:
        if self._lock_obj is not None:
            self._lock_obj.release()
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def _check_header(self, fd: int) -> None:
        first = os.pread(fd, len(HEADER_LINE), 0)
        # The header, or a torn one (a writer killed in its very first write).
        if not first or first == HEADER_LINE or HEADER_LINE.startswith(first.split(b"\n")[0]):
            return
        hint = ""
        if first.startswith(b'{"op_code"'):
            hint = (
                " but an Optuna journal; copy its studies with `hypersearch migrate "
                f"--from-optuna {self._path} --to URL`"
            )
        raise StorageError(
            f"{self._path!r} is not a hypersearch journal file{hint}: it starts with "
            f"{first[:40]!r}. hypersearch does not write to it."
        )

    # -- appending ---------------------------------------------------------------------
    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        payload = b"".join(encode_line(record) for record in logs)
        with self._thread_lock:
            fd = self._fd()
            self._lock(fd, exclusive=True)
            try:
                size = os.fstat(fd).st_size
                if size == 0:
                    payload = HEADER_LINE + payload
                elif os.pread(fd, 1, size - 1) != b"\n":
                    # End a torn line left by a killed writer (its very first: the header).
                    torn_header = size < len(HEADER_LINE)
                    payload = b"\n" + (HEADER_LINE if torn_header else b"") + payload
                view = memoryview(payload)
                while view:
                    view = view[os.write(fd, view) :]
                if self._durable:
                    os.fsync(fd)
            finally:
                self._unlock(fd)

    # -- reading -----------------------------------------------------------------------
    def read_logs(self, log_number_from: int) -> list[dict[str, Any]]:
        with self._thread_lock:
            fd = self._fd()
            if log_number_from < self._next_number:
                self._offset, self._next_number = 0, 0  # asked to go back: read again
            if os.fstat(fd).st_size <= self._offset:
                return []
            self._lock(fd, exclusive=False)
            try:
                data = self._read_rest(fd)
            finally:
                self._unlock(fd)
            return self._consume(data, log_number_from)

    def _read_rest(self, fd: int) -> bytes:
        chunks: list[bytes] = []
        offset = self._offset
        while True:
            chunk = os.pread(fd, _READ_CHUNK, offset)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            offset += len(chunk)

    def _consume(self, data: bytes, log_number_from: int) -> list[dict[str, Any]]:
        end = data.rfind(b"\n") + 1  # a line still being written (or torn) waits
        records = []
        for line in data[:end].split(b"\n")[:-1]:
            record = decode_line(line)
            self._offset += len(line) + 1
            if record is None or record == HEADER:  # torn, or the header
                continue
            if self._next_number >= log_number_from:
                records.append(record)
            self._next_number += 1
        return records
