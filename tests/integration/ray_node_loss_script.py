"""Run by test_ray_executor in a child process: its Ray node dies mid-study.

Starts a one-node Ray cluster, runs a study on it, and kills the node's raylet
(the whole cluster, here) once five trials are complete. Prints the error that
``optimize`` raised as ``ERROR <type>: <message>``.
"""

from __future__ import annotations

import sys
import threading
import time

import ray

import hypersearch as hs
from hypersearch.integration import RayExecutor


def slow(trial: hs.Trial) -> float:
    time.sleep(0.05)
    return trial.suggest_float("x", 0.0, 1.0)


def kill_node_after(url: str, study_name: str, n_complete: int) -> None:
    loaded = hs.load_study(study_name=study_name, storage=url)
    while len(loaded.get_trials(states=(hs.TrialState.COMPLETE,))) < n_complete:
        time.sleep(0.1)
    ray._private.worker._global_node.kill_raylet()  # the node this process started


def main(url: str) -> None:
    ray.init(num_cpus=1, include_dashboard=False)
    study = hs.create_study(storage=url, sampler=hs.samplers.RandomSampler(seed=0))
    killer = threading.Thread(target=kill_node_after, args=(url, study.study_name, 5), daemon=True)
    killer.start()
    try:
        study.optimize(slow, n_trials=100_000, n_jobs=1, executor=RayExecutor())
    except Exception as err:  # noqa: BLE001 - the test reads what was raised
        print(f"ERROR {type(err).__name__}: {err}", flush=True)


if __name__ == "__main__":
    hs.logging.set_verbosity(hs.logging.WARNING)
    main(sys.argv[1])
