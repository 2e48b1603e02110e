"""A Dask cluster that goes away mid-study: the error surfaces, finished trials stay stored."""

from __future__ import annotations

import concurrent.futures
import itertools
import threading
import time

import pytest
from dask.distributed import Client, LocalCluster

import hypersearch as hs
from hypersearch.exceptions import WorkerLostError


def slow_objective(trial):
    time.sleep(0.02)
    return trial.suggest_float("x", 0.0, 1.0)


def test_cluster_closed_mid_study_keeps_finished_trials(tmp_path):
    url = f"sqlite:///{tmp_path / 'dask.db'}"
    study = hs.create_study(storage=url, sampler=hs.samplers.TPESampler(seed=0))
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None)
    client = Client(cluster)
    closer = threading.Thread(target=lambda: (_wait_for_trials(url, study, 5), cluster.close()))
    closer.start()
    try:
        with pytest.raises(WorkerLostError, match="COMPLETE.*run optimize again"):
            study.optimize(slow_objective, n_trials=100_000, n_jobs=1, executor=client)
    finally:
        closer.join()
        client.close()
    stored = hs.load_study(study_name=study.study_name, storage=url).trials
    done = [t for t in stored if t.state == hs.TrialState.COMPLETE]
    assert len(done) >= 5 and all(t.value == t.params["x"] for t in done)
    assert all(t.state in (hs.TrialState.COMPLETE, hs.TrialState.RUNNING) for t in stored)
    assert sum(t.state == hs.TrialState.RUNNING for t in stored) <= 1


def _wait_for_trials(url, study, n):
    deadline = time.monotonic() + 60
    loaded = hs.load_study(study_name=study.study_name, storage=url)
    while time.monotonic() < deadline:
        if len(loaded.get_trials(states=(hs.TrialState.COMPLETE,))) >= n:
            return
        time.sleep(0.1)


class _RetryingExecutor(concurrent.futures.ThreadPoolExecutor):
    """Runs each task, then once more, as a cluster does when a worker was lost after a while."""

    def submit(self, fn, /, *args, **kwargs):
        def twice():
            fn(*args, **kwargs)
            return fn(*args, **kwargs)

        # Not a ThreadPoolExecutor to the study: it must treat it as a foreign executor.
        return concurrent.futures.ThreadPoolExecutor.submit(self, twice)


class _Foreign:
    def __init__(self) -> None:
        self._pool = _RetryingExecutor(max_workers=2)

    def submit(self, fn, /, *args, **kwargs):
        return self._pool.submit(fn, *args, **kwargs)


def test_a_task_run_again_resumes_its_share_instead_of_repeating_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'retry.db'}"
    study = hs.create_study(storage=url, sampler=hs.samplers.RandomSampler(seed=0))
    counter = itertools.count()
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + next(counter) * 0, n_trials=7,
                   n_jobs=2, executor=_Foreign())  # fmt: skip
    assert len(study.trials) == 7
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3, n_jobs=2, executor=_Foreign())
    assert len(study.trials) == 10  # a second run has its own shares
