"""RayExecutor: trials as Ray tasks on a local cluster, sharing one SQLite study."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import ray

import hypersearch as hs
from hypersearch.exceptions import WorkerLostError
from hypersearch.integration import RayExecutor


def objective(trial):
    x = trial.suggest_float("x", -5.0, 5.0)
    for step in range(3):
        trial.report((x - 1.0) ** 2 + 1.0 / (step + 1), step)
        if trial.should_prune():
            raise hs.TrialPruned()
    return (x - 1.0) ** 2


def failing(trial):
    trial.suggest_float("x", 0.0, 1.0)
    raise ValueError("objective broke")


def crashing(trial):
    trial.suggest_float("x", 0.0, 1.0)
    if trial.number == 4:
        os._exit(3)  # the Ray worker process dies mid-trial
    return 1.0


def _study(tmp_path, **kwargs):
    return hs.create_study(storage=f"sqlite:///{tmp_path / 'ray.db'}", **kwargs)


@pytest.mark.parametrize(
    ("sampler", "pruner"),
    [
        (hs.samplers.TPESampler(seed=0, n_startup_trials=4), hs.pruners.MedianPruner()),
        (hs.samplers.CmaEsSampler(seed=0), hs.pruners.HyperbandPruner(max_resource=3)),
        (hs.samplers.QMCSampler(seed=0), hs.pruners.SuccessiveHalvingPruner()),
    ],
    ids=["tpe-median", "cmaes-hyperband", "qmc-sha"],
)
def test_trials_run_as_ray_tasks_exact_count_unique_numbers(local_ray, tmp_path, sampler, pruner):
    study = _study(tmp_path, sampler=sampler, pruner=pruner)
    executor = RayExecutor()
    study.optimize(objective, n_trials=13, n_jobs=2, executor=executor)
    executor.shutdown()  # started by the fixture, not by the executor: stays up
    assert ray.is_initialized()
    trials = study.trials
    assert len(trials) == 13 and sorted(t.number for t in trials) == list(range(13))
    assert all(t.state in (hs.TrialState.COMPLETE, hs.TrialState.PRUNED) for t in trials)


def test_objective_error_keeps_its_type(local_ray, tmp_path):
    study = _study(tmp_path, sampler=hs.samplers.RandomSampler(seed=0))
    with pytest.raises(ValueError, match="objective broke"):
        study.optimize(failing, n_trials=2, n_jobs=2, executor=RayExecutor())
    assert [t.state for t in study.trials] == [hs.TrialState.FAIL] * 2


def test_lost_worker_is_a_clear_error_and_finished_trials_stay(local_ray, tmp_path):
    study = _study(tmp_path, sampler=hs.samplers.RandomSampler(seed=0))
    with pytest.raises(WorkerLostError, match="Ray lost a worker.*kept in the storage"):
        study.optimize(crashing, n_trials=8, n_jobs=1, executor=RayExecutor())
    states = [t.state for t in study.trials]
    assert states[:4] == [hs.TrialState.COMPLETE] * 4
    assert states[4] == hs.TrialState.RUNNING  # left to the heartbeat reaper


def test_in_memory_study_and_bad_arguments_are_refused(local_ray):
    with pytest.raises(ValueError, match="in-memory storage is private"):
        hs.create_study().optimize(objective, n_trials=2, n_jobs=2, executor=RayExecutor())
    with pytest.raises(TypeError, match="address must be None or a str"):
        RayExecutor(address=6379)
    with pytest.raises(ValueError, match="num_cpus must be a number"):
        RayExecutor(num_cpus=-1)


def test_the_cluster_going_away_keeps_finished_trials(tmp_path):
    """A child process runs a study on its own Ray node and kills the node mid-study."""
    url = f"sqlite:///{tmp_path / 'lost.db'}"
    script = Path(__file__).with_name("ray_node_loss_script.py")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, str(script), url], capture_output=True, text=True, timeout=240, env=env
    )
    error = [line for line in done.stdout.splitlines() if line.startswith("ERROR")]
    assert error and error[0].startswith("ERROR WorkerLostError: Ray lost a worker"), done.stdout
    assert "node it was running on is dead" in error[0] and "kept in the storage" in error[0]
    stored = hs.load_study(study_name=hs.get_all_study_names(url)[0], storage=url).trials
    complete = [t for t in stored if t.state == hs.TrialState.COMPLETE]
    assert len(complete) >= 5 and all(t.value == t.params["x"] for t in complete)
    assert sum(t.state == hs.TrialState.RUNNING for t in stored) <= 1
