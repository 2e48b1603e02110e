"""``RDBStorage``: Optuna's name and signature for hypersearch's SQL storage."""

from __future__ import annotations

from typing import Any

from hypersearch.storages._sql import SQLStorage

# SQLAlchemy engine and pool settings that have no counterpart here: the SQL storage
# keeps one plain DB-API connection per thread instead of a pool.
_POOL_KEYS = frozenset(
    {
        "pool_size",
        "max_overflow",
        "pool_recycle",
        "pool_pre_ping",
        "pool_timeout",
        "pool_reset_on_return",
        "pool_use_lifo",
        "poolclass",
        "echo",
        "echo_pool",
        "isolation_level",
        "future",
    }
)


def _timeout_from(engine_kwargs: dict[str, Any] | None) -> float | None:
    """``connect_args={"timeout": s}`` (SQLite's lock wait) from Optuna-style engine kwargs."""
    if engine_kwargs is None:
        return None
    if not isinstance(engine_kwargs, dict):
        raise TypeError(f"engine_kwargs must be a dict, got {engine_kwargs!r}.")
    unknown = set(engine_kwargs) - _POOL_KEYS - {"connect_args"}
    if unknown:
        raise ValueError(
            f"engine_kwargs {sorted(unknown)} are not supported (hypersearch uses no SQLAlchemy "
            f"engine); supported: connect_args={{'timeout': seconds}} and the pool settings "
            f"{sorted(_POOL_KEYS)}, which are accepted and have no effect."
        )
    connect_args = engine_kwargs.get("connect_args") or {}
    timeout = connect_args.get("timeout", connect_args.get("connect_timeout"))
    return None if timeout is None else float(timeout)


class RDBStorage(SQLStorage):
    """The SQL storage under Optuna's name and arguments (SQLite, PostgreSQL, MySQL).

    Args:
        url: ``sqlite:///file.db``, ``postgresql://...``, ``mysql+pymysql://...``.
        engine_kwargs: Optuna passes these to SQLAlchemy. Here
            ``connect_args={"timeout": seconds}`` sets how long a write waits for
            a lock; pool settings (``pool_size``, ``pool_pre_ping``, ...) are
            accepted and have no effect (one connection per thread, no pool).
        skip_compatibility_check: Accepted for compatibility; the schema version
            is always checked.
        heartbeat_interval: Seconds between heartbeats of a running trial.
        grace_period: Seconds without a heartbeat before a trial is failed.
        failed_trial_callback: ``callback(study, trial)`` for each trial failed
            as stale, e.g. :class:`~hypersearch.storages.RetryFailedTrialCallback`.
        heartbeat_stale_trial_callback: Optuna's older name of ``failed_trial_callback``.
        skip_table_creation: Accepted for compatibility; missing tables are made.
    """

    def __init__(
        self,
        url: str,
        engine_kwargs: dict[str, Any] | None = None,
        skip_compatibility_check: bool = False,
        *,
        heartbeat_interval: float | None = None,
        grace_period: float | None = None,
        failed_trial_callback: Any = None,
        heartbeat_stale_trial_callback: Any = None,
        skip_table_creation: bool = False,
    ) -> None:
        timeout = _timeout_from(engine_kwargs)
        super().__init__(
            url,
            timeout=60.0 if timeout is None else timeout,
            heartbeat_interval=heartbeat_interval,
            grace_period=grace_period,
            failed_trial_callback=failed_trial_callback or heartbeat_stale_trial_callback,
        )

    def __repr__(self) -> str:
        return f"RDBStorage({self.url!r})"

    # -- Optuna's schema-version calls, over hypersearch's own schema versions -----------
    def get_current_version(self) -> str:
        """The database's schema version, as a string (Optuna returns an Alembic revision)."""
        from hypersearch.storages._sql._schema import read_version

        found = self._db.run(lambda cur: read_version(cur, self._db.dialect), write=False)
        return str(found if found is not None else -1)

    def get_head_version(self) -> str:
        """The schema version this code writes."""
        from hypersearch.storages._sql import SCHEMA_VERSION

        return str(SCHEMA_VERSION)

    def get_all_versions(self) -> list[str]:
        """Every schema version, newest first."""
        from hypersearch.storages._sql import SCHEMA_VERSION

        return [str(v) for v in range(SCHEMA_VERSION, 0, -1)]

    def upgrade(self) -> None:
        """Migrate the database to this code's schema (``hypersearch storage upgrade``)."""
        self._db.upgrade_schema()
