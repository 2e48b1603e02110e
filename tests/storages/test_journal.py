"""JournalStorage with JournalFileBackend: the conformance suite, processes sharing one log, torn writes."""

from __future__ import annotations

import multiprocessing
import os

import pytest

import hypersearch as hs
from hypersearch.exceptions import StorageError
from hypersearch.storages import JournalStorage
from hypersearch.storages.journal import (
    JournalFileBackend,
    JournalFileOpenLock,
    JournalFileSymlinkLock,
)
from hypersearch.testing.storage import StorageSuite
from hypersearch.trial import TrialState


class TestJournalFile(StorageSuite):
    """Each check also runs through a second storage object on the same file."""

    @pytest.fixture
    def storage(self, tmp_path):
        self._path = str(tmp_path / "journal.log")
        self._others: list[JournalStorage] = []
        storage = JournalStorage(JournalFileBackend(self._path))
        yield storage
        storage.close()
        for other in self._others:
            other.close()

    def other_handle(self, storage):
        other = JournalStorage(JournalFileBackend(self._path))
        self._others.append(other)
        return other


class TestJournalOpenLock(TestJournalFile):
    @pytest.fixture
    def storage(self, tmp_path):
        self._path = str(tmp_path / "journal.log")
        self._others = []
        storage = JournalStorage(JournalFileBackend(self._path, JournalFileOpenLock(self._path)))
        yield storage
        storage.close()


def _worker(path: str, n_trials: int) -> None:
    storage = JournalStorage(JournalFileBackend(path))
    study = hs.load_study(study_name="shared", storage=storage)
    study.optimize(lambda t: t.suggest_float("x", 0, 1) ** 2, n_trials=n_trials)


def test_processes_share_one_journal(tmp_path):
    path = str(tmp_path / "journal.log")
    hs.create_study(study_name="shared", storage=JournalStorage(JournalFileBackend(path)))
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_worker, args=(path, 40)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    study = hs.load_study(study_name="shared", storage=JournalStorage(JournalFileBackend(path)))
    trials = study.get_trials(deepcopy=False)
    assert sorted(t.number for t in trials) == list(range(160))  # none lost, none twice
    assert all(t.state == TrialState.COMPLETE and "x" in t.params for t in trials)
    assert len({t.trial_id for t in trials}) == 160


def _journal_with_trials(path: str, n: int) -> None:
    study = hs.create_study(study_name="s", storage=JournalStorage(JournalFileBackend(path)))
    study.optimize(lambda t: t.suggest_int("k", 0, 9), n_trials=n)


def test_torn_write_is_skipped_and_later_records_are_kept(tmp_path):
    path = str(tmp_path / "journal.log")
    _journal_with_trials(path, 3)
    with open(path, "ab") as log:  # a writer killed halfway through its record
        log.write(b'1234abcd {"op":"create_trial","w":"x","n":1,"t":"2024-01-01T00:')
    storage = JournalStorage(JournalFileBackend(path))
    study = hs.load_study(study_name="s", storage=storage)
    assert len(study.trials) == 3
    study.optimize(lambda t: t.suggest_int("k", 0, 9), n_trials=2)
    fresh = hs.load_study(study_name="s", storage=JournalStorage(JournalFileBackend(path)))
    assert [t.number for t in fresh.trials] == [0, 1, 2, 3, 4]
    assert all(t.state == TrialState.COMPLETE for t in fresh.trials)


def test_record_damaged_on_disk_is_skipped(tmp_path):
    path = str(tmp_path / "journal.log")
    _journal_with_trials(path, 2)
    with open(path, "rb") as log:
        data = log.read()
    lines = data.split(b"\n")
    last = max(i for i, line in enumerate(lines) if b'"op":"state"' in line)  # the last finish
    assert last >= len(lines) - 3  # only the session's end record may follow it
    lines[last] = lines[last].replace(b'"op":"state"', b'"op":"stAte"')  # one flipped bit
    with open(path, "wb") as log:
        log.write(b"\n".join(lines))
    study = hs.load_study(study_name="s", storage=JournalStorage(JournalFileBackend(path)))
    assert [t.state for t in study.trials][0] == TrialState.COMPLETE
    assert len(study.trials) == 2  # the damaged record (the last finish) was dropped
    assert study.trials[1].state == TrialState.RUNNING


def test_foreign_file_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b'{"op_code": 0, "worker_id": "abc"}\n')
    with pytest.raises(StorageError, match="Optuna journal"):
        JournalFileBackend(str(path))
    assert path.read_bytes() == b'{"op_code": 0, "worker_id": "abc"}\n'


def test_symlink_lock_and_pickled_storage(tmp_path):
    import pickle

    path = str(tmp_path / "journal.log")
    storage = JournalStorage(JournalFileBackend(path, JournalFileSymlinkLock(path), durable=True))
    study = hs.create_study(study_name="s", storage=storage)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    copy = pickle.loads(pickle.dumps(storage))
    assert copy._backend._durable
    assert len(hs.load_study(study_name="s", storage=copy).trials) == 3
    assert not os.path.lexists(path + ".lock")


def test_stale_lock_file_is_broken(tmp_path):
    path = str(tmp_path / "journal.log")
    lock = JournalFileOpenLock(path, grace_period=0.05)
    open(path + ".lock", "w").close()  # left by a killed process
    os.utime(path + ".lock", (0, 0))
    storage = JournalStorage(JournalFileBackend(path, lock))
    hs.create_study(study_name="s", storage=storage)
    assert hs.get_all_study_names(storage) == ["s"]


def test_optuna_4_deprecated_names_warn_and_work(tmp_path):
    path = str(tmp_path / "journal.log")
    with pytest.warns(FutureWarning, match="JournalFileStorage has been deprecated in v4.0.0"):
        backend = hs.storages.JournalFileStorage(path)
    with pytest.warns(FutureWarning, match="storages.journal.JournalFileOpenLock instead"):
        lock = hs.storages.JournalFileOpenLock(path)
    assert isinstance(backend, JournalFileBackend)
    assert hs.storages.BaseJournalLogStorage is hs.storages.journal.BaseJournalBackend
    storage = JournalStorage(hs.storages.journal.JournalFileBackend(path, lock))
    hs.create_study(study_name="s", storage=storage).optimize(
        lambda t: t.suggest_int("k", 0, 3), n_trials=2
    )
    assert len(hs.load_study(study_name="s", storage=JournalStorage(backend)).trials) == 2
