"""InMemoryStorage against the storage conformance suite."""

from __future__ import annotations

import pytest

from hypersearch.storages import InMemoryStorage
from hypersearch.testing.storage import StorageSuite


class TestInMemory(StorageSuite):
    @pytest.fixture
    def storage(self):
        storage = InMemoryStorage()
        yield storage
        storage.close()
