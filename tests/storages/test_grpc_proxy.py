"""GrpcStorageProxy against the storage conformance suite, through a real gRPC server."""

from __future__ import annotations

import pickle

import pytest

import hypersearch as hs
from hypersearch.exceptions import DuplicatedStudyError, StorageError, StudyNotFoundError
from hypersearch.storages import GrpcStorageProxy, InMemoryStorage, RDBStorage
from hypersearch.storages._grpc import make_grpc_server
from hypersearch.testing.storage import StorageSuite


class TestGrpcProxy(StorageSuite):
    @pytest.fixture
    def storage(self):
        served = InMemoryStorage()
        grpc_server, port = make_grpc_server(served, "127.0.0.1", 0)
        grpc_server.start()
        proxy = GrpcStorageProxy(host="127.0.0.1", port=port)
        yield proxy
        proxy.close()
        grpc_server.stop(grace=None)


def test_workers_share_a_sqlite_study_through_the_proxy(tmp_path):
    served = RDBStorage(f"sqlite:///{tmp_path / 'p.db'}")
    grpc_server, port = make_grpc_server(served, "127.0.0.1", 0)
    grpc_server.start()
    try:
        proxy = GrpcStorageProxy(host="127.0.0.1", port=port)
        study = hs.create_study(storage=proxy, study_name="s", directions=["minimize", "maximize"])
        study.optimize(
            lambda t: (t.suggest_float("x", 0, 1), t.suggest_int("n", 1, 9)), 8, n_jobs=2
        )
        again = pickle.loads(pickle.dumps(proxy))
        assert len(hs.load_study(study_name="s", storage=again).trials) == 8
        assert len(hs.load_study(study_name="s", storage=served).best_trials) >= 1
        with pytest.raises(DuplicatedStudyError):
            hs.create_study(storage=proxy, study_name="s")
        with pytest.raises(StudyNotFoundError):
            hs.load_study(study_name="missing", storage=proxy)
    finally:
        grpc_server.stop(grace=None)
    with pytest.raises(StorageError, match="did not answer"):
        proxy.get_all_studies()
