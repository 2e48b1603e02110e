"""Small helpers shared by the SQL storage's modules."""

from __future__ import annotations

import json
from typing import Any


class Rollback(Exception):
    """Raised inside a transaction body to roll back and return ``result``."""

    def __init__(self, result: Any) -> None:
        self.result = result


def rollback(result: Any = False) -> Any:
    raise Rollback(result)


def dumps(value: Any) -> str:
    """JSON text as stored: NaN and infinities allowed, non-ASCII kept."""
    return json.dumps(value, allow_nan=True, ensure_ascii=False)
