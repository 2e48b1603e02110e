"""Sessions: one ``optimize`` (or ``reevaluate``) call, in one process, recorded in the study.

A study often grows over several sessions (a first run, a resumed one, workers
on other machines). Each session writes one study system attribute
``"study:session:<id>"`` when it starts and again when it ends: its start and
end times, process, host, ``n_jobs`` and ``devices``. Sessions of different
processes write different keys, so they never overwrite each other. A session
whose end is missing is running, or its process died.
"""

from __future__ import annotations

import datetime
import os
import socket
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypersearch import _keys
from hypersearch import logging as hs_logging

if TYPE_CHECKING:
    from hypersearch.study._study import Study

PREFIX = _keys.SESSION_PREFIX
_logger = hs_logging.get_logger(__name__)


@dataclass(frozen=True)
class Session:
    """One ``optimize`` / ``reevaluate`` call.

    Attributes:
        id: Its key in the study (``study:session:<id>``).
        kind: "optimize" or "reevaluate".
        start, end: Its wall-clock span (``end`` None: running, or its process died).
        n_jobs: The workers it ran.
        devices: The devices each of its trials held, or None.
        host, pid: Where it ran.
    """

    id: str
    kind: str
    start: datetime.datetime
    end: datetime.datetime | None
    n_jobs: int
    devices: float | None
    host: str
    pid: int

    @property
    def wall_time(self) -> datetime.timedelta:
        """From start to end (to now while it runs)."""
        end = self.end if self.end is not None else datetime.datetime.now()
        return max(end - self.start, datetime.timedelta())


def _parse(key: str, record: Any) -> Session | None:
    if not isinstance(record, Mapping) or not isinstance(record.get("start"), str):
        return None
    end = record.get("end")
    devices = record.get("devices")
    return Session(
        id=key[len(PREFIX) :],
        kind=str(record.get("kind", "optimize")),
        start=datetime.datetime.fromisoformat(record["start"]),
        end=datetime.datetime.fromisoformat(end) if isinstance(end, str) else None,
        n_jobs=int(record.get("n_jobs", 1)),
        devices=float(devices) if isinstance(devices, (int, float)) else None,
        host=str(record.get("host", "")),
        pid=int(record.get("pid", 0)),
    )


def sessions_of(system_attrs: Mapping[str, Any]) -> list[Session]:
    """The study's sessions, oldest first."""
    found = [_parse(k, v) for k, v in system_attrs.items() if k.startswith(PREFIX)]
    return sorted((s for s in found if s is not None), key=lambda s: s.start)


@contextmanager
def recorded_session(
    study: Study, *, n_jobs: int, devices: float | None, kind: str = "optimize"
) -> Iterator[str]:
    """Record a session around the block (its start now, its end when the block exits)."""
    key = f"{PREFIX}{uuid.uuid4().hex[:12]}"
    record: dict[str, Any] = {
        "kind": kind,
        "start": datetime.datetime.now().isoformat(),
        "end": None,
        "n_jobs": n_jobs,
        "devices": devices,
        "host": socket.gethostname(),
        "pid": os.getpid(),
    }
    study.set_system_attr(key, record)
    try:
        yield key
    finally:
        record["end"] = datetime.datetime.now().isoformat()
        try:
            study.set_system_attr(key, record)
        except Exception as err:  # never hide what ended the block
            _logger.warning(f"Could not record the end of session {key}: {err}")
