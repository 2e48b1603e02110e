"""The scheduler protocol: one run loop (study.optimize) for pruners, ASHA and PBT."""

from __future__ import annotations

import concurrent.futures
import json
import math

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.schedulers import (
    ASHAScheduler,
    BaseScheduler,
    Checkpoint,
    CheckpointStore,
    Decision,
    PBTScheduler,
    PrunerScheduler,
    Suggestion,
    TrialFailure,
)

MAX = 9


def resumable(trial: hs.Trial) -> float:
    """Reports steps 0..MAX once each, across pauses, resuming from its checkpoint."""
    x = trial.suggest_float("x", 0.0, 1.0)
    checkpoint = trial.checkpoint  # None under a stopping pruner
    saved = None if checkpoint is None else checkpoint.load()
    start = int(saved) if saved is not None else 0
    value = math.nan
    for step in range(start, MAX + 1):
        value = (x - 0.7) ** 2 + 1.0 / (step + 1)
        trial.report(value, step)
        if checkpoint is not None:
            checkpoint.save(str(step + 1).encode())
        if trial.should_prune():
            raise hs.TrialPruned()
    return value


def toy(trial: hs.Trial) -> float:
    """PBT's toy problem (Jaderberg et al. 2017, sec. 4), 12 steps."""
    h = np.array([trial.suggest_float("h0", 0.0, 1.0), trial.suggest_float("h1", 0.0, 1.0)])
    saved = trial.checkpoint.load()  # type: ignore[union-attr]
    state = json.loads(saved) if saved else {"step": 0, "theta": [0.9, 0.9]}
    theta, step = np.array(state["theta"]), state["step"]
    while step < 12:
        theta = theta + 0.02 * (-2.0 * h * theta)
        trial.report(float(1.2 - np.sum(theta**2)), step)
        step += 1
        trial.checkpoint.save(json.dumps({"step": step, "theta": theta.tolist()}).encode())  # type: ignore[union-attr]
        if trial.should_prune():
            raise hs.TrialPruned()
    return float(1.2 - np.sum(theta**2))


def check_asha_run(study: hs.Study, n_trials: int) -> None:
    trials = study.trials
    assert len(trials) == n_trials
    assert all(t.state in (hs.TrialState.COMPLETE, hs.TrialState.PRUNED) for t in trials)
    assert not any(t.system_attrs.get("paused") for t in trials)
    for t in trials:  # resumed trials continued where they paused: steps 0..k, each once
        assert sorted(t.intermediate_values) == list(range(len(t.intermediate_values)))
    complete = [t for t in trials if t.state == hs.TrialState.COMPLETE]
    assert complete and all(max(t.intermediate_values) == MAX for t in complete)
    promoted = [t for t in trials if len(hs.pruners.rungs_of(t.system_attrs)) >= 2]
    assert promoted  # some trials were resumed past their first rung


def test_asha_in_threads():
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    study.optimize(resumable, n_trials=27, n_jobs=3, scheduler=ASHAScheduler(max_resource=MAX))
    check_asha_run(study, 27)


def test_asha_in_processes_with_a_shared_checkpoint_folder(tmp_path):
    url = f"sqlite:///{tmp_path / 'asha.db'}"
    study = hs.create_study(storage=url, sampler=hs.samplers.RandomSampler(seed=0))
    scheduler = ASHAScheduler(max_resource=MAX, finish_paused=True)
    study.optimize(
        resumable,
        n_trials=18,
        n_jobs=2,
        executor="process",
        scheduler=scheduler,
        checkpoints=CheckpointStore(tmp_path / "ck"),
    )
    check_asha_run(study, 18)


class InlineExecutor:
    """An executor that is not a thread pool: runs each task at once, in this process."""

    def submit(self, fn, *args):
        future: concurrent.futures.Future = concurrent.futures.Future()
        future.set_result(fn(*args))
        return future


def test_executor_workers_warn_when_checkpoints_stay_in_memory(tmp_path):
    url = f"sqlite:///{tmp_path / 'mem.db'}"
    study = hs.create_study(storage=url, sampler=hs.samplers.RandomSampler(seed=0))
    with pytest.warns(UserWarning, match="each worker process's memory"):
        study.optimize(
            resumable,
            n_trials=2,
            executor=InlineExecutor(),
            scheduler=ASHAScheduler(max_resource=MAX),
        )
    assert len(study.trials) == 2


def test_pbt_in_processes(tmp_path):
    url = f"sqlite:///{tmp_path / 'pbt.db'}"
    study = hs.create_study(
        storage=url, direction="maximize", sampler=hs.samplers.RandomSampler(seed=0)
    )
    scheduler = PBTScheduler(population_size=4, perturbation_interval=3, max_steps=12, seed=0)
    study.optimize(
        toy,
        n_jobs=2,
        executor="process",
        scheduler=scheduler,
        checkpoints=CheckpointStore(tmp_path / "ck"),
        catch=Exception,
    )
    segments = [t for t in study.trials if not t.system_attrs["pbt"].get("surplus")]
    assert all(t.state == hs.TrialState.COMPLETE for t in segments)
    ends = {}
    for t in segments:
        info = t.system_attrs["pbt"]
        assert sorted(t.intermediate_values) == list(range(info["start"], info["end"]))
        ends[info["member"]] = max(ends.get(info["member"], 0), info["end"])
    assert ends == {0: 12, 1: 12, 2: 12, 3: 12}


class Scripted(BaseScheduler):
    """Pauses trial 0 at step 1, resumes it after trial 1 ran, stops trial 1 at step 2."""

    uses_checkpoints = True

    def __init__(self) -> None:
        self.ended: list[tuple[int, str, Decision | None]] = []

    def suggest(self, study, *, may_start, running):
        states = [t.state for t in study.trials]
        if states[:1] == [hs.TrialState.WAITING] and len(states) == 2:
            return Suggestion.resume(0)
        return Suggestion.start() if may_start else Suggestion.done()

    def on_report(self, study, trial):
        step = max(trial.intermediate_values)
        if trial.number == 0 and step == 1 and len(trial.intermediate_values) == 2:
            return Decision.PAUSE
        if trial.number == 1 and step == 2:
            return Decision.STOP
        return Decision.CONTINUE

    def on_trial_end(self, study, trial, decision, error, checkpoints):
        self.ended.append((trial.number, trial.state.name, decision))


def test_pause_resume_and_stop_are_carried_out():
    scheduler = Scripted()
    seen_waiting = []

    def objective(trial):
        saved = trial.checkpoint.load()
        start = int(saved) if saved else 0
        if trial.number == 1:
            seen_waiting.append(trial.study.trials[0].state)
        for step in range(start, 4):
            trial.report(float(10 * trial.number + step), step)
            trial.checkpoint.save(str(step + 1).encode())
            if trial.should_prune():
                raise hs.TrialPruned()
        return -1.0

    study = hs.create_study()
    study.optimize(objective, n_trials=2, scheduler=scheduler)
    first, second = study.trials
    assert seen_waiting == [hs.TrialState.WAITING]  # paused while trial 1 ran
    assert first.state == hs.TrialState.COMPLETE and first.value == -1.0
    assert (
        sorted(first.intermediate_values) == [0, 1, 2, 3] and first.system_attrs["paused"] is False
    )
    assert second.state == hs.TrialState.PRUNED and second.value == 12.0  # its last report
    assert scheduler.ended == [
        (0, "WAITING", Decision.PAUSE),
        (1, "PRUNED", Decision.STOP),
        (0, "COMPLETE", None),
    ]


class Refusing(BaseScheduler):
    """Fails every other trial before it runs; records stopped trials COMPLETE."""

    def on_trial_start(self, study, trial, checkpoints):
        if trial.number % 2:
            raise TrialFailure(f"no slot for trial {trial.number}")
        return Decision.CONTINUE

    def on_report(self, study, trial):
        return Decision.STOP

    def on_stop(self, study, trial, checkpoints):
        return hs.TrialState.COMPLETE


def test_setup_failures_and_stop_state_come_from_the_scheduler():
    ran = []

    def objective(trial):
        ran.append(trial.number)
        trial.report(3.5, 0)
        if trial.should_prune():
            raise hs.TrialPruned()
        return 0.0

    study = hs.create_study()
    study.optimize(objective, n_trials=4, scheduler=Refusing())
    states = [(t.state.name, t.value, t.system_attrs.get("fail_reason")) for t in study.trials]
    assert ran == [0, 2]
    assert states == [
        ("COMPLETE", 3.5, None),
        ("FAIL", None, "no slot for trial 1"),
        ("COMPLETE", 3.5, None),
        ("FAIL", None, "no slot for trial 3"),
    ]


def test_pruners_run_wrapped_and_schedulers_are_checked():
    study = hs.create_study(pruner=hs.pruners.MedianPruner())
    assert isinstance(study.scheduler, PrunerScheduler)
    assert study.scheduler.pruner is study.pruner and study.scheduler is study.scheduler
    study.pruner = hs.pruners.NopPruner()
    assert study.scheduler.pruner is study.pruner
    asha = ASHAScheduler(max_resource=MAX)
    assert hs.create_study(pruner=asha).scheduler is asha
    with pytest.raises(TypeError, match="scheduler must be"):
        study.optimize(lambda t: 0.0, n_trials=1, scheduler="asha")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="checkpoints must be"):
        study.optimize(lambda t: 0.0, n_trials=1, checkpoints="folder")  # type: ignore[arg-type]
    # a stopping pruner given to optimize() decides for that run only
    study.optimize(resumable, n_trials=4, scheduler=hs.pruners.ThresholdPruner(upper=0.0))
    assert all(t.state == hs.TrialState.PRUNED for t in study.trials)
    assert isinstance(study.scheduler.pruner, hs.pruners.NopPruner)


def test_trial_checkpoint_is_declared():
    study = hs.create_study()
    assert study.ask().checkpoint is None
    got = []
    study.optimize(lambda t: got.append(t.checkpoint) or 0.0, n_trials=1)
    assert got == [None]  # a stopping pruner never resumes a trial: nothing to save
    study.optimize(
        lambda t: got.append(t.checkpoint) or 0.0,
        n_trials=1,
        scheduler=ASHAScheduler(max_resource=MAX),
    )
    assert isinstance(got[1], Checkpoint)
    assert "checkpoint" in hs.Trial.__annotations__


def test_paused_trials_stay_waiting_when_asked_and_resume_in_a_later_run():
    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=1))
    keep = ASHAScheduler(max_resource=MAX, finish_paused=False)
    study.optimize(resumable, n_trials=6, scheduler=keep)
    paused = [t.number for t in study.trials if t.system_attrs.get("paused")]
    assert paused and all(study.trials[n].state == hs.TrialState.WAITING for n in paused)
    study.optimize(resumable, n_trials=3, scheduler=keep)  # same default checkpoint store
    for t in study.trials:
        assert sorted(t.intermediate_values) == list(range(len(t.intermediate_values)))


def test_schedulers_and_checkpoint_stores_travel_to_workers(tmp_path):
    import pickle

    from hypersearch.schedulers import StorageCheckpointStore

    study = hs.create_study(storage=f"sqlite:///{tmp_path / 'p.db'}")
    for store in (CheckpointStore(tmp_path / "ck"), StorageCheckpointStore(study._storage)):
        store.for_trial(study.study_name, 0).save(b"state")
        copy = pickle.loads(pickle.dumps(store))
        assert copy.for_trial(study.study_name, 0).load() == b"state"
    pbt = PBTScheduler(population_size=2, perturbation_interval=1, max_steps=2, seed=4)
    twin = pickle.loads(pickle.dumps(pbt))
    assert twin._rng.random() == pbt._rng.random()  # the seeded stream continues
    asha = pickle.loads(pickle.dumps(ASHAScheduler(max_resource=9, finish_paused=False)))
    assert asha.finish_paused is False and asha.rung_table is None
