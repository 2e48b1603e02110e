"""optimize(trial_timeout=...): a trial past its limit is stopped and recorded; the run goes on."""

from __future__ import annotations

import ctypes
import sys
import time

import pytest

import hypersearch as hs
from hypersearch.exceptions import TrialTimeout
from hypersearch.study._trial_timeout import _shielded

# The SIGALRM interrupt needs the signal to itself: pytest-timeout's default method uses it.
own_alarm = pytest.mark.timeout(120, method="thread")
LIMIT = 0.3


def sleeper(trial: hs.Trial) -> float:
    """Trial 0 sleeps in one C call far past the limit; the others return at once."""
    x = trial.suggest_float("x", 0.0, 1.0)
    if trial.number == 0:
        time.sleep(30)
    return x


def libc_sleeper(trial: hs.Trial) -> float:
    """Trial 0 is stuck in a ctypes call (libc sleep) far past the limit."""
    if trial.number == 0:
        ctypes.CDLL(None).sleep(30)
    return 1.0


def reporter(trial: hs.Trial) -> float:
    """Trial 0 reports every 50 ms and would run 5 s; the others return at once."""
    if trial.number == 0:
        for step in range(100):
            trial.report(float(step), step)
            time.sleep(0.05)
    return -1.0


def check_sleeper_run(study: hs.Study, elapsed: float, n: int) -> None:
    first, *rest = study.trials
    assert first.state == hs.TrialState.FAIL
    assert "time limit of 0.3 s" in first.system_attrs["fail_reason"]
    assert first.system_attrs["trial_timeout"] == LIMIT
    assert len(rest) == n - 1 and all(t.state == hs.TrialState.COMPLETE for t in rest)
    assert elapsed < 20  # not the 30 s the stuck trial asked for (slack for a loaded machine)


@own_alarm
@pytest.mark.parametrize("objective", [sleeper, libc_sleeper])
def test_main_thread_interrupts_a_trial_stuck_in_a_c_call(objective):
    if sys.platform == "win32":
        pytest.skip("no SIGALRM on Windows")  # pragma: no cover
    study = hs.create_study()
    start = time.monotonic()
    study.optimize(objective, n_trials=3, trial_timeout=LIMIT)
    check_sleeper_run(study, time.monotonic() - start, 3)


def test_process_worker_interrupts_a_sleeping_trial(tmp_path):
    study = hs.create_study(
        storage=f"sqlite:///{tmp_path / 'to.db'}", sampler=hs.samplers.RandomSampler(seed=0)
    )
    start = time.monotonic()
    study.optimize(sleeper, n_trials=3, executor="process", trial_timeout=LIMIT)
    check_sleeper_run(study, time.monotonic() - start, 3)


def test_thread_stops_a_reporting_trial_at_its_next_report():
    study = hs.create_study()
    start = time.monotonic()
    study.optimize(reporter, n_trials=4, n_jobs=2, trial_timeout=LIMIT)
    assert time.monotonic() - start < 3
    first, *rest = study.trials
    assert first.state == hs.TrialState.PRUNED
    last = max(first.intermediate_values)
    assert 2 <= last < 20 and first.value == float(last)  # PRUNED with its last report
    assert first.system_attrs["trial_timeout"] == LIMIT and "fail_reason" not in first.system_attrs
    assert all(t.state == hs.TrialState.COMPLETE for t in rest)


def test_thread_records_a_trial_that_ended_past_its_limit():
    def objective(trial):
        if trial.number == 0:
            time.sleep(0.5)  # a thread cannot interrupt this; the late end still counts
        return 0.0

    study = hs.create_study()
    study.optimize(objective, n_trials=3, n_jobs=2, trial_timeout=LIMIT)
    states = [t.state for t in study.trials]
    assert states[0] == hs.TrialState.FAIL and states[1:] == [hs.TrialState.COMPLETE] * 2


def test_an_objective_that_swallows_the_timeout_is_still_stopped():
    def objective(trial):
        try:
            for step in range(100):
                trial.report(1.0, step)
                time.sleep(0.02)
        except TrialTimeout:
            pass
        return 0.0

    study = hs.create_study()
    study.optimize(objective, n_trials=1, n_jobs=2, trial_timeout=0.1)
    assert study.trials[0].state == hs.TrialState.PRUNED


def test_storage_code_is_not_interrupted():
    frames: dict = {}
    # a function that lives in a storage module, as far as its frame tells
    namespace: dict = {"__name__": "hypersearch.storages._fake", "frames": frames}
    exec("import sys\ndef write():\n    frames['f'] = sys._getframe()\n", namespace)  # noqa: S102
    namespace["write"]()
    assert _shielded(frames["f"])
    assert not _shielded(sys._getframe())


@pytest.mark.parametrize("bad", [0, -1.0, "1", True, float("nan")])
def test_bad_trial_timeout(bad):
    study = hs.create_study()
    with pytest.raises(ValueError, match="trial_timeout"):
        study.optimize(lambda t: 0.0, n_trials=1, trial_timeout=bad)


@own_alarm
def test_interrupt_waits_for_storage_writes_to_finish(tmp_path):
    """A trial that writes reports without pause is cut between writes, never inside one."""

    def busy(trial):
        if trial.number == 0:
            step = 0
            while True:  # only reports: the alarm mostly lands inside a storage call
                trial.report(float(step), step)
                step += 1
        return 0.5

    study = hs.create_study(storage=f"sqlite:///{tmp_path / 'busy.db'}")
    study.optimize(busy, n_trials=3, trial_timeout=LIMIT)
    first, *rest = study.trials
    assert first.state == hs.TrialState.PRUNED
    steps = sorted(first.intermediate_values)
    assert steps == list(range(len(steps))) and first.value == float(steps[-1])
    assert [t.state for t in rest] == [hs.TrialState.COMPLETE] * 2
    again = hs.load_study(study_name=study.study_name, storage=f"sqlite:///{tmp_path / 'busy.db'}")
    assert len(again.trials) == 3


def test_dask_worker_thread_interrupts_a_sleeping_trial(tmp_path):
    distributed = pytest.importorskip("distributed")  # the `test` extra installs it
    study = hs.create_study(
        storage=f"sqlite:///{tmp_path / 'dask.db'}", sampler=hs.samplers.RandomSampler(seed=0)
    )
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        start = time.monotonic()
        study.optimize(sleeper, n_trials=3, executor=client, trial_timeout=LIMIT)
        elapsed = time.monotonic() - start
    check_sleeper_run(study, elapsed, 3)
