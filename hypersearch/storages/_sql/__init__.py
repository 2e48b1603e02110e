"""SQL storage: SQLite, PostgreSQL and MySQL/MariaDB through one code path."""

from __future__ import annotations

from hypersearch.storages._sql._database import upgrade_storage
from hypersearch.storages._sql._schema import SCHEMA_VERSION, upgrade_schema
from hypersearch.storages._sql._storage import SQLStorage

__all__ = ["SCHEMA_VERSION", "SQLStorage", "upgrade_schema", "upgrade_storage"]
