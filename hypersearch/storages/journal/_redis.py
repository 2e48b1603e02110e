"""JournalRedisBackend: the journal in a Redis list, for workers that share a Redis server.

The log is one list, ``<prefix>:hypersearch-journal``. Its first element is a
header naming the format, so a key that holds something else is never appended
to; record ``n`` is element ``n + 1``. A group of records is one ``RPUSH``,
which Redis applies atomically, so every reader sees the same order.
"""

from __future__ import annotations

import json
from typing import Any

from hypersearch.exceptions import StorageError
from hypersearch.storages.journal._backend import HEADER, BaseJournalBackend

_HEADER_TEXT = json.dumps(HEADER, sort_keys=True)
# Create the list with its header unless the key exists; answer the first element.
_OPEN_SCRIPT = """
if redis.call('exists', KEYS[1]) == 0 then redis.call('rpush', KEYS[1], ARGV[1]) end
if redis.call('type', KEYS[1]).ok ~= 'list' then return false end
return redis.call('lindex', KEYS[1], 0)
"""


def _connect(url: str, use_cluster: bool) -> Any:
    try:
        import redis
    except ImportError as err:
        raise ImportError(
            "JournalRedisBackend needs the redis package: pip install 'hypersearch[redis]'."
        ) from err
    if use_cluster:
        return redis.cluster.RedisCluster.from_url(url)
    return redis.Redis.from_url(url)


class JournalRedisBackend(BaseJournalBackend):
    """A journal kept in Redis (Optuna's name and arguments).

    Args:
        url: The server, e.g. ``redis://localhost:6379/0``.
        use_cluster: Connect to a Redis Cluster.
        prefix: Prefix of the key, to keep several journals on one server.
    """

    def __init__(self, url: str, use_cluster: bool = False, prefix: str = "") -> None:
        self._url = url
        self._use_cluster = use_cluster
        self._prefix = prefix
        self._key = f"{prefix}:hypersearch-journal"
        self._redis = _connect(url, use_cluster)
        self._check_key()

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_redis"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._redis = _connect(self._url, self._use_cluster)

    def __repr__(self) -> str:
        return f"JournalRedisBackend({self._url!r}, prefix={self._prefix!r})"

    def _check_key(self) -> None:
        if self._redis.exists(f"{self._prefix}:log_number"):
            raise StorageError(
                f"Redis at {self._url} holds an Optuna journal under prefix {self._prefix!r}; "
                "hypersearch does not write into it. Use another prefix."
            )
        first = self._redis.eval(_OPEN_SCRIPT, 1, self._key, _HEADER_TEXT)
        if first is None or json.loads(first) != HEADER:
            raise StorageError(
                f"Redis key {self._key!r} at {self._url} is not a hypersearch journal; "
                "it is left untouched. Use another prefix."
            )

    def append_logs(self, logs: list[dict[str, Any]]) -> None:
        if logs:
            self._redis.rpush(self._key, *(json.dumps(log) for log in logs))

    def read_logs(self, log_number_from: int) -> list[dict[str, Any]]:
        raw = self._redis.lrange(self._key, max(log_number_from, 0) + 1, -1)
        return [json.loads(item) for item in raw]


class JournalRedisStorage(JournalRedisBackend):
    """Deprecated name of :class:`JournalRedisBackend` (deprecated in Optuna 4.0)."""

    def __init__(self, url: str, use_cluster: bool = False, prefix: str = "") -> None:
        from hypersearch.storages.journal._deprecated import _warn

        _warn("JournalRedisStorage", "hypersearch.storages.journal.JournalRedisBackend")
        super().__init__(url, use_cluster, prefix)
