"""JournalRedisBackend against the real Redis server on 127.0.0.1:6379."""

from __future__ import annotations

import pickle
import uuid
from collections.abc import Iterator

import pytest
import redis

import hypersearch as hs
from hypersearch.exceptions import StorageError
from hypersearch.storages import JournalStorage
from hypersearch.storages.journal import JournalRedisBackend

URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def prefix() -> Iterator[str]:
    name = f"hs-test-{uuid.uuid4().hex[:8]}"
    yield name
    client = redis.Redis.from_url(URL)
    client.delete(*(client.keys(f"{name}*") or [f"{name}:none"]))


def test_two_backends_share_one_journal_and_pickle(prefix):
    study = hs.create_study(storage=JournalStorage(JournalRedisBackend(URL, prefix=prefix)))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=6, n_jobs=2)
    other = pickle.loads(pickle.dumps(JournalRedisBackend(URL, prefix=prefix)))
    loaded = hs.load_study(study_name=study.study_name, storage=JournalStorage(other))
    assert [t.params for t in loaded.trials] == [t.params for t in study.trials]
    assert len(loaded.trials) == 6 and all(t.state.name == "COMPLETE" for t in loaded.trials)


def test_records_read_from_a_log_number(prefix):
    backend = JournalRedisBackend(URL, prefix=prefix)
    backend.append_logs([{"op": "a"}, {"op": "b"}])
    backend.append_logs([{"op": "c"}])
    assert [r["op"] for r in backend.read_logs(1)] == ["b", "c"]
    assert backend.read_logs(3) == []


def test_a_key_that_is_not_a_journal_is_left_alone(prefix):
    client = redis.Redis.from_url(URL)
    client.set(f"{prefix}:hypersearch-journal", "user data")
    with pytest.raises(StorageError, match="not a hypersearch journal"):
        JournalRedisBackend(URL, prefix=prefix)
    assert client.get(f"{prefix}:hypersearch-journal") == b"user data"
    client.set(f"{prefix}2:log_number", 3)  # an Optuna journal under that prefix
    with pytest.raises(StorageError, match="Optuna journal"):
        JournalRedisBackend(URL, prefix=f"{prefix}2")
    assert not client.exists(f"{prefix}2:hypersearch-journal")


def test_deprecated_name_warns(prefix):
    from hypersearch.storages import JournalRedisStorage

    with pytest.warns(FutureWarning, match="JournalRedisBackend"):
        JournalRedisStorage(URL, prefix=prefix)
