"""Backoff: retry a flaky artifact store's calls with exponentially growing pauses."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import BinaryIO, TypeVar

from hypersearch import logging as hs_logging
from hypersearch.artifacts._store import ArtifactNotFound, ArtifactStore

_logger = hs_logging.get_logger(__name__)
_T = TypeVar("_T")


class Backoff:
    """Wraps a store: a failed call is retried after ``min_delay * multiplier**k`` seconds.

    A missing artifact (:class:`ArtifactNotFound`) is an answer, not a failure: it
    is raised at once. After ``max_retries`` retries the last error is raised.

    Example::

        store = Backoff(Boto3ArtifactStore("my-bucket"), max_retries=5)
    """

    def __init__(
        self,
        backend: ArtifactStore,
        *,
        max_retries: int = 10,
        multiplier: float = 2,
        min_delay: float = 0.1,
        max_delay: float = 30,
    ) -> None:
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {max_retries}.")
        if not 0 <= min_delay <= max_delay:
            raise ValueError(
                f"Need 0 <= min_delay <= max_delay, got min_delay={min_delay}, "
                f"max_delay={max_delay}."
            )
        if multiplier < 1:
            raise ValueError(f"multiplier must be >= 1, got {multiplier}.")
        self._backend = backend
        self._max_retries = max_retries
        self._multiplier = multiplier
        self._min_delay = min_delay
        self._max_delay = max_delay

    def __repr__(self) -> str:
        return f"Backoff({self._backend!r}, max_retries={self._max_retries})"

    def _call(self, what: str, call: Callable[[], _T]) -> _T:
        for attempt in range(self._max_retries + 1):
            try:
                return call()
            except ArtifactNotFound:
                raise
            except Exception as err:
                if attempt == self._max_retries:
                    raise
                delay = min(self._min_delay * self._multiplier**attempt, self._max_delay)
                _logger.info(f"Artifact {what} failed ({err!r}); retrying in {delay:.2g} s.")
                time.sleep(delay)
        raise AssertionError("unreachable")

    def open_reader(self, artifact_id: str) -> BinaryIO:
        return self._call(
            f"read of {artifact_id!r}", lambda: self._backend.open_reader(artifact_id)
        )

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        start = content_body.tell() if content_body.seekable() else None

        def write_from_start() -> None:
            if start is not None:
                content_body.seek(start)
            self._backend.write(artifact_id, content_body)

        self._call(f"write of {artifact_id!r}", write_from_start)

    def remove(self, artifact_id: str) -> None:
        self._call(f"removal of {artifact_id!r}", lambda: self._backend.remove(artifact_id))
