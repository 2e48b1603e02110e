"""TPESampler: determinism, validity of samples, optimisation, parallel and odd histories."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from hypersearch.samplers import RandomSampler, TPESampler
from hypersearch.samplers._tpe import default_gamma, split_multi, split_single
from hypersearch.samplers._tpe._parzen import ParzenEstimator
from hypersearch.samplers._tpe._space import Dim
from hypersearch.trial import TrialState


def _mixed(trial) -> float:
    x = trial.suggest_float("x", -3, 3)
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    k = trial.suggest_int("k", 0, 20, step=4)
    n = trial.suggest_int("n", 1, 1000, log=True)
    s = trial.suggest_float("s", 0.0, 1.0, step=0.25)
    c = trial.suggest_categorical("c", ["a", "b", None, 3])
    if c == "a":
        extra = trial.suggest_float("extra", 10, 20)
    elif c == "b":
        extra = trial.suggest_int("extra_b", -5, 5)
    else:
        extra = 0.0
    return x**2 + math.log10(lr) ** 2 + k + math.log(n) + s + (c != "a") + 0.01 * extra


def _run(sampler, objective=_mixed, n=40):
    study = hs.create_study(sampler=sampler)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.optimize(objective, n_trials=n)
    return study


def test_tpe_by_name():
    # the default is the AutoSampler (tests/samplers/test_auto.py); TPE is one name away
    assert isinstance(hs.create_study(sampler="tpe").sampler, TPESampler)


def test_same_seed_same_trials():
    for kw in ({}, {"multivariate": False}, {"group": True}):
        a = _run(TPESampler(seed=3, n_startup_trials=5, **kw), n=18)
        b = _run(TPESampler(seed=3, n_startup_trials=5, **kw), n=18)
        assert [t.params for t in a.trials] == [t.params for t in b.trials]
    c = _run(TPESampler(seed=4, n_startup_trials=5), n=18)
    assert [t.params for t in a.trials] != [t.params for t in c.trials]


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"multivariate": False},
        {"group": True},
        {"bandwidth": "scott", "consider_endpoints": True},
        {"magic_clip_by_study": True, "categorical_smoothing": 0.3},
    ],
)
def test_values_inside_distributions(kw):
    study = _run(TPESampler(seed=0, n_startup_trials=5, **kw), n=45)
    seen_extra = False
    for t in study.trials:
        assert t.state == TrialState.COMPLETE
        for name, value in t.params.items():
            dist = t.distributions[name]
            assert dist.contains(dist.to_internal(value)), (name, value, dist)
            if isinstance(dist, IntDistribution):
                assert isinstance(value, int)
        seen_extra |= "extra" in t.params
    assert seen_extra


def _quadratic(trial) -> float:
    x = trial.suggest_float("x", -10, 10)
    y = trial.suggest_float("y", -10, 10)
    return (x - 3.3) ** 2 + (y + 1.7) ** 2


def test_optimises_better_than_random():
    tpe = [_run(TPESampler(seed=s), _quadratic, 60).best_value for s in range(7)]
    rnd = [_run(RandomSampler(seed=s), _quadratic, 60).best_value for s in range(7)]
    # Random's median best on this problem is ~0.5; TPE's is below 0.1.
    assert np.median(tpe) < 0.25 * np.median(rnd)
    assert np.median(tpe) < 0.2


def test_maximize_direction():
    study = hs.create_study(direction="maximize", sampler=TPESampler(seed=1))
    study.optimize(lambda t: -_quadratic(t), n_trials=50)
    assert study.best_value > -0.5


def test_parzen_sample_matches_density():
    dims = [
        Dim.of(FloatDistribution(0, 10)),
        Dim.of(IntDistribution(1, 100, log=True)),
        Dim.of(CategoricalDistribution(["a", "b", "c"])),
    ]
    obs = np.array([[1.0, 3.0, 0.0], [2.0, 50.0, 2.0], [9.0, 7.0, 0.0]])
    pe = ParzenEstimator(
        dims,
        obs,
        np.ones(3),
        prior_weight=1.0,
        multivariate=True,
        magic_clip=True,
        min_bandwidth=0.01,
        bandwidth_factor=0.2,
        categorical_smoothing=0.2,
    )
    draws = pe.sample(np.random.default_rng(0), 40000)
    assert draws[:, 0].min() >= 0 and draws[:, 0].max() <= 10
    assert set(np.unique(draws[:, 2])) <= {0.0, 1.0, 2.0}
    # The probability of each category, from the density, matches the draws.
    xs = np.linspace(0, 10, 201)
    ks = np.arange(1, 101)
    for c in range(3):
        grid = np.array([[x, k, c] for x in xs[::10] for k in ks], dtype=float)
        dens = (
            np.exp(pe.log_pdf(grid)).reshape(len(xs[::10]), len(ks)).sum(axis=1).mean()
        )  # unit-space density: the x range has length 1
        assert abs(dens - np.mean(draws[:, 2] == c)) < 0.03


def test_constant_liar_puts_running_trials_above():
    study = hs.create_study(sampler=TPESampler(seed=0))
    for i in range(12):
        study.add_trial(
            hs.create_trial(
                params={"x": float(i)},
                distributions={"x": FloatDistribution(0, 20)},
                value=float(i),
            )
        )
    running = study.ask()
    running.suggest_float("x", 0, 20)
    me = study.ask()
    h = study.history
    below, above = split_single(h, me.number, True, default_gamma)
    assert above[running.number] and not below[running.number]
    assert not above[me.number] and not below[me.number]
    assert np.flatnonzero(below).tolist() == [0, 1]
    below, above = split_single(h, me.number, False, default_gamma)
    assert not above[running.number]


def test_parallel_workers_with_constant_liar():
    study = hs.create_study(sampler=TPESampler(seed=0, n_startup_trials=4))
    study.optimize(_quadratic, n_trials=30, n_jobs=2)
    assert len(study.trials) == 30
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert study.best_value < 20


def test_group_mode_on_conditional_space():
    def objective(trial):
        kind = trial.suggest_categorical("kind", ["p", "q"])
        if kind == "p":
            a, b = trial.suggest_float("a", -5, 5), trial.suggest_float("b", -5, 5)
            return ((a - 1) ** 2 + b**2) / 10
        return 2.0 + trial.suggest_int("m", 0, 10)

    sampler = TPESampler(seed=0, n_startup_trials=8, group=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # group mode never falls back to independent sampling
        study = hs.create_study(sampler=sampler)
        study.optimize(objective, n_trials=40)
    later = study.trials[20:]
    assert sum(t.params["kind"] == "p" for t in later) >= 12
    assert study.best_value < 0.1


def test_independent_sampling_warns_once_per_parameter():
    def objective(trial):
        if trial.suggest_categorical("c", [0, 1]) == 0:
            trial.suggest_float("only_sometimes", 0, 1)
        return 0.0

    study = hs.create_study(sampler=TPESampler(seed=0, n_startup_trials=2, multivariate=True))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        study.optimize(objective, n_trials=20)
    messages = [str(w.message) for w in caught if "on its own" in str(w.message)]
    assert len(messages) == 1 and "only_sometimes" in messages[0]


def test_conditional_space_is_quiet_with_default_multivariate():
    def objective(trial):
        if trial.suggest_categorical("c", [0, 1]) == 0:
            trial.suggest_float("only_sometimes", 0, 1)
        return 0.0

    for sampler in (TPESampler(seed=0, n_startup_trials=2), hs.samplers.TPESampler(seed=1)):
        study = hs.create_study(sampler=sampler)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            study.optimize(objective, n_trials=15)
        assert not [w for w in caught if "on its own" in str(w.message)]


def test_pruned_trials_are_used():
    study = hs.create_study(sampler=TPESampler(seed=0, n_startup_trials=3))
    dist = {"x": FloatDistribution(0, 10)}
    for i in range(30):  # pruned: the ones that got furthest, then the best last report, rank first
        x = i / 3
        steps = {0: 5.0, 1: x} if i % 2 == 0 else {0: x}
        study.add_trial(
            hs.create_trial(
                params={"x": x},
                distributions=dist,
                state=TrialState.PRUNED,
                intermediate_values=steps,
            )
        )
    study.add_trial(hs.create_trial(state=TrialState.PRUNED))  # no report: ranked last
    h = study.history
    below, _ = split_single(h, -1, True, default_gamma)
    assert np.flatnonzero(below).tolist() == [0, 2, 4, 6]
    xs = []
    for _ in range(12):
        trial = study.ask()
        xs.append(trial.suggest_float("x", 0, 10))
        study.tell(trial, state=TrialState.FAIL)
    assert np.median(xs) < 3.0


def _crashes_left_of_minus_3(trial):
    x = trial.suggest_float("x", -5, 5)
    if x > 3:
        return float("inf")
    if x < -3:
        raise ValueError("boom")
    return (x - 1) ** 2


def _failures_and_best(sampler):
    study = hs.create_study(sampler=sampler)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.optimize(_crashes_left_of_minus_3, n_trials=40, catch=(ValueError,))
    assert all(-5 <= t.params["x"] <= 5 for t in study.trials)
    return sum(t.state == TrialState.FAIL for t in study.trials), study.best_value


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_infinite_values_and_crashes_do_not_poison_the_model(seed):
    failures, best = _failures_and_best(TPESampler(seed=seed, n_startup_trials=5))
    assert 0 < failures <= 8  # the start finds the crashing region, the model avoids it
    assert best < 1e-3


def test_ignoring_failures_keeps_proposing_the_region_that_crashes():
    failures, _ = _failures_and_best(TPESampler(seed=0, n_startup_trials=5, avoid_failures=False))
    assert failures > 20  # nothing tells TPE that x < -3 is bad: Optuna's TPE does the same


def test_failed_trials_join_the_bad_set():
    from hypersearch.samplers._tpe._split import with_failures_above

    study = hs.create_study()
    dist = {"x": FloatDistribution(0, 10)}
    for i, state in enumerate([TrialState.COMPLETE, TrialState.FAIL, TrialState.COMPLETE]):
        value = float(i) if state == TrialState.COMPLETE else None
        study.add_trial(
            hs.create_trial(params={"x": i}, distributions=dist, state=state, value=value)
        )
    below, above = split_single(study.history, -1, True, default_gamma)
    assert not above[1]
    below2, above2 = with_failures_above(study.history, (below, above))
    assert above2[1] and (below2 == below).all() and not (below2 & above2).any()


def test_neg_inf_values_and_multi_objective():
    study = hs.create_study(
        directions=["minimize", "minimize"], sampler=TPESampler(seed=0, n_startup_trials=5)
    )

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        y = trial.suggest_int("y", 0, 3)
        return (x if x > 0.05 else -float("inf")), (1 - x) ** 2 + y

    study.optimize(objective, n_trials=30)
    assert len(study.best_trials) >= 1
    late = [t.params["y"] for t in study.trials[15:]]
    for seed in (1, 2, 3):
        again = hs.create_study(
            directions=["minimize", "minimize"], sampler=TPESampler(seed=seed, n_startup_trials=5)
        )
        again.optimize(objective, n_trials=30)
        late += [t.params["y"] for t in again.trials[15:]]
    assert np.mean(np.array(late) == 0) > 0.35  # y = 0 is optimal; random search picks it 25%


def test_changing_search_space_and_tiny_histories():
    sampler = TPESampler(seed=0, n_startup_trials=0)
    study = hs.create_study(sampler=sampler)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t = study.ask()  # empty history: random start-up, no warnings
        study.tell(t, t.suggest_float("x", 0, 1))
        t = study.ask()  # one trial: TPE runs (prior plus one kernel), still no warning
        study.tell(t, t.suggest_float("x", 0, 1))
        assert not caught
    for i in range(12):
        trial = study.ask()
        if i < 6:
            v = trial.suggest_float("x", 0, 1) + (trial.suggest_categorical("c", ["a", "b"]) == "a")
        else:  # the ranges and the choices change
            x = trial.suggest_float("x", 0.5, 5)
            c = trial.suggest_categorical("c", ["u", "v", "w"])
            n = trial.suggest_int("new", 1, 3)
            assert 0.5 <= x <= 5 and c in ("u", "v", "w") and 1 <= n <= 3
            v = x + n
        study.tell(trial, v)
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_bad_arguments():
    with pytest.raises(ValueError, match="n_ei_candidates"):
        TPESampler(n_ei_candidates=0)
    with pytest.raises(ValueError, match="n_startup_trials"):
        TPESampler(n_startup_trials=-1)
    with pytest.raises(ValueError, match="prior_weight"):
        TPESampler(prior_weight=float("nan"))
    with pytest.raises(ValueError, match="group"):
        TPESampler(multivariate=False, group=True)
    with pytest.raises(TypeError, match="gamma"):
        TPESampler(gamma=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="bandwidth"):
        TPESampler(bandwidth="wide")


def test_multi_objective_split_takes_the_front_first():
    study = hs.create_study(directions=["minimize", "maximize"])
    dist = {"x": FloatDistribution(0, 1)}
    points = [(0.0, 0.0), (1.0, 1.0), (0.5, 0.5), (2.0, 0.9), (0.2, 0.1), (3.0, 0.0)]
    for v in points:  # front (min f0, max f1): (0,0), (0.2,0.1), (0.5,0.5), (1,1)
        study.add_trial(hs.create_trial(params={"x": 0.5}, distributions=dist, values=list(v)))
    below, above = split_multi(study.history, -1, True, lambda n: 5)
    assert np.flatnonzero(below).tolist() == [0, 1, 2, 3, 4]
    assert np.flatnonzero(above).tolist() == [5]
    below, _ = split_multi(study.history, -1, True, lambda n: 2)
    # the cut falls inside the front: greedy hypervolume subset selection (reference
    # 10% beyond the front's worst point, (1.1, 0.1) minimised) takes the knee (0.5, 0.5)
    # first, then (0.2, 0.1), whose box adds most to it; the ends add less
    assert np.flatnonzero(below).tolist() == [2, 4]
