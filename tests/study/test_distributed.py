"""Studies shared by processes: executors, CLI workers, heartbeats, a chaos test."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import hypersearch as hs
from hypersearch.storages import RetryFailedTrialCallback, SQLStorage
from hypersearch.study._run_trial import reap_stale_trials as _reap_stale_trials

OBJECTIVE = """
import time

def objective(trial):
    x = trial.suggest_float("x", -1, 1)
    time.sleep({sleep})
    return x * x
"""


def quick_objective(trial):
    return trial.suggest_float("x", -1, 1) ** 2


def _worker_env() -> dict[str, str]:
    root = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH", "")
    return {
        **os.environ,
        "PYTHONPATH": root + (os.pathsep + path if path else ""),
        "OMP_NUM_THREADS": "1",
    }


def _objective_file(tmp_path: Path, sleep: float) -> str:
    path = tmp_path / "objective.py"
    path.write_text(OBJECTIVE.format(sleep=sleep))
    return f"{path}:objective"


def test_process_executor_runs_exact_count(tmp_path):
    url = f"sqlite:///{tmp_path / 'proc.db'}"
    study = hs.create_study(storage=url, sampler=hs.samplers.RandomSampler(seed=0))
    study.optimize(quick_objective, n_trials=30, n_jobs=2, executor="process")
    trials = study.trials
    assert len(trials) == 30 and all(t.state == hs.TrialState.COMPLETE for t in trials)
    assert len({t.params["x"] for t in trials}) == 30  # reseeded workers draw different points


def test_dask_local_cluster_executor(tmp_path):
    import distributed

    url = f"sqlite:///{tmp_path / 'dask.db'}"
    study = hs.create_study(storage=url, sampler=hs.samplers.RandomSampler(seed=0))
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        study.optimize(quick_objective, n_trials=20, n_jobs=2, executor=client)
    assert [t.state for t in study.trials].count(hs.TrialState.COMPLETE) == 20


def test_cli_workers_share_a_study(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    hs.create_study(study_name="shared", storage=url)
    spec = _objective_file(tmp_path, 0.0)
    cmd = [
        sys.executable,
        "-m",
        "hypersearch",
        "-q",
        "worker",
        "--storage",
        url,
        "--study-name",
        "shared",
        "--objective",
        spec,
        "--n-trials",
        "15",
        "--sampler",
        "random",
    ]
    workers = [subprocess.Popen(cmd, env=_worker_env()) for _ in range(2)]
    assert [w.wait(120) for w in workers] == [0, 0]
    study = hs.load_study(study_name="shared", storage=url)
    assert len(study.trials) == 30 and sorted(t.number for t in study.trials) == list(range(30))
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "hypersearch",
            "summary",
            "--storage",
            url,
            "--study-name",
            "shared",
        ],
        capture_output=True,
        text=True,
        env=_worker_env(),
        check=True,
    ).stdout
    assert "Budget: 30 trials (30 complete" in out


def test_heartbeats_do_not_fail_live_trials(tmp_path):
    """A slow trial keeps beating while another worker reaps: no false positive.

    The grace is 10 heartbeats, so a loaded machine (the heartbeat thread waiting for the
    GIL or the SQLite lock) does not pass for a dead worker; the trial lasts two graces.
    """
    grace = 1.0
    url = f"sqlite:///{tmp_path / 'live.db'}"
    storage = SQLStorage(url, heartbeat_interval=0.1, grace_period=grace)
    study = hs.create_study(storage=storage, sampler=hs.samplers.RandomSampler(seed=0))
    stop = threading.Event()
    reaped: list[int] = []

    def reaper():
        other = hs.load_study(
            study_name=study.study_name,
            storage=SQLStorage(url, heartbeat_interval=0.1, grace_period=grace),
        )
        while not stop.is_set():
            reaped.extend(other._storage.fail_stale_trials(other._study_id, grace_period=grace))
            time.sleep(0.05)

    def slow(trial):
        x = trial.suggest_float("x", 0, 1)
        end = time.monotonic() + 2 * grace
        while time.monotonic() < end:  # busy Python code holding the GIL in slices
            sum(range(10_000))
        return x

    thread = threading.Thread(target=reaper)
    thread.start()
    try:
        study.optimize(slow, n_trials=2)
    finally:
        stop.set()
        thread.join()
    assert reaped == []
    assert [t.state for t in study.trials] == [hs.TrialState.COMPLETE] * 2


def test_dead_worker_trial_is_failed_and_retried_with_same_params(tmp_path):
    url = f"sqlite:///{tmp_path / 'dead.db'}"
    hs.create_study(study_name="s", storage=url)
    spec = _objective_file(tmp_path, 60.0)  # hangs until killed
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hypersearch",
            "-q",
            "worker",
            "--storage",
            url,
            "--study-name",
            "s",
            "--objective",
            spec,
            "--n-trials",
            "1",
            "--heartbeat-interval",
            "0.1",
            "--grace-period",
            "0.6",
        ],
        env=_worker_env(),
    )
    storage = SQLStorage(
        url,
        heartbeat_interval=0.1,
        grace_period=0.6,
        failed_trial_callback=RetryFailedTrialCallback(max_retry=1),
    )
    study = hs.load_study(study_name="s", storage=storage)
    deadline = time.monotonic() + 60
    while not study.trials or "x" not in study.trials[0].params:
        assert time.monotonic() < deadline, "worker never started its trial"
        time.sleep(0.05)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(30)
    time.sleep(0.8)
    study.optimize(quick_objective, n_trials=1)  # reaps, then runs the queued retry
    first, retry = study.trials[:2]
    assert first.state == hs.TrialState.FAIL and "heartbeat" in first.system_attrs["fail_reason"]
    assert retry.state == hs.TrialState.COMPLETE and retry.params == first.params
    assert retry.system_attrs["retried_from"] == first.number


def test_chaos_sigkilled_workers_lose_nothing(tmp_path):
    """4 workers, one SIGKILLed and restarted about every 0.3 s, until 500 trials complete."""
    target = 500
    url = f"sqlite:///{tmp_path / 'chaos.db'}"
    hs.create_study(study_name="chaos", storage=url)
    spec = _objective_file(tmp_path, 0.03)
    cmd = [
        sys.executable,
        "-m",
        "hypersearch",
        "-q",
        "worker",
        "--storage",
        url,
        "--study-name",
        "chaos",
        "--objective",
        spec,
        "--sampler",
        "random",
        "--max-trials",
        str(target),
        "--heartbeat-interval",
        "0.2",
        "--grace-period",
        "1.0",
        "--retry-failed",
        "5",
    ]
    env = _worker_env()
    workers = [subprocess.Popen(cmd, env=env) for _ in range(4)]
    storage = SQLStorage(
        url,
        heartbeat_interval=0.2,
        grace_period=1.0,
        failed_trial_callback=RetryFailedTrialCallback(max_retry=5),
    )
    study = hs.load_study(study_name="chaos", storage=storage)
    rng = random.Random(0)
    kills = 0
    deadline = time.monotonic() + 240
    last_done = 0
    try:
        while (done := study.history.count(hs.TrialState.COMPLETE)) < target:
            assert time.monotonic() < deadline, "the study stopped making progress"
            time.sleep(0.3)
            if done == last_done:
                continue  # a loaded machine: let the workers get going before the next kill
            last_done = done
            i = rng.randrange(4)
            if workers[i].poll() is None:
                workers[i].send_signal(signal.SIGKILL)
                workers[i].wait(30)
                kills += 1
            workers[i] = subprocess.Popen(cmd, env=env)
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
            w.wait(30)
    time.sleep(1.2)
    _reap_stale_trials(study)  # the last killed workers' trials
    trials = study.trials
    states = [t.state for t in trials]
    assert kills >= 5
    assert states.count(hs.TrialState.COMPLETE) >= target
    assert hs.TrialState.RUNNING not in states
    assert sorted(t.number for t in trials) == list(range(len(trials)))
    retried_from = {t.system_attrs.get("retried_from") for t in trials}
    for t in trials:
        if t.state == hs.TrialState.FAIL and "x" in t.params:
            assert t.number in retried_from, f"killed trial {t.number} was not retried"
    for t in trials:
        if t.state == hs.TrialState.COMPLETE:
            assert t.value == pytest.approx(t.params["x"] ** 2)
