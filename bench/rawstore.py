"""Append-only JSON-lines store of raw runs, so long suites can resume after interruption."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

Record = dict[str, Any]


def _clean(obj: Any) -> Any:
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item"):  # numpy scalar
        return _clean(obj.item())
    return obj


class RawStore:
    """Records keyed by ``key_fields``; later records with the same key win."""

    def __init__(self, path: Path, key_fields: Iterable[str], fresh: bool = False) -> None:
        self.path = path
        self.key_fields = tuple(key_fields)
        if fresh and path.exists():
            path.unlink()
        self.records: dict[tuple[Any, ...], Record] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    rec = json.loads(line)
                    self.records[self.key(rec)] = rec

    def key(self, rec: Record) -> tuple[Any, ...]:
        return tuple(rec.get(f) for f in self.key_fields)

    def has(self, **fields: Any) -> bool:
        rec = self.records.get(self.key(fields))
        return rec is not None and rec.get("status") == "ok"

    def add(self, rec: Record) -> None:
        rec = _clean(rec)
        self.records[self.key(rec)] = rec
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(rec) + "\n")

    def select(self, **fields: Any) -> list[Record]:
        return [r for r in self.records.values() if all(r.get(k) == v for k, v in fields.items())]
