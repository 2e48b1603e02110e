"""A Dask cluster that goes away mid-study: the error surfaces, finished trials stay stored."""

from __future__ import annotations

import concurrent.futures
import threading
import time

import pytest
from dask.distributed import Client, LocalCluster

import hypersearch as hs


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
        with pytest.raises((concurrent.futures.CancelledError, OSError)):
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
