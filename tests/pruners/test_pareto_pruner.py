"""ParetoPruner: multi-objective pruning by non-dominated rank among completed trials at a step."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.multi_objective import non_dominated_ranks
from hypersearch.pruners._dominance import rank_against

# Four completed trials at every step (minimise both): the first three are the Pareto
# front (rank 0), (3, 3) is dominated by (2, 2) (rank 1).
_DONE = [(1.0, 4.0), (2.0, 2.0), (4.0, 1.0), (3.0, 3.0)]


def _study(pruner, directions=("minimize", "minimize")):
    return hs.create_study(
        directions=list(directions), pruner=pruner, sampler=hs.samplers.RandomSampler(seed=0)
    )


def _complete(study, vector, n_steps=3, values=None):
    trial = study.ask()
    for step in range(n_steps):
        trial.report(vector, step)
    study.tell(trial, list(vector if values is None else values))


def _answers(study, curve):
    trial = study.ask()
    out = []
    for step, vector in enumerate(curve):
        trial.report(vector, step)
        out.append(trial.should_prune())
    return out


def _with_done(pruner, directions=("minimize", "minimize"), done=_DONE):
    study = _study(pruner, directions)
    for vector in done:
        _complete(study, vector)
    return study


def test_rank_against_counts_the_rows_of_better_rank():
    reference = np.array(_DONE)
    ranks = non_dominated_ranks(reference)
    assert ranks.tolist() == [0, 0, 0, 1]
    assert rank_against(reference, ranks, np.array([0.5, 10.0])) == 0  # nobody dominates it
    assert rank_against(reference, ranks, np.array([2.5, 2.5])) == 3  # behind (2, 2): rank 1
    assert rank_against(reference, ranks, np.array([3.0, 3.0])) == 3  # an equal never dominates
    assert rank_against(reference, ranks, np.array([5.0, 5.0])) == 4  # behind (3, 3): rank 2


def test_dominated_trial_pruned_non_dominated_kept():
    study = _with_done(hs.pruners.ParetoPruner(n_startup_trials=1))
    assert _answers(study, [(5.0, 5.0)]) == [True]  # 4 of 4 ahead > 0.5 * 4
    assert _answers(study, [(2.5, 2.5)]) == [True]  # 3 of 4 ahead: only (2, 2) dominates it
    assert _answers(study, [(0.5, 10.0)]) == [False]  # on the front: never pruned
    assert _answers(study, [(1.5, 1.5)]) == [False]  # dominates most of them
    study = _with_done(hs.pruners.ParetoPruner(keep_fraction=0.75, n_startup_trials=1))
    assert _answers(study, [(2.5, 2.5)]) == [False]  # 3 ahead is not > 0.75 * 4
    assert _answers(study, [(5.0, 5.0)]) == [True]


def test_latest_step_is_judged_against_reports_at_that_step():
    study = _study(hs.pruners.ParetoPruner(n_startup_trials=1))
    trial = study.ask()
    for step, vector in enumerate([(1.0, 1.0), (9.0, 9.0)]):  # good early, bad late
        trial.report(vector, step)
    study.tell(trial, [9.0, 9.0])
    trial = study.ask()
    for step, vector in enumerate([(5.0, 5.0), (0.0, 0.0)]):
        trial.report(vector, step)
    # latest step 1: (0, 0) dominates the reference there; step 0's (5, 5) no longer matters
    assert trial.should_prune() is False
    assert _answers(study, [(5.0, 5.0)]) == [True]


def test_warmup_interval_startup_and_min_trials():
    bad = [(9.0, 9.0)] * 6
    pruner = hs.pruners.ParetoPruner(n_startup_trials=0, n_warmup_steps=2, interval_steps=2)
    study = _with_done(pruner, done=[(1.0, 1.0)])
    for _ in range(2):  # more steps for the reference trials
        _complete(study, (1.0, 1.0), n_steps=6)
    assert _answers(study, bad) == [False, False, True, False, True, False]
    study = _study(hs.pruners.ParetoPruner(n_startup_trials=3))
    for _ in range(3):
        assert _answers(study, [(9.0, 9.0)]) == [False]  # fewer than 3 completed
        _complete(study, (1.0, 1.0))
    assert _answers(study, [(9.0, 9.0)]) == [True]
    study = _study(hs.pruners.ParetoPruner(n_startup_trials=0, n_min_trials=2))
    _complete(study, (1.0, 1.0), n_steps=3)
    _complete(study, (1.0, 1.0), n_steps=2)
    assert _answers(study, bad[:3]) == [True, True, False]  # one completed trial reported step 2


def test_mixed_directions():
    done = [(1.0, 10.0), (2.0, 8.0)]  # (minimise, maximise): (1, 10) dominates (2, 8)
    study = _with_done(hs.pruners.ParetoPruner(n_startup_trials=1), ("minimize", "maximize"), done)
    assert _answers(study, [(3.0, 1.0)]) == [True]
    assert _answers(study, [(3.0, 11.0)]) == [False]  # best second objective
    # the same reports in a minimise-minimise study: (3, 1) is on the front
    study = _with_done(hs.pruners.ParetoPruner(n_startup_trials=1), done=done)
    assert _answers(study, [(3.0, 1.0)]) == [False]


def test_nan_component_counts_as_worst():
    done = [(1.0, 1.0), (2.0, 2.0), (3.0, 3.0)]  # ranks 0, 1, 2
    study = _with_done(hs.pruners.ParetoPruner(keep_fraction=0.75, n_startup_trials=1), done=done)
    assert _answers(study, [(3.0, 2.9)]) == [False]  # 2 ahead, not > 2.25
    assert _answers(study, [(3.0, math.nan)]) == [True]  # NaN = +inf: (3, 3) dominates it too
    assert _answers(study, [(0.5, math.nan)]) == [False]  # still the best first objective
    # a completed trial's NaN report joins the reference as the worst in that objective:
    # (NaN, 0.5) does not dominate (10, 0.6) (it would if NaN counted as a good value)
    _complete(study, (math.nan, 0.5), values=(5.0, 0.5))
    assert study.trials[-1].state == hs.TrialState.COMPLETE
    assert _answers(study, [(10.0, 0.6)]) == [False]


def test_pruned_trials_keep_last_vector_and_stay_off_the_front():
    study = _with_done(hs.pruners.ParetoPruner(n_startup_trials=1))
    trial = study.ask()
    trial.report((5.0, 5.0), 0)
    trial.report((4.5, 6.0), 1)
    assert trial.should_prune()
    study.tell(trial, state=hs.TrialState.PRUNED)
    pruned = study.trials[-1]
    assert pruned.state == hs.TrialState.PRUNED and pruned.values == (4.5, 6.0)
    assert all(t.state == hs.TrialState.COMPLETE for t in study.best_trials)
    # a pruned trial that would be on the front still is not on it
    trial = study.ask()
    trial.report((0.0, 0.0), 0)
    study.tell(trial, state=hs.TrialState.PRUNED)
    assert study.trials[-1].values == (0.0, 0.0)
    assert {t.number for t in study.best_trials} == {0, 1, 2}


def test_default_pruner_of_a_multi_objective_study():
    assert isinstance(hs.create_study(directions=["minimize"] * 2).pruner, hs.pruners.ParetoPruner)
    # one objective: MedianPruner with a sampler of the user's (the AutoSampler brings Hyperband)
    assert isinstance(hs.create_study(sampler="tpe").pruner, hs.pruners.MedianPruner)


def test_single_objective_pruners_name_the_pareto_pruner():
    study = _study(hs.pruners.MedianPruner())
    trial = study.ask()
    trial.report((1.0, 1.0), 0)
    with pytest.raises(NotImplementedError, match="ParetoPruner"):
        trial.should_prune()


def test_one_objective_works_too():
    study = hs.create_study(pruner=hs.pruners.ParetoPruner(n_startup_trials=1))
    for v in (1.0, 2.0, 3.0, 4.0):
        trial = study.ask()
        trial.report(v, 0)
        study.tell(trial, v)
    for value, pruned in ((2.5, False), (3.5, True)):  # > half ahead prunes
        trial = study.ask()
        trial.report(value, 0)
        assert trial.should_prune() is pruned


def test_reused_on_another_study_and_pickled():
    pruner = hs.pruners.ParetoPruner(n_startup_trials=1)
    _with_done(pruner)
    fresh = _study(pruner)
    assert _answers(fresh, [(9.0, 9.0)]) == [False]  # the first study's trials do not count
    clone = pickle.loads(pickle.dumps(pruner))
    assert _answers(_with_done(clone), [(9.0, 9.0)]) == [True]


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"keep_fraction": 0.0}, "keep_fraction"),
        ({"keep_fraction": 1.5}, "keep_fraction"),
        ({"keep_fraction": math.nan}, "keep_fraction"),
        ({"n_startup_trials": -1}, "n_startup_trials"),
        ({"n_warmup_steps": 1.5}, "n_warmup_steps"),
        ({"interval_steps": 0}, "interval_steps"),
        ({"n_min_trials": 0}, "n_min_trials"),
    ],
)
def test_bad_arguments_are_named(kwargs, name):
    with pytest.raises(ValueError, match=name):
        hs.pruners.ParetoPruner(**kwargs)


def test_end_to_end_pruning_saves_steps():
    """Two objectives whose curves converge to their final values: pruning stops the bad ones."""

    def run(pruner):
        steps = 0

        def objective(trial):
            nonlocal steps
            x = trial.suggest_float("x", 0.0, 1.0)
            y = trial.suggest_float("y", 0.0, 1.0)
            final = (x, 1.0 - math.sqrt(x) + y)  # ZDT1-like front at y = 0
            for step in range(10):
                steps += 1
                gap = 1.0 / (step + 1)
                vector = (final[0] + 0.1 * gap, final[1] + 0.1 * gap)
                trial.report(vector, step)
                if trial.should_prune():
                    raise hs.TrialPruned()
            return final

        study = hs.create_study(
            directions=["minimize", "minimize"],
            pruner=pruner,
            sampler=hs.samplers.RandomSampler(seed=3),
        )
        study.optimize(objective, n_trials=40)
        return study, steps

    kept, all_steps = run(hs.pruners.NopPruner())
    pruned, fewer_steps = run(hs.pruners.ParetoPruner())
    assert all_steps == 400 and fewer_steps < 0.8 * all_steps
    states = [t.state for t in pruned.trials]
    assert states.count(hs.TrialState.PRUNED) >= 10
    for t in pruned.trials:
        if t.state == hs.TrialState.PRUNED:
            last = t.intermediate_values[max(t.intermediate_values)]
            assert isinstance(last, tuple) and t.values == last
    assert all(t.state == hs.TrialState.COMPLETE for t in pruned.best_trials)
    # the same parameters are sampled (seeded, no relative sampling): the front survives
    front = {t.number for t in kept.best_trials}
    assert front <= {t.number for t in pruned.trials if t.state == hs.TrialState.COMPLETE}


@pytest.mark.parametrize("k", [2, 3])
def test_ranked_set_stays_exact_as_vectors_arrive(k):
    from hypersearch.pruners._dominance import RankedSet

    rng = np.random.default_rng(k)
    ranked = RankedSet(k)
    rows = []
    for _ in range(80):
        row = rng.integers(0, 6, size=k).astype(float)  # duplicates and ties on purpose
        ranked.add(row.tolist())
        rows.append(row)
        assert ranked.ranks.tolist() == non_dominated_ranks(np.array(rows)).tolist()
    point = np.array([2.0] * k)
    assert ranked.ahead_of(point) == rank_against(np.array(rows), ranked.ranks, point)
