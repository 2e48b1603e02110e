"""The GP's bounded quasi-Newton minimiser (``_gp/_boxmin``)."""

from __future__ import annotations

import numpy as np
import pytest

from hypersearch.samplers._gp._boxmin import minimize_box


def _quadratic(h: np.ndarray, c: np.ndarray):  # type: ignore[no-untyped-def]
    return lambda x: (0.5 * float(x @ h @ x) - float(c @ x), h @ x - c)


def _projected_gradient(grad: np.ndarray, x: np.ndarray, lo: np.ndarray, hi: np.ndarray):  # type: ignore[no-untyped-def]
    return x - np.clip(x - grad, lo, hi)


@pytest.mark.parametrize("seed", range(5))
def test_bounded_quadratic_reaches_its_kkt_point(seed: int) -> None:
    rng = np.random.default_rng(seed)
    d = 8
    a = rng.standard_normal((d, d))
    h = a @ a.T + 0.1 * np.eye(d)
    c = 3.0 * rng.standard_normal(d)
    lo, hi = -np.ones(d), np.ones(d)
    fun = _quadratic(h, c)
    res = minimize_box(fun, rng.uniform(lo, hi), lo, hi, maxiter=500, gtol=1e-8, ftol=0.0)
    assert np.all((res.x >= lo) & (res.x <= hi))
    assert np.abs(_projected_gradient(fun(res.x)[1], res.x, lo, hi)).max() < 1e-6
    # convex: no feasible point on a fine random sample does better
    others = rng.uniform(lo, hi, size=(2000, d))
    assert res.fun <= min(fun(o)[0] for o in others) + 1e-9


def test_unconstrained_rosenbrock_converges() -> None:
    def rosenbrock(x: np.ndarray) -> tuple[float, np.ndarray]:
        f = float(100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2)
        g = np.array([-400 * x[0] * (x[1] - x[0] ** 2) - 2 * (1 - x[0]), 200 * (x[1] - x[0] ** 2)])
        return f, g

    big = np.full(2, 10.0)
    res = minimize_box(rosenbrock, np.array([-1.2, 1.0]), -big, big, maxiter=200, gtol=1e-9)
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-4)
    assert res.n_steps < 100


def test_a_minimum_outside_the_box_ends_on_the_bound() -> None:
    fun = _quadratic(np.eye(3), np.array([5.0, -5.0, 0.2]))  # minimum at (5, -5, 0.2)
    lo, hi = np.zeros(3), np.ones(3)
    res = minimize_box(fun, np.full(3, 0.5), lo, hi, maxiter=50)
    np.testing.assert_allclose(res.x, [1.0, 0.0, 0.2], atol=1e-6)


def test_maxiter_bounds_the_steps_and_the_start_is_clipped() -> None:
    fun = _quadratic(np.diag([1.0, 100.0]), np.array([1.0, 1.0]))
    lo, hi = -np.ones(2), np.ones(2)
    res = minimize_box(fun, np.array([7.0, -7.0]), lo, hi, maxiter=2)
    assert res.n_steps <= 2
    assert np.all((res.x >= lo) & (res.x <= hi))
    assert res.fun < fun(np.array([1.0, -1.0]))[0]


def test_non_finite_values_are_backtracked_from() -> None:
    def fun(x: np.ndarray) -> tuple[float, np.ndarray]:
        if x[0] > 0.5:  # a wall the steps must not land on
            return float("inf"), np.zeros(1)
        return float((x[0] - 2.0) ** 2), np.array([2.0 * (x[0] - 2.0)])

    res = minimize_box(fun, np.array([0.0]), np.array([-1.0]), np.array([1.0]), maxiter=30)
    assert np.isfinite(res.fun)
    assert 0.3 < res.x[0] <= 0.5


def test_a_non_finite_start_is_returned_as_is() -> None:
    res = minimize_box(
        lambda x: (float("nan"), np.zeros(2)), np.zeros(2), -np.ones(2), np.ones(2), maxiter=10
    )
    assert res.n_evals == 1 and res.n_steps == 0
