"""BOHBSampler: the budget level it models, bracket restriction, TPE fallback, seeds, ranges."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hypersearch.pruners import (
    HyperbandPruner,
    MedianPruner,
    NopPruner,
    SuccessiveHalvingPruner,
)
from hypersearch.samplers import BOHBSampler, TPESampler
from hypersearch.samplers._bohb import level_source
from hypersearch.schedulers import ASHAScheduler
from hypersearch.trial import TrialState, create_trial

X = FloatDistribution(0.0, 1.0)


def _add(study, x: float, rungs: list[float], *, state=TrialState.PRUNED, value=None, bracket=None):
    attrs = {f"rung_{k}": v for k, v in enumerate(rungs)}
    if bracket is not None:
        attrs["bracket"] = bracket
    study.add_trial(
        create_trial(
            state=state, value=value, params={"x": x}, distributions={"x": X}, system_attrs=attrs
        )
    )


def _sha_study(sampler):
    return hs.create_study(
        sampler=sampler, pruner=SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    )


def test_models_the_highest_level_with_enough_values():
    sampler = BOHBSampler(min_points_in_model=5, seed=0)
    study = _sha_study(sampler)
    rng = np.random.default_rng(0)
    assert sampler.modelled_level(study, 0) is None  # nothing yet: plain TPE
    for _ in range(6):  # 6 values at level 0 only
        _add(study, float(rng.uniform()), [1.0])
    assert sampler.modelled_level(study, study.history.n) == 0
    for _ in range(4):  # 4 at levels 0..2: level 1 and 2 still below 5
        _add(study, float(rng.uniform()), [1.0, 2.0, 3.0])
    assert sampler.modelled_level(study, study.history.n) == 0
    _add(study, 0.5, [1.0, 2.0])  # the 5th value at level 1
    assert sampler.modelled_level(study, study.history.n) == 1
    for _ in range(5):  # five complete trials: the final values win
        _add(study, float(rng.uniform()), [1.0, 2.0, 3.0], state=TrialState.COMPLETE, value=3.0)
    assert sampler.modelled_level(study, study.history.n) == "complete"


def test_threshold_grows_with_dimension():
    sampler = BOHBSampler(min_points_in_model=1, seed=0)
    study = _sha_study(sampler)
    dists = {f"p{i}": FloatDistribution(0, 1) for i in range(4)}  # d = 4: needs 5 values
    for i in range(4):
        study.add_trial(
            create_trial(
                state=TrialState.PRUNED,
                params={k: 0.5 for k in dists},
                distributions=dists,
                system_attrs={"rung_0": float(i)},
            )
        )
    assert sampler.modelled_level(study, 4) is None
    study.add_trial(
        create_trial(
            state=TrialState.PRUNED,
            params={k: 0.5 for k in dists},
            distributions=dists,
            system_attrs={"rung_0": 9.0},
        )
    )
    assert sampler.modelled_level(study, 5) == 0


def test_good_set_is_best_at_the_modelled_level():
    # Level 0 says x near 0.1 is good, level 1 (enough values) says x near 0.9: follow level 1.
    sampler = BOHBSampler(
        min_points_in_model=8, random_fraction=0.0, seed=1, n_startup_trials=0, gamma=lambda n: 3
    )
    study = _sha_study(sampler)
    rng = np.random.default_rng(1)
    for _ in range(12):
        x = float(rng.uniform())
        _add(study, x, [abs(x - 0.1), abs(x - 0.9)])
    assert sampler.modelled_level(study, study.history.n) == 1
    xs = []
    for _ in range(15):
        trial = study.ask()
        xs.append(trial.suggest_float("x", 0.0, 1.0))
        study.tell(trial, state=TrialState.FAIL)  # FAIL: leaves the model's data as it is
    assert np.median(xs) > 0.6


def _hb_study(sampler, name="hb"):
    return hs.create_study(
        study_name=name,
        sampler=sampler,
        pruner=HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3),
    )


@pytest.mark.parametrize("share", [True, False])
def test_bracket_restriction(share):
    sampler = BOHBSampler(min_points_in_model=4, share_brackets=share, seed=0)
    study = _hb_study(sampler)
    pruner = study.pruner
    target = 40
    mine = pruner.bracket_of(study, target)
    # 30 trials: those outside the target's bracket each report one rung value at their
    # bracket's first level; those inside report nothing
    n_other = 0
    for m in range(30):
        s = pruner.bracket_of(study, m)
        if s == mine:
            _add(study, 0.5, [])
        else:
            _add(study, 0.3, [1.0 + m], bracket=s)
            n_other += 1
    assert n_other >= 10
    level = sampler.modelled_level(study, target)
    if share:
        assert isinstance(level, int)  # pooled over brackets by budget level
    else:
        assert level is None  # its own bracket has no rung values: plain TPE
    assert (sampler.modelled_level(study, target) is None) == (not share)


def test_bracket_levels_are_offset_by_bracket():
    sampler = BOHBSampler(min_points_in_model=3, seed=0)
    study = _hb_study(sampler, "offsets")
    for _ in range(3):
        _add(study, 0.5, [1.0], bracket=2)  # bracket 2's first rung = level 2 (9 epochs)
    assert sampler.modelled_level(study, 3) == 2


def _curve(trial) -> float:
    x = trial.suggest_float("x", -3, 3)
    lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
    k = trial.suggest_int("k", 1, 9, step=2)
    c = trial.suggest_categorical("c", ["a", "b", "c"])
    value = math.inf
    for epoch in range(1, 28):
        value = (x - 1) ** 2 + math.log10(lr) ** 2 + 0.1 * k + (c != "b") + 3.0 / epoch
        trial.report(value, epoch)
        if trial.should_prune():
            raise hs.TrialPruned()
    return value


def _run(sampler, pruner, n=45, name="s"):
    study = hs.create_study(study_name=name, sampler=sampler, pruner=pruner)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.optimize(_curve, n_trials=n)
    return study


def _hb():
    return HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)


@pytest.mark.parametrize("pruner", [NopPruner, MedianPruner])
def test_same_as_tpe_without_a_multi_fidelity_pruner(pruner):
    a = _run(BOHBSampler(seed=5, n_startup_trials=5), pruner(), n=20)
    b = _run(TPESampler(seed=5, n_startup_trials=5), pruner(), n=20)
    assert [t.params for t in a.trials] == [t.params for t in b.trials]


def test_same_seed_same_trials():
    a = _run(BOHBSampler(seed=7, n_startup_trials=5), _hb())
    b = _run(BOHBSampler(seed=7, n_startup_trials=5), _hb())
    assert [t.params for t in a.trials] == [t.params for t in b.trials]
    c = _run(BOHBSampler(seed=8, n_startup_trials=5), _hb())
    assert [t.params for t in a.trials] != [t.params for t in c.trials]
    assert a.pruner and any(t.state == TrialState.PRUNED for t in a.trials)


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"share_brackets": False},
        {"stopped_as_bad": True},
        {"multivariate": False},
        {"random_fraction": 1.0},
    ],
)
def test_values_inside_distributions(kw):
    study = _run(BOHBSampler(seed=2, n_startup_trials=3, min_points_in_model=3, **kw), _hb())
    sampler = study.sampler
    assert sampler.modelled_level(study, len(study.trials)) is not None
    for t in study.trials:
        for name, value in t.params.items():
            dist = t.distributions[name]
            assert dist.contains(dist.to_internal(value)), (name, value)
        assert isinstance(t.distributions["k"], IntDistribution)
        assert isinstance(t.distributions["c"], CategoricalDistribution)


def test_random_fraction_one_ignores_the_model():
    # all-random BOHB under Hyperband: the same trials whatever the objective says
    a = _run(
        BOHBSampler(seed=3, random_fraction=1.0, min_points_in_model=2, n_startup_trials=0),
        _hb(),
        n=25,
    )
    xs = [t.params["x"] for t in a.trials[10:]]
    assert max(xs) - min(xs) > 3.0  # spread over the range, not concentrated near x = 1


def test_sha_hyperband_and_asha_give_budget_levels():
    def source(scheduler):
        return level_source(hs.create_study(pruner=scheduler))

    sha = source(SuccessiveHalvingPruner(min_early_stopping_rate=2))
    assert sha.budget_level({}, 0) == 2 and sha.budget_level({}, 1) == 3
    hb = source(HyperbandPruner())
    assert hb.budget_level({}, 0) is None  # bracket not recorded yet
    assert hb.budget_level({"bracket": 1}, 2) == 3
    assert source(ASHAScheduler(max_resource=9)).budget_level({}, 1) == 1
    assert source(MedianPruner()) is None
    # a scheduler given to optimize() is the one that counts while it runs
    study = hs.create_study(pruner=MedianPruner())
    seen = []
    study.optimize(
        lambda t: seen.append(level_source(t.study)) or 0.0,
        n_trials=1,
        scheduler=ASHAScheduler(max_resource=9),
    )
    assert isinstance(seen[0], ASHAScheduler)


def test_multi_objective_falls_back():
    sampler = BOHBSampler(seed=0)
    study = hs.create_study(
        directions=["minimize", "minimize"], sampler=sampler, pruner=NopPruner()
    )
    for _ in range(12):
        t = study.ask()
        x = t.suggest_float("x", 0, 1)
        study.tell(t, [x, 1 - x])
    assert sampler.modelled_level(study, 12) is None


@pytest.mark.parametrize(
    "kw",
    [
        {"random_fraction": 1.5},
        {"random_fraction": -0.1},
        {"random_fraction": True},
        {"min_points_in_model": 0},
        {"min_points_in_model": 2.5},
    ],
)
def test_bad_options(kw):
    with pytest.raises(ValueError, match=next(iter(kw))):
        BOHBSampler(**kw)


def test_split_is_not_accepted():
    with pytest.raises(TypeError, match="split"):
        BOHBSampler(split=lambda *a: None)


def test_runs_under_the_promotion_scheduler():
    from hypersearch.schedulers import optimize_asha

    sampler = BOHBSampler(seed=4, min_points_in_model=4, n_startup_trials=4)
    study = hs.create_study(
        sampler=sampler, pruner=ASHAScheduler(max_resource=9, reduction_factor=3)
    )

    def objective(trial) -> float:
        x = trial.suggest_float("x", -2, 2)
        start = max(trial.frozen.intermediate_values, default=0)
        value = math.inf
        for step in range(start + 1, 10):
            value = (x - 0.5) ** 2 + 1.0 / step
            trial.report(value, step)
            if trial.should_prune():
                raise hs.TrialPruned()
        return value

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        optimize_asha(study, objective, n_trials=20)
    assert sampler.modelled_level(study, len(study.trials)) in (0, 1, 2, "complete")
    assert all(-2 <= t.params["x"] <= 2 for t in study.trials)


def test_default_good_set_is_the_best_15_percent():
    from hypersearch.samplers._bohb import bohb_gamma

    assert [bohb_gamma(n) for n in (1, 10, 20, 100, 1000)] == [1, 2, 3, 15, 150]
    sampler = BOHBSampler(min_points_in_model=5, seed=0)
    study = _sha_study(sampler)
    for i in range(20):
        _add(study, i / 20, [float(i)])
    below, above = sampler._below_above(study, study.history, 20)
    assert np.flatnonzero(below).tolist() == [0, 1, 2]  # the 3 smallest rung values
    assert np.flatnonzero(above).tolist() == list(range(3, 20))


def test_paper_split_keeps_d_plus_1_good_and_waits_for_2_d_plus_1():
    # d = 4: a level is modelled from 2 (d + 1) = 10 values; the good set is >= d + 1 = 5.
    sampler = BOHBSampler(min_points_in_model=1, paper_split=True, seed=0)
    study = _sha_study(sampler)
    dists = {f"p{i}": FloatDistribution(0, 1) for i in range(4)}

    def add(value: float) -> None:
        study.add_trial(
            create_trial(
                state=TrialState.PRUNED,
                params={k: 0.5 for k in dists},
                distributions=dists,
                system_attrs={"rung_0": value},
            )
        )

    for i in range(9):
        add(float(i))
    assert sampler.modelled_level(study, 9) is None  # plain BOHB would model from 5
    for i in range(9, 20):
        add(float(i))
    below, above = sampler._below_above(study, study.history, 20)
    assert np.flatnonzero(below).tolist() == [0, 1, 2, 3, 4]  # not ceil(0.15 * 20) = 3
    assert np.flatnonzero(above).tolist() == list(range(5, 20))
