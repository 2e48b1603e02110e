"""URL -> SQL storage (the SQL backends are not built yet)."""

from __future__ import annotations

from hypersearch.storages._base import BaseStorage


def storage_from_url(url: str) -> BaseStorage:
    raise NotImplementedError(f"SQL storages are not available yet; cannot open {url!r}.")
