"""SQL storage: SQLite, PostgreSQL and MySQL/MariaDB through one code path.

The modules, from the bottom up:

* ``_dialects``: the few ways the servers differ; ``_schema``: tables, versions, upgrades.
* ``_database``: connections, fork safety, retries, transactions (``_gate`` and
  ``_checkpoint`` for a shared SQLite file).
* ``_codec``: rows <-> ``FrozenTrial`` / ``StudyRecord``; ``_step_value``: reports as text.
* ``_studies``: study rows; ``_writes``: trial rows as this process writes them,
  the transaction path and the one write plan (``_single``: the quick writes,
  ``_staged``: parameters written with the next write, ``_live``: running trials);
  ``_reads``: trial reads; ``_reaper``: heartbeats and stale trials.
* ``_storage``: :class:`SQLStorage`, the storage contract on top of them.
"""

from __future__ import annotations

from hypersearch.storages._sql._database import upgrade_storage
from hypersearch.storages._sql._schema import SCHEMA_VERSION, upgrade_schema
from hypersearch.storages._sql._storage import SQLStorage

__all__ = ["SCHEMA_VERSION", "SQLStorage", "upgrade_schema", "upgrade_storage"]
