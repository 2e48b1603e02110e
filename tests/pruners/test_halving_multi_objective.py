"""Successive halving and Hyperband in multi-objective studies: rungs ranked by domination."""

from __future__ import annotations

import math

import pytest

import hypersearch as hs
from hypersearch.pruners import rungs_of
from hypersearch.schedulers import ASHAScheduler


def _study(pruner, directions=("minimize", "minimize")):
    return hs.create_study(
        directions=list(directions), pruner=pruner, sampler=hs.samplers.RandomSampler(seed=0)
    )


def _arrive(study, vector, finish=True):
    """A trial that reports ``vector`` at steps 0 and 1 (rung 0 sits at step 1); its answer."""
    trial = study.ask()
    trial.report(vector, 0)
    trial.report(vector, 1)
    stop = trial.should_prune()
    if finish:
        study.tell(trial, [0.0 if v != v else v for v in vector])
    return stop, trial


def test_rung_keeps_trials_fewer_than_n_over_eta_rank_ahead_of():
    study = _study(hs.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2))
    assert _arrive(study, (1.0, 1.0))[0] is False  # n = 1 < eta
    assert _arrive(study, (2.0, 2.0))[0] is True  # n = 2: one ahead, not < 2 // 2
    assert _arrive(study, (0.5, 3.0))[0] is False  # on the front with (1, 1): nobody ahead
    assert _arrive(study, (3.0, 0.5))[0] is False  # n = 4, k = 2: front again
    # n = 5, k = 2: only (1, 1) dominates (1.5, 1.5), but its whole front (3 values) ranks ahead
    assert _arrive(study, (1.5, 1.5))[0] is True
    stop, trial = _arrive(study, (4.0, 4.0), finish=False)
    assert stop is True
    assert rungs_of(study._storage.get_trial(trial._trial_id).system_attrs) == [(4.0, 4.0)]


def test_directions_and_nan_components():
    study = _study(
        hs.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2),
        ("minimize", "maximize"),
    )
    assert _arrive(study, (1.0, 10.0))[0] is False
    assert _arrive(study, (2.0, 12.0))[0] is False  # better second objective: same front
    assert _arrive(study, (2.0, 9.0))[0] is True  # dominated by (1, 10)
    # NaN ranks worst in its objective but does not stop by itself: best first objective
    assert _arrive(study, (0.1, math.nan))[0] is False
    assert _arrive(study, (5.0, math.nan))[0] is True


def test_other_processes_rungs_and_finished_trials_are_read_back():
    storage = hs.storages.InMemoryStorage()
    name = "mo-sha"
    kwargs = {"min_resource": 1, "reduction_factor": 2}
    first = hs.create_study(
        study_name=name,
        storage=storage,
        directions=["minimize"] * 2,
        pruner=hs.pruners.SuccessiveHalvingPruner(**kwargs),
    )
    assert _arrive(first, (1.0, 1.0))[0] is False
    # a trial finished without asking the pruner: its reports still count at the rung
    trial = first.ask()
    for step in range(3):
        trial.report((0.5, 0.5), step)
    first.tell(trial, [0.5, 0.5])
    second = hs.load_study(
        study_name=name, storage=storage, pruner=hs.pruners.SuccessiveHalvingPruner(**kwargs)
    )
    assert _arrive(second, (0.75, 0.75))[0] is True  # (0.5, 0.5) ahead: n = 3, k = 1
    assert _arrive(second, (0.25, 2.0))[0] is False


def test_hyperband_end_to_end_prunes_and_keeps_the_front_complete():
    def objective(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        y = trial.suggest_float("y", 0.0, 1.0)
        final = (x, 1.0 - math.sqrt(x) + y)
        for step in range(1, 28):
            noise = 0.2 / step
            trial.report((final[0] + noise, final[1] + noise), step)
            if trial.should_prune():
                raise hs.TrialPruned()
        return final

    study = _study(hs.pruners.HyperbandPruner(min_resource=1, max_resource=27))
    study.optimize(objective, n_trials=60)
    states = [t.state for t in study.trials]
    assert states.count(hs.TrialState.PRUNED) >= 10
    assert all(t.state == hs.TrialState.COMPLETE for t in study.best_trials)
    pruned = next(t for t in study.trials if t.state == hs.TrialState.PRUNED)
    assert pruned.values == pruned.intermediate_values[max(pruned.intermediate_values)]
    assert all(isinstance(v, tuple) for v in rungs_of(pruned.system_attrs))


def test_promotion_scheduler_stays_single_objective():
    scheduler = ASHAScheduler(max_resource=9)
    study = _study(hs.pruners.NopPruner())
    trial = study.ask()
    trial.report((1.0, 1.0), 0)
    with pytest.raises(NotImplementedError, match="single-objective"):
        scheduler.decide(study, trial.frozen)
