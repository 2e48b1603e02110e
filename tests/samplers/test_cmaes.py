"""CmaEsSampler: determinism, bounds, convergence, restarts, storage rebuild, warm start."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.distributions import FloatDistribution, IntDistribution
from hypersearch.samplers import CmaEsSampler
from hypersearch.samplers._cmaes._optimizer import CMA
from hypersearch.samplers._cmaes._transform import UnitTransform
from hypersearch.storages import InMemoryStorage
from hypersearch.trial import TrialState, create_trial


def sphere(trial: hs.Trial) -> float:
    return sum(trial.suggest_float(f"x{i}", -5, 5) ** 2 for i in range(4))


def mixed(trial: hs.Trial) -> float:
    a = trial.suggest_float("a", -3, 3)
    b = trial.suggest_float("b", 1e-4, 1.0, log=True)
    c = trial.suggest_int("c", -4, 8)
    d = trial.suggest_float("d", 0.0, 1.0, step=0.25)
    e = trial.suggest_int("e", 1, 1000, log=True)
    f = trial.suggest_categorical("f", ["u", "v"])
    return a * a + math.log10(b) ** 2 + (c - 2) ** 2 + d + math.log(e) + (f == "v")


def _states(study: hs.Study) -> list[dict]:
    return [json.loads(v) for k, v in study.system_attrs.items() if k.startswith("cma:")]


def _params(study: hs.Study) -> list[dict]:
    return [t.params for t in study.trials]


def test_same_seed_same_trials() -> None:
    runs = []
    for _ in range(2):
        study = hs.create_study(sampler=CmaEsSampler(seed=3))
        study.optimize(sphere, n_trials=30)
        runs.append(_params(study))
    assert runs[0] == runs[1]
    other = hs.create_study(sampler=CmaEsSampler(seed=4))
    other.optimize(sphere, n_trials=30)
    assert _params(other) != runs[0]


@pytest.mark.parametrize("with_margin", [False, True])
def test_values_lie_in_their_distributions(with_margin: bool) -> None:
    sampler = CmaEsSampler(seed=0, with_margin=with_margin, warn_independent_sampling=False)
    study = hs.create_study(sampler=sampler)
    study.optimize(mixed, n_trials=60)
    trials = study.trials
    assert all(t.state == TrialState.COMPLETE for t in trials)
    for t in trials:
        for name, value in t.params.items():
            dist = t.distributions[name]
            assert dist.contains(dist.to_internal(value)), (name, value)
        assert isinstance(t.params["c"], int) and isinstance(t.params["e"], int)
    # CMA-ES sampled the numeric ones: the trials carry a generation tag.
    assert sum("cma:generation" in t.system_attrs for t in trials) >= 50


def test_categorical_goes_to_independent_sampler_with_warning() -> None:
    study = hs.create_study(sampler=CmaEsSampler(seed=0))
    study.optimize(mixed, n_trials=2)
    with pytest.warns(UserWarning, match="'f'"):
        study.optimize(mixed, n_trials=1)


def test_converges_on_4d_sphere() -> None:
    study = hs.create_study(sampler=CmaEsSampler(seed=1))
    study.optimize(sphere, n_trials=300)
    assert study.best_value < 1e-3
    generations = {t.system_attrs.get("cma:generation") for t in study.trials}
    assert max(g for g in generations if g is not None) >= 30


def test_parallel_threads_and_pickling() -> None:
    import pickle

    sampler = pickle.loads(pickle.dumps(CmaEsSampler(seed=1)))
    study = hs.create_study(sampler=sampler)
    study.optimize(sphere, n_trials=300, n_jobs=4)
    assert study.best_value < 1e-2


def test_separable_cma_converges_and_keeps_c_diagonal() -> None:
    study = hs.create_study(sampler=CmaEsSampler(seed=1, use_separable_cma=True))
    study.optimize(sphere, n_trials=300)
    assert study.best_value < 1e-2
    last = max(_states(study), key=lambda s: s["cma"]["g"])
    c = np.array(last["cma"]["C"])
    assert last["cma"]["g"] > 20 and np.count_nonzero(c - np.diag(np.diag(c))) == 0


def test_pruned_trials_count_only_when_asked() -> None:
    def f(t: hs.Trial) -> float:
        v = t.suggest_float("x", -1, 1) ** 2 + t.suggest_float("y", -1, 1) ** 2
        t.report(v, 1)
        if t.number % 2:
            raise hs.TrialPruned()
        return v

    gens = {}
    for flag in (False, True):
        study = hs.create_study(sampler=CmaEsSampler(seed=0, consider_pruned_trials=flag))
        study.optimize(f, n_trials=60)
        gens[flag] = max(s["cma"]["g"] for s in _states(study))
    # With pruned trials ranked by their last report, generations fill twice as fast.
    assert gens[True] >= 1.6 * gens[False]


def test_maximize_direction() -> None:
    study = hs.create_study(sampler=CmaEsSampler(seed=2), direction="maximize")
    study.optimize(lambda t: -sphere(t), n_trials=200)
    assert study.best_value > -1e-2


def test_ipop_restart_grows_population_on_flat_function() -> None:
    sampler = CmaEsSampler(seed=0, restart_strategy="ipop", popsize=4, inc_popsize=2)
    study = hs.create_study(sampler=sampler)
    study.optimize(
        lambda t: 0.0 * t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1) * 0, n_trials=160
    )
    states = _states(study)
    popsizes = {s["cma"]["popsize"] for s in states}
    assert 4 in popsizes and 8 in popsizes
    assert max(s["meta"]["restarts"] for s in states) >= 1


def test_bipop_restarts_alternate_regimes() -> None:
    sampler = CmaEsSampler(seed=0, restart_strategy="bipop", popsize=4)
    study = hs.create_study(sampler=sampler)
    study.optimize(
        lambda t: 0.0 * t.suggest_float("x", 0, 1) * t.suggest_float("y", 0, 1), n_trials=400
    )
    metas = [s["meta"] for s in _states(study)]
    assert max(m["restarts"] for m in metas) >= 2
    assert {m.get("regime") for m in metas} >= {"large", "small"}


def test_fresh_sampler_continues_from_storage() -> None:
    full = hs.create_study(sampler=CmaEsSampler(seed=5))
    full.optimize(sphere, n_trials=60)

    storage = InMemoryStorage()
    first = hs.create_study(storage=storage, study_name="s", sampler=CmaEsSampler(seed=5))
    first.optimize(sphere, n_trials=33)
    resumed = hs.load_study(study_name="s", storage=storage, sampler=CmaEsSampler(seed=5))
    resumed.optimize(sphere, n_trials=27)
    assert _params(resumed) == _params(full)


def test_state_is_json_and_roundtrips() -> None:
    cma = CMA(np.full(3, 0.5), 0.2, popsize=6)
    cma.enable_lr_adapt()
    rng = np.random.default_rng(0)
    xs = np.array([cma.ask(rng) for _ in range(6)])
    cma.tell(xs, (xs**2).sum(axis=1))
    clone = CMA.from_json(json.loads(json.dumps(cma.to_json())))
    a, b = cma.ask(np.random.default_rng(1)), clone.ask(np.random.default_rng(1))
    assert np.array_equal(a, b)


def test_old_generation_trials_are_ignored() -> None:
    # Three workers ask three trials each before any finishes: only `popsize` are told.
    study = hs.create_study(sampler=CmaEsSampler(seed=0, popsize=4, n_startup_trials=0))
    trials = [study.ask() for _ in range(10)]
    for t in trials:
        t.suggest_float("x", -1, 1)
        t.suggest_float("y", -1, 1)
    # First trial has no relative space yet (nothing complete); finish and ask on.
    for t in trials:
        study.tell(t, t.params["x"] ** 2 + t.params["y"] ** 2)
    study.optimize(
        lambda t: t.suggest_float("x", -1, 1) ** 2 + t.suggest_float("y", -1, 1) ** 2, n_trials=30
    )
    gens = [t.system_attrs.get("cma:generation") for t in study.trials]
    assert max(g for g in gens if g is not None) >= 5


def test_enqueued_trials_are_told_with_their_own_values() -> None:
    sampler = CmaEsSampler(seed=0, popsize=4, n_startup_trials=1)
    study = hs.create_study(sampler=sampler)

    def f(t: hs.Trial) -> float:
        return (t.suggest_float("x", 0, 1) - 0.9) ** 2 + (t.suggest_float("y", 0, 1) - 0.9) ** 2

    study.optimize(f, n_trials=1)
    for _ in range(4):
        study.enqueue_trial({"x": 0.9, "y": 0.9})
    study.optimize(f, n_trials=5)
    state = json.loads(
        next(v for k, v in study.system_attrs.items() if k.startswith("cma:") and k.endswith(":1"))
    )
    # All four told points sit at (0.9, 0.9): the mean moved from 0.5 straight there.
    assert np.allclose(state["cma"]["mean"], [0.9, 0.9])


def test_warm_start_uses_source_trials() -> None:
    dists = {"x": FloatDistribution(-5, 5), "y": FloatDistribution(-5, 5)}
    rng = np.random.default_rng(0)
    source = []
    for _ in range(100):
        x, y = rng.uniform(-5, 5, 2)
        source.append(
            create_trial(
                value=(x - 3) ** 2 + (y + 2) ** 2, params={"x": x, "y": y}, distributions=dists
            )
        )
    sampler = CmaEsSampler(seed=0, source_trials=source, n_startup_trials=0)
    study = hs.create_study(sampler=sampler)
    study.enqueue_trial({"x": 0.0, "y": 0.0})
    study.optimize(
        lambda t: (t.suggest_float("x", -5, 5) - 3) ** 2 + (t.suggest_float("y", -5, 5) + 2) ** 2,
        n_trials=9,
    )
    state = next(
        json.loads(v)
        for k, v in study.system_attrs.items()
        if k.startswith("cma:") and k.endswith(":0")
    )
    mean = np.array(state["cma"]["mean"])
    # The optimum (3, -2) is (0.8, 0.3) in unit coordinates; the centre would be (0.5, 0.5).
    assert np.allclose(mean, [0.8, 0.3], atol=0.1)
    assert state["cma"]["sigma"] < 1 / 6
    xs = np.array([[t.params["x"], t.params["y"]] for t in study.trials[1:]])
    assert np.linalg.norm(xs.mean(axis=0) - [3, -2]) < 1.5


def test_x0_and_sigma0_set_the_first_generation() -> None:
    x0 = {"x0": 3.0, "x1": -2.0, "x2": 0.0, "x3": 4.0}
    study = hs.create_study(sampler=CmaEsSampler(x0=x0, sigma0=0.001, seed=0))
    study.optimize(sphere, n_trials=6)
    for t in study.trials[1:]:
        # sigma0 is in unit-cube coordinates: 0.001 of the range 10 is 0.01.
        assert all(abs(t.params[k] - v) < 0.06 for k, v in x0.items())


def test_margin_keeps_integer_neighbours_reachable() -> None:
    space = {"k": IntDistribution(0, 4), "x": FloatDistribution(0, 1)}
    transform = UnitTransform(space)
    edges = transform.edges()
    assert edges[1] is None and np.allclose(edges[0], [0.2, 0.4, 0.6, 0.8])
    cma = CMA(np.array([0.5, 0.5]), 1e-4, popsize=6)
    cma.apply_margin(edges)
    rng = np.random.default_rng(0)
    ks = [transform.from_unit(cma.ask(rng))["k"] for _ in range(2000)]
    # Without the margin a step size of 1e-4 would give k = 2 only.
    assert {1, 3} <= set(ks)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="restart_strategy"):
        CmaEsSampler(restart_strategy="cold")
    with pytest.raises(ValueError, match="sigma0"):
        CmaEsSampler(sigma0=-1.0)
    with pytest.raises(ValueError, match="popsize"):
        CmaEsSampler(popsize=1)
    with pytest.raises(ValueError, match="x0"):
        study = hs.create_study(sampler=CmaEsSampler(x0={"x0": 0.0}))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            study.optimize(sphere, n_trials=3, catch=())
