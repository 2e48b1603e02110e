from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.pruners import SuccessiveHalvingPruner


def attrs(study, trial):
    return study._storage.get_trial(trial._trial_id).system_attrs


def test_decisions_at_first_rung(helpers):
    study = helpers["make_study"](SuccessiveHalvingPruner(min_resource=1, reduction_factor=2))
    t0, a0 = helpers["running"](study, [5.0, 4.0])
    assert a0 == [False, False] and attrs(study, t0)["rung_0"] == 4.0
    t1, a1 = helpers["running"](study, [5.0, 6.0])
    assert a1 == [False, True] and attrs(study, t1)["rung_0"] == 6.0
    assert helpers["running"](study, [5.0, 3.0])[1] == [False, False]
    assert helpers["running"](study, [5.0, 4.0])[1] == [False, False]  # ties 2nd of 4: top 2
    assert helpers["running"](study, [5.0, 4.5])[1] == [False, True]


def test_rungs_recorded_once_despite_out_of_order_and_repeated_reports(helpers):
    pruner = SuccessiveHalvingPruner(min_resource=1, reduction_factor=2)
    study = helpers["make_study"](pruner)
    trial = study.ask()
    trial.report(7.0, 3)
    assert trial.should_prune() is False
    assert hs.pruners.rungs_of(attrs(study, trial)) == [7.0, 7.0]  # rungs at 1 and 2
    trial.report(0.0, 1)  # late report below a recorded rung: the rung keeps its value
    with pytest.warns(UserWarning):
        trial.report(math.nan, 3)
    trial.should_prune()
    trial.should_prune()
    assert hs.pruners.rungs_of(attrs(study, trial)) == [7.0, 7.0]
    assert [len(pruner.rung_table.rung(k)) for k in range(2)] == [1, 1]


def test_min_early_stopping_rate_and_nan(helpers):
    pruner = SuccessiveHalvingPruner(min_resource=1, reduction_factor=2, min_early_stopping_rate=2)
    study = helpers["make_study"](pruner)
    helpers["complete"](study, [1.0] * 6)
    _, answers = helpers["running"](study, [9.0] * 6)
    assert answers == [False] * 4 + [True, False]  # first rung at step 4 (= 1 * 2**2)
    study = helpers["make_study"](SuccessiveHalvingPruner(min_resource=1, reduction_factor=2))
    assert helpers["running"](study, [1.0, 1.0, math.nan])[1] == [False, False, True]


def test_bootstrap_count(helpers):
    study = helpers["make_study"](
        SuccessiveHalvingPruner(min_resource=1, reduction_factor=2, bootstrap_count=2)
    )
    assert helpers["running"](study, [0.0, 1.0])[1] == [False, True]
    assert helpers["running"](study, [0.0, 0.5])[1] == [False, True]
    assert helpers["running"](study, [0.0, 0.1])[1] == [False, False]


def test_auto_min_resource_waits_for_a_completed_trial(helpers):
    pruner = SuccessiveHalvingPruner(reduction_factor=2)
    study = helpers["make_study"](pruner)
    _, answers = helpers["running"](study, [1.0] * 5)
    assert answers == [False] * 5 and pruner.rung_table is None
    helpers["complete"](study, [0.0] * 400)  # last step 399 -> r_min = 3
    assert pruner.rung_table is None
    trial, answers = helpers["running"](study, [5.0] * 7)
    assert pruner.rung_table.ladder.min_resource == 3
    assert hs.pruners.rungs_of(attrs(study, trial)) == [5.0, 5.0]  # rungs at 3 and 6
    assert answers == [False, False, False, True, False, False, True]


def test_finished_trials_without_checks_count(helpers):
    study = helpers["make_study"](SuccessiveHalvingPruner(min_resource=1, reduction_factor=2))
    study.add_trial(hs.create_trial(value=0.0, intermediate_values={0: 0.0, 1: 0.0, 2: 0.0}))
    assert helpers["running"](study, [1.0, 1.0, 1.0])[1] == [False, True, True]


def test_fresh_pruner_rebuilds_the_table_from_attributes(helpers):
    storage = hs.storages.InMemoryStorage()
    first = hs.create_study(storage=storage, study_name="s", pruner=SuccessiveHalvingPruner(1, 2))
    for curve in ([3.0, 3.0, 3.0], [2.0, 2.0, 2.0], [1.0, 1.0, 1.0]):
        helpers["running"](first, curve)
    again = hs.load_study(study_name="s", storage=storage, pruner=SuccessiveHalvingPruner(1, 2))
    assert helpers["running"](again, [2.5, 2.5, 2.5])[1] == [False, True, True]
    counts = [len(again.pruner.rung_table.rung(k)) for k in range(2)]
    assert counts == [4, 4]


def reference_sha(curves, r_min, eta, rate):
    """Plain re-implementation of the documented rule, trials checked one after another."""
    rungs: dict[int, list[float]] = {}
    out = []
    for curve in curves:
        answers = []
        k = 0
        for step in range(len(curve)):
            stop = False
            while r_min * eta ** (k + rate) <= step:
                v = curve[r_min * eta ** (k + rate)]
                values = rungs.setdefault(k, [])
                values.append(v)
                n = len(values)
                if n >= eta and v > sorted(values)[n // eta - 1]:
                    stop = True
                k += 1
            answers.append(stop)
        out.append(answers)
    return out


@pytest.mark.parametrize("eta,rate", [(2, 0), (3, 1), (4, 0)])
def test_matches_reference_model(helpers, eta, rate):
    rng = np.random.default_rng(eta)
    curves = [list(np.round(rng.normal(size=20), 1)) for _ in range(25)]
    study = helpers["make_study"](SuccessiveHalvingPruner(1, eta, rate))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = [helpers["running"](study, c)[1] for c in curves]
    assert got == reference_sha(curves, 1, eta, rate)


def test_two_workers_see_each_others_rungs(helpers):
    storage = hs.storages.InMemoryStorage()
    a = hs.create_study(storage=storage, study_name="w", pruner=SuccessiveHalvingPruner(1, 2))
    b = hs.load_study(study_name="w", storage=storage, pruner=SuccessiveHalvingPruner(1, 2))
    ta, answers_a = helpers["running"](a, [0.0, 1.0])  # worker A, still running
    assert answers_a == [False, False]
    tb, answers_b = helpers["running"](b, [0.0, 2.0])  # worker B judges against A's rung
    assert answers_b == [False, True]
    ta.report(0.5, 2)
    assert ta.should_prune() is False  # rung 1 at step 2: alone there
    assert [len(b.pruner.rung_table.rung(k)) for k in range(2)] == [2, 0]
    tc, answers_c = helpers["running"](b, [0.0, 0.5, 3.0])
    assert answers_c == [False, False, True]  # rung 0: {1, 2, 0.5} top 1; rung 1: {0.5, 3} top 1


def test_same_decisions_on_sqlite(helpers, tmp_path):
    rng = np.random.default_rng(7)
    curves = [list(np.round(rng.normal(size=8), 1)) for _ in range(8)]
    answers = []
    for storage in (None, f"sqlite:///{tmp_path / 'sha.db'}"):
        study = hs.create_study(
            storage=storage,
            pruner=SuccessiveHalvingPruner(1, 2),
            sampler=hs.samplers.RandomSampler(seed=0),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            answers.append([helpers["running"](study, c)[1] for c in curves])
        rungs = [hs.pruners.rungs_of(t.system_attrs) for t in study.trials]
        assert rungs == [[c[1], c[2], c[4]] for c in curves]
    assert answers[0] == answers[1] == reference_sha(curves, 1, 2, 0)
