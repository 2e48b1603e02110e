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


def test_finish_seq_moves_on_finishing_only():
    import hypersearch as hs

    storage = InMemoryStorage()
    study = hs.create_study(storage=storage)
    first = study.finish_seq()
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    trial.report(1.0, 0)
    assert study.finish_seq() == first  # params and reports do not finish anything
    study.tell(trial, 1.0)
    told = study.finish_seq()
    assert told != first
    study.add_trial(hs.create_trial(value=2.0))
    assert study.finish_seq() != told  # a trial created finished counts too
    added = study.finish_seq()
    study.enqueue_trial({"x": 0.5})  # a WAITING trial: nothing finished
    assert study.finish_seq() == added
