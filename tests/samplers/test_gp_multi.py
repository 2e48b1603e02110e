"""GPSampler with several objectives (logEHVI) and with constraints (probability of feasibility)."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.multi_objective import hypervolume
from hypersearch.multi_objective._boxes import non_dominated_boxes
from hypersearch.samplers import GPSampler, RandomSampler
from hypersearch.samplers._gp._compose import reference_point
from hypersearch.samplers._gp._ehvi import LogEHVI


def _toy2(trial: hs.Trial) -> tuple[float, float]:
    """A 3-parameter ZDT1: the front is x1 in [0, 1], x2 = x3 = 0."""
    x = [trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(3)]
    g = 1.0 + 4.5 * (x[1] + x[2])
    return x[0], g * (1.0 - math.sqrt(x[0] / g))


def _sphere3(trial: hs.Trial) -> tuple[float, float, float]:
    x = np.array([trial.suggest_float(f"x{i}", -1.0, 1.0) for i in range(3)])
    return tuple(float(((x - c) ** 2).sum()) for c in np.eye(3))  # type: ignore[return-value]


# -- logEHVI ---------------------------------------------------------------------------
@pytest.mark.parametrize("m", [2, 3])
def test_log_ehvi_matches_monte_carlo_and_its_gradient(m: int) -> None:
    rng = np.random.default_rng(m)
    front = rng.random((8, m))
    lower, upper = non_dominated_boxes(front, np.full(m, 1.1))
    acq = LogEHVI(lower, upper)
    means = [rng.random(4) * 1.2 - 0.1 for _ in range(m)]
    variances = [rng.random(4) * 0.05 + 0.002 for _ in range(m)]
    value = acq.value(means, variances)
    samples = 40000
    for i in range(4):
        f = np.column_stack(
            [
                means[j][i] + math.sqrt(variances[j][i]) * rng.standard_normal(samples)
                for j in range(m)
            ]
        )
        hvi = (
            np.clip(upper[None] - np.maximum(lower[None], f[:, None, :]), 0, None)
            .prod(axis=2)
            .sum(axis=1)
        )
        assert math.exp(value[i]) == pytest.approx(
            hvi.mean(), abs=4 * hvi.std() / math.sqrt(samples)
        )
    val, d_mean, d_var = acq.value_grad(means, variances)
    np.testing.assert_allclose(val, value)
    for j in range(m):
        shifted = [a + (1e-6 if k == j else 0.0) for k, a in enumerate(means)]
        fd = (acq.value(shifted, variances) - value) / 1e-6
        np.testing.assert_allclose(d_mean[j], fd, rtol=1e-3, atol=1e-4)
        widened = [a + (1e-8 if k == j else 0.0) for k, a in enumerate(variances)]
        fd = (acq.value(means, widened) - value) / 1e-8
        np.testing.assert_allclose(d_var[j], fd, rtol=1e-3, atol=1e-3)


def test_log_ehvi_stays_finite_and_ordered_far_from_the_front() -> None:
    lower, upper = non_dominated_boxes(np.array([[0.2, 0.8], [0.5, 0.5], [0.8, 0.2]]), [1.0, 1.0])
    acq = LogEHVI(lower, upper)
    far = np.array([5.0, 50.0, 500.0])
    val, d_mean, _ = acq.value_grad([far, far], [np.full(3, 0.01)] * 2)
    assert np.all(np.isfinite(val)) and np.all(np.diff(val) < 0)  # plain EHVI would be 0
    assert all(np.all(np.isfinite(d)) and np.all(d < 0) for d in d_mean)


def test_reference_point_is_worst_plus_a_tenth_of_the_range() -> None:
    ref = reference_point(np.array([[0.0, 2.0], [1.0, 2.0]]))
    np.testing.assert_allclose(ref, [1.1, 2.1])  # a constant objective gets a range of 1


# -- multi-objective sampler ----------------------------------------------------------------
def _hv_toy2(sampler: hs.samplers.BaseSampler, n: int) -> float:
    study = hs.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(_toy2, n_trials=n)
    return hypervolume(study.history.values, [1.1, 6.0])


def test_two_objectives_beat_random_in_a_small_budget() -> None:
    for seed in range(2):
        gp = _hv_toy2(GPSampler(seed=seed, n_startup_trials=6), 20)
        rnd = _hv_toy2(RandomSampler(seed=seed), 20)
        assert gp > rnd + 0.3, (seed, gp, rnd)


def test_same_seed_same_trials_with_several_objectives() -> None:
    runs = []
    for _ in range(2):
        study = hs.create_study(
            directions=["minimize", "maximize", "minimize"],
            sampler=GPSampler(seed=5, n_startup_trials=4),
        )
        study.optimize(lambda t: (lambda v: (v[0], -v[1], v[2]))(_sphere3(t)), n_trials=7)
        runs.append([t.params for t in study.trials])
    assert runs[0] == runs[1]


def _dtlz2_small(trial: hs.Trial) -> tuple[float, float, float]:
    """DTLZ2 with 8 variables: x0, x1 position, x2..x7 distance (optimum at 0.5)."""
    x = np.array([trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(8)])
    g = float(((x[2:] - 0.5) ** 2).sum())
    a, b = x[0] * math.pi / 2, x[1] * math.pi / 2
    return (
        (1 + g) * math.cos(a) * math.cos(b),
        (1 + g) * math.cos(a) * math.sin(b),
        (1 + g) * math.sin(a),
    )


def test_distance_variables_move_towards_an_interior_optimum() -> None:
    # Searched globally, logEHVI sent them to the cube's corners (mean |x - 0.5| >= 0.25).
    for seed in range(2):
        study = hs.create_study(directions=["minimize"] * 3, sampler=GPSampler(seed=seed))
        study.optimize(_dtlz2_small, n_trials=40)
        late = np.array([[t.params[f"x{i}"] for i in range(2, 8)] for t in study.trials[-15:]])
        assert np.abs(late - 0.5).mean() < 0.18, seed  # uniform random: 0.25


def test_local_candidates_move_a_subset_and_the_polish_stays_near() -> None:
    from hypersearch.distributions import FloatDistribution
    from hypersearch.samplers._gp._optimize import _local_candidates, _polish
    from hypersearch.samplers._gp._space import SearchSpaceEncoding

    enc = SearchSpaceEncoding({f"x{i}": FloatDistribution(0.0, 1.0) for i in range(10)})
    rng = np.random.default_rng(0)
    centre = np.full((1, 10), 0.5)
    cands = _local_candidates(enc, centre, 500, rng, subset_prob=0.2)
    moved = (cands != 0.5).sum(axis=1)
    assert moved.min() >= 1 and 2.0 < moved.mean() < 4.5  # 1 + 0.2 * 9 on average
    slope = lambda u: u.sum(axis=1)  # noqa: E731  (maximised at the all-ones corner)
    grad = lambda u, active: (u.sum(axis=1), np.ones((len(u), int(active.sum()))))  # noqa: E731
    out = _polish(np.full((2, 10), 0.5), np.ones(10, dtype=bool), slope, grad, 20, radius=0.05)
    np.testing.assert_allclose(out, 0.55)


def test_four_objectives_run() -> None:
    def four(trial: hs.Trial) -> tuple[float, ...]:
        x = np.array([trial.suggest_float(f"x{i}", -1.0, 1.0) for i in range(2)])
        corners = np.array([[1, 1], [1, -1], [-1, 1], [-1, -1]])
        return tuple(float(((x - c) ** 2).sum()) for c in corners)

    study = hs.create_study(
        directions=["minimize"] * 4, sampler=GPSampler(seed=0, n_startup_trials=4)
    )
    study.optimize(four, n_trials=8)
    assert len(study.best_trials) >= 1 and all(
        t.state == hs.TrialState.COMPLETE for t in study.trials
    )


def test_a_pending_trial_makes_the_next_ask_differ() -> None:
    def asks(sampler: GPSampler) -> float:
        study = hs.create_study(directions=["minimize", "minimize"], sampler=sampler)
        study.optimize(_toy2, n_trials=10)
        points = []
        state = sampler._rng.bit_generator.state
        for _ in range(2):
            sampler._rng.bit_generator.state = state  # the same candidates both times
            trial = study.ask()  # stays RUNNING, as another worker's trial would
            points.append([trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(3)])
        return math.dist(*points)

    blind = GPSampler(seed=0, n_startup_trials=6)
    blind._pending = lambda history, params, number: np.empty((0, params.shape[1]))  # type: ignore[method-assign]
    assert asks(blind) < 1e-3  # without fantasies the same model asks the same point twice
    assert asks(GPSampler(seed=0, n_startup_trials=6)) > 0.05


# -- constraints ---------------------------------------------------------------------------
def _feasible_share(sampler: hs.samplers.BaseSampler, directions: list[str], n: int) -> float:
    study = hs.create_study(directions=directions, sampler=sampler)
    if len(directions) == 1:
        study.optimize(lambda t: _toy2(t)[1], n_trials=n)
    else:
        study.optimize(_toy2, n_trials=n)
    late = study.trials[n // 2 :]
    # The constrained optimum lies on the boundary, so count a small violation as kept.
    return float(np.mean([_constraint(t)[0] <= 0.05 for t in late]))


def _constraint(trial: hs.FrozenTrial) -> list[float]:
    """Feasible iff x1 >= 0.6: against both objectives of the toy (which want x1 = 0)."""
    return [0.6 - trial.params["x1"]]


@pytest.mark.parametrize("directions", [["minimize"], ["minimize", "minimize"]])
def test_constraints_are_respected_more_often_than_at_random(directions: list[str]) -> None:
    gp = _feasible_share(
        GPSampler(seed=0, n_startup_trials=6, constraints_func=_constraint), directions, 20
    )
    blind = _feasible_share(GPSampler(seed=0, n_startup_trials=6), directions, 20)
    rnd = _feasible_share(RandomSampler(seed=0), directions, 20)
    assert gp >= 0.8 and gp > rnd + 0.3 and gp > blind + 0.3, (gp, rnd, blind)


def test_constraints_are_recorded_and_the_front_is_feasible() -> None:
    study = hs.create_study(
        directions=["minimize", "minimize"],
        sampler=GPSampler(seed=1, n_startup_trials=6, constraints_func=_constraint),
    )
    study.optimize(_toy2, n_trials=14)
    assert all(len(t.system_attrs["constraints"]) == 1 for t in study.trials)
    assert all(t.system_attrs["constraints"][0] <= 0 for t in study.best_trials)


def test_without_a_feasible_trial_it_seeks_feasibility() -> None:
    def tight(trial: hs.FrozenTrial) -> list[float]:  # feasible only near (0.8, 0.8)
        return [abs(trial.params["x"] - 0.8) + abs(trial.params["y"] - 0.8) - 0.1]

    def objective(trial: hs.Trial) -> float:
        return trial.suggest_float("x", 0.0, 1.0) + trial.suggest_float("y", 0.0, 1.0)

    study = hs.create_study(sampler=GPSampler(seed=0, n_startup_trials=5, constraints_func=tight))
    study.enqueue_trial({"x": 0.0, "y": 0.0})
    study.optimize(objective, n_trials=14)
    violations = [t.system_attrs["constraints"][0] for t in study.trials]
    assert (
        sum(v <= 0.0 for v in violations) >= 2
    )  # random alone hits the 2% region rarely in 14 trials
    assert study.best_trial.system_attrs["constraints"][0] <= 0.0


@pytest.mark.parametrize("bad", [[float("nan")], ["high"], 3.0, [True]])
def test_a_bad_constraint_value_fails_the_trial_clearly(bad: object) -> None:
    study = hs.create_study(sampler=GPSampler(constraints_func=lambda t: bad))  # type: ignore[arg-type,return-value]
    with pytest.raises(ValueError, match="constraints_func"):
        study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=1)
    trial = study.trials[0]
    assert trial.state == hs.TrialState.FAIL
    assert "constraints_func" in trial.system_attrs["fail_reason"]


def test_a_changing_number_of_constraints_fails_the_trial() -> None:
    counts = iter([1, 1, 2])
    study = hs.create_study(sampler=GPSampler(constraints_func=lambda t: [-1.0] * next(counts)))
    study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=2)
    with pytest.raises(ValueError, match="earlier trials recorded 1"):
        study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=1)
    assert study.trials[-1].state == hs.TrialState.FAIL


def test_constraint_arguments_are_checked_and_the_sampler_pickles() -> None:
    with pytest.raises(TypeError, match="constraints_func"):
        GPSampler(constraints_func=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="constraints_func"):
        GPSampler(constraints_func=_constraint, acquisition="UCB")
    sampler = pickle.loads(pickle.dumps(GPSampler(seed=0, constraints_func=_constraint)))
    study = hs.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(_toy2, n_trials=3)
    assert len(study.trials) == 3


@pytest.mark.parametrize("acquisition", ["EI", "PI"])
def test_plain_ei_and_pi_take_constraints_too(acquisition: str) -> None:
    sampler = GPSampler(
        seed=0, n_startup_trials=4, acquisition=acquisition, constraints_func=_constraint
    )
    share = _feasible_share(sampler, ["minimize"], 12)
    assert share >= 0.8, share


def test_float_noise_ties_do_not_crowd_the_front() -> None:
    # DTLZ2's corners: f1 = f2 = (1 + g) cos(pi/2), ~1e-16 and different only by rounding.
    # Counted as distinct, every corner looked non-dominated and the search started from
    # copies of one corner at ever worse g (bench seed 3: hypervolume 0.072).
    from hypersearch.distributions import FloatDistribution
    from hypersearch.multi_objective._pareto import non_dominated_ranks
    from hypersearch.samplers._gp import _sampler
    from hypersearch.samplers._gp._compose import front_values

    corners = np.array([[1e-13, 3e-13, 1.0], [3e-13, 1e-13, 1.5], [2e-13, 2e-13, 1.8]])
    assert list(non_dominated_ranks(corners)) == [0, 0, 0]  # what the sampler used to see
    assert list(non_dominated_ranks(front_values(corners)) == 0) == [True, False, False]

    rng = np.random.default_rng(0)
    inner = rng.uniform(0.3, 1.2, size=(12, 3))
    values = np.vstack([corners, inner])
    dist = {"x": FloatDistribution(0.0, 1.0)}
    study = hs.create_study(
        directions=["minimize"] * 3, sampler=GPSampler(seed=0, n_startup_trials=5)
    )
    study.add_trials(
        hs.create_trial(values=list(v), params={"x": i / 20}, distributions=dist)
        for i, v in enumerate(values)
    )
    seen: list[np.ndarray] = []
    real = _sampler.maximize_acquisition

    def spy(enc, value, value_grad, rng, *, incumbents, **kw):  # type: ignore[no-untyped-def]
        seen.append(incumbents.copy())
        return real(enc, value, value_grad, rng, incumbents=incumbents, **kw)

    _sampler.maximize_acquisition = spy  # type: ignore[assignment]
    try:
        study.ask().suggest_float("x", 0.0, 1.0)
    finally:
        _sampler.maximize_acquisition = real  # type: ignore[assignment]
    starts = set(np.round(seen[0][:, 0] * 20).astype(int))
    assert 0 in starts and not starts & {1, 2}  # one corner, the best, starts a search
