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
    """JSON text as stored: NaN and infinities allowed, non-ASCII kept.

    Text that cannot be UTF-8 (a lone surrogate such as ``"\\udc80"``) is
    written with ASCII escapes instead, which read back as the same string.
    """
    text = json.dumps(value, allow_nan=True, ensure_ascii=False)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return json.dumps(value, allow_nan=True)
    return text
