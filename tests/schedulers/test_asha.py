from __future__ import annotations

import math

import pytest

import hypersearch as hs
from hypersearch.pruners import rungs_of
from hypersearch.schedulers import ASHAScheduler, CheckpointStore, Decision, optimize_asha

MAX = 9


def make_objective(log: list[tuple[int, int]]):
    def objective(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        saved = trial.checkpoint.load()
        start = int(saved) if saved is not None else 0
        value = math.nan
        for step in range(start, MAX + 1):
            value = (x - 0.7) ** 2 + 1.0 / (step + 1)
            log.append((trial.number, step))
            trial.report(value, step)
            trial.checkpoint.save(str(step + 1).encode())
            if trial.should_prune():
                raise hs.TrialPruned()
        return value

    return objective


class RecordingScheduler(ASHAScheduler):
    """Checks, at each promotion, that the trial ranks in the best n // eta of its rung."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.promotions: list[tuple[int, int]] = []

    def next_promotion(self, study):
        number = super().next_promotion(study)
        if number is not None:
            table = self.rung_table
            k = table.count(number) - 1
            rung = table.rung(k)
            assert number in rung.top(3)
            self.promotions.append((number, k))
        return number


def test_promotions_resume_from_checkpoints_and_follow_the_ranking():
    log: list[tuple[int, int]] = []
    scheduler = RecordingScheduler(max_resource=MAX, min_resource=1, reduction_factor=3)
    study = hs.create_study(pruner=scheduler, sampler=hs.samplers.RandomSampler(seed=0))
    optimize_asha(study, make_objective(log), n_trials=27)
    trials = study.trials
    assert len(trials) == 27
    # every trial reported each step once, in order, across pauses
    for t in trials:
        steps = [s for n, s in log if n == t.number]
        assert steps == list(range(len(steps)))
        assert set(t.intermediate_values) == set(steps)
    complete = [t for t in trials if t.state == hs.TrialState.COMPLETE]
    assert complete and all(max(t.intermediate_values) == MAX for t in complete)
    assert all(t.state in (hs.TrialState.COMPLETE, hs.TrialState.PRUNED) for t in trials)
    assert not any(t.system_attrs.get("paused") for t in trials)
    # rungs at 1 and 3; each promotion happened once per (trial, rung) and matches the records
    assert scheduler.promotions and len(set(scheduler.promotions)) == len(scheduler.promotions)
    for number, k in scheduler.promotions:
        assert len(rungs_of(study.trials[number].system_attrs)) >= k + 2 or (
            max(study.trials[number].intermediate_values) >= 3 ** (k + 1)
        )
    promoted_from_0 = {n for n, k in scheduler.promotions if k == 0}
    reached_1 = {t.number for t in trials if len(rungs_of(t.system_attrs)) >= 2}
    assert promoted_from_0 == reached_1
    assert abs(study.best_params["x"] - 0.7) < 0.2


def test_decisions_and_pause_flags():
    scheduler = ASHAScheduler(max_resource=MAX, min_resource=1, reduction_factor=3)
    study = hs.create_study(pruner=scheduler)
    trial = study.ask()
    trial.report(1.0, 0)
    assert scheduler.decide(study, study._storage.get_trial(trial._trial_id)) == Decision.CONTINUE
    trial.report(1.0, 1)
    assert trial.should_prune() is True
    assert trial._decision is Decision.PAUSE
    trial.report(math.nan, 2)
    assert scheduler.decide(study, study._storage.get_trial(trial._trial_id)) == Decision.STOP


def test_checkpoint_store_on_disk(tmp_path):
    store = CheckpointStore(tmp_path)
    cp = store.for_trial("s", 3)
    assert cp.load() is None
    cp.save(b"abc")
    assert CheckpointStore(tmp_path).for_trial("s", 3).load() == b"abc"
    assert cp.folder is not None and cp.folder.is_dir()
    with pytest.raises(TypeError):
        cp.save("text")  # type: ignore[arg-type]


def test_misconfiguration():
    with pytest.raises(ValueError, match="max_resource"):
        ASHAScheduler(max_resource=1, min_resource=1)
    with pytest.raises(ValueError, match="reduction_factor"):
        ASHAScheduler(max_resource=9, reduction_factor=1)
    study = hs.create_study(pruner=hs.pruners.MedianPruner())
    with pytest.raises(TypeError, match="ASHAScheduler"):
        optimize_asha(study, lambda t: 0.0, n_trials=1)
