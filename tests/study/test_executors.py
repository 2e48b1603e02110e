from concurrent.futures import ThreadPoolExecutor

import pytest

import hypersearch as hs
from hypersearch.study._executors import shares


def objective(trial):
    return trial.suggest_float("x", -1, 1) ** 2


def test_shares_are_exact():
    assert shares(10, 3) == [4, 3, 3]
    assert sum(shares(7, 4)) == 7 and shares(None, 2) == [None, None]


def test_any_executor_runs_exactly_n_trials():
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    with ThreadPoolExecutor(max_workers=3) as pool:
        study.optimize(objective, n_trials=25, n_jobs=3, executor=pool)
    assert len(study.trials) == 25
    assert sorted(t.number for t in study.trials) == list(range(25))


def test_process_workers_refuse_the_in_memory_storage():
    study = hs.create_study()
    with pytest.raises(ValueError, match="storage that processes share"):
        study.optimize(objective, n_trials=2, n_jobs=2, executor="process")


def test_bad_executor_is_named():
    study = hs.create_study()
    with pytest.raises(TypeError, match="executor"):
        study.optimize(objective, n_trials=1, executor=42)


def test_worker_errors_surface_after_all_workers_finish():
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))

    def failing(trial):
        if trial.number == 3:
            raise RuntimeError("worker boom")
        return objective(trial)

    with (
        ThreadPoolExecutor(max_workers=2) as pool,
        pytest.raises(RuntimeError, match="worker boom"),
    ):
        study.optimize(failing, n_trials=10, n_jobs=2, executor=pool)
    assert any(t.state == hs.TrialState.FAIL for t in study.trials)
