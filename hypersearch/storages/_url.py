"""URL -> SQL storage."""

from __future__ import annotations

from hypersearch.storages._base import BaseStorage


def storage_from_url(url: str) -> BaseStorage:
    """Open the SQL storage a URL names: ``sqlite:///file.db``, ``postgresql://...``, ``mysql+pymysql://...``."""
    from hypersearch.storages._sql import SQLStorage

    return SQLStorage(url)
