"""The GP sampler's numerical pieces: analytic gradients, the global candidates, the optimiser."""

from __future__ import annotations

import numpy as np

from hypersearch.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hypersearch.samplers._gp._model import (
    GPModel,
    Prior,
    _neg_log_posterior,
    sq_dist_parts,
)
from hypersearch.samplers._gp._optimize import global_candidates, maximize_acquisition
from hypersearch.samplers._gp._space import SearchSpaceEncoding


def _data(n: int = 25, d: int = 5, cat: tuple[int, ...] = (1, 4)):
    rng = np.random.default_rng(3)
    is_cat = np.zeros(d, dtype=bool)
    is_cat[list(cat)] = True
    x = rng.random((n, d))
    x[:, is_cat] = rng.integers(0, 3, size=(n, int(is_cat.sum())))
    y = np.sin(4 * x[:, 0]) + x[:, 2] ** 2 + rng.normal(0, 0.05, n)
    return rng, x, (y - y.mean()) / y.std(), is_cat


def test_predict_grad_matches_finite_differences() -> None:
    rng, x, y, is_cat = _data()
    theta = np.r_[rng.normal(-1.0, 0.3, x.shape[1]), 0.2, np.log(1e-2)]
    model = GPModel(x, y, is_cat, theta, deterministic=False)
    xq = x[:6].copy()
    xq[:, ~is_cat] = rng.random((6, int((~is_cat).sum())))
    active = ~is_cat
    mean, var, dmean, dvar = model.predict_grad(xq, active)
    ref_mean, ref_var = model.predict(xq)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(var, ref_var, rtol=1e-10, atol=1e-12)
    h = 1e-6
    for k, j in enumerate(np.flatnonzero(active)):
        up, down = xq.copy(), xq.copy()
        up[:, j] += h
        down[:, j] -= h
        (mu_up, var_up), (mu_down, var_down) = model.predict(up), model.predict(down)
        np.testing.assert_allclose(dmean[:, k], (mu_up - mu_down) / (2 * h), rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(dvar[:, k], (var_up - var_down) / (2 * h), rtol=1e-4, atol=1e-6)


def test_neg_log_posterior_gradient_matches_finite_differences() -> None:
    rng, x, y, is_cat = _data()
    d = x.shape[1]
    parts = sq_dist_parts(x, x, is_cat).reshape(-1, d)
    prior = Prior(d).arrays(True)
    theta = np.r_[rng.normal(-1.0, 0.3, d), 0.1, np.log(3e-2)]
    value, grad = _neg_log_posterior(theta, parts, y, prior, True)
    assert np.isfinite(value)
    h = 1e-6
    for j in range(len(theta)):
        step = np.zeros_like(theta)
        step[j] = h
        up = _neg_log_posterior(theta + step, parts, y, prior, True)[0]
        down = _neg_log_posterior(theta - step, parts, y, prior, True)[0]
        assert abs(grad[j] - (up - down) / (2 * h)) < 1e-4 * max(1.0, abs(grad[j]))


def test_global_candidates_are_a_shifted_low_discrepancy_set_that_the_seed_fixes() -> None:
    enc = SearchSpaceEncoding({f"x{i}": FloatDistribution(0, 1) for i in range(5)})
    a = global_candidates(enc, 1024, np.random.default_rng(5))
    b = global_candidates(enc, 1024, np.random.default_rng(5))
    c = global_candidates(enc, 1024, np.random.default_rng(6))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.min() >= 0.0 and a.max() <= 1.0
    # Low discrepancy on every axis: each 1/16 holds 1024 / 16 = 64 points up to a few (random
    # points stray by ~3 standard deviations, ~22)
    for u in (a, c):
        for j in range(5):
            counts = np.bincount(np.floor(u[:, j] * 16).astype(int), minlength=16)
            assert np.abs(counts - 64).max() <= 5
    assert len(global_candidates(enc, 1000, np.random.default_rng(5))) == 1000


def test_maximize_acquisition_reaches_the_optimum_of_a_mixed_space() -> None:
    space = {
        "f0": FloatDistribution(0, 1),
        "i": IntDistribution(0, 10),
        "c": CategoricalDistribution(["a", "b", "c"]),
        "f1": FloatDistribution(0, 1),
    }
    enc = SearchSpaceEncoding(space)
    target = enc.encode(np.array([[0.3, 7.0, 2.0, 0.8]]))[0]

    def value(u: np.ndarray) -> np.ndarray:
        return -np.sum((u - target) ** 2, axis=1)

    def value_grad(u: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return value(u), -2.0 * (u - target)[:, active]

    start = enc.encode(np.array([[0.9, 1.0, 0.0, 0.1]]))
    u = maximize_acquisition(
        enc, value, value_grad, np.random.default_rng(0), incumbents=start, n_candidates=64
    )
    best = enc.decode(u)
    assert best["i"] == 7 and best["c"] == "c"
    assert abs(best["f0"] - 0.3) < 1e-3 and abs(best["f1"] - 0.8) < 1e-3


def test_the_noise_prior_lets_a_deterministic_function_fit_as_noiseless():
    from hypersearch.samplers._gp._model import default_theta, fit_gp, narrow_noise_prior

    rng = np.random.default_rng(0)
    x = rng.random((30, 3))
    y = np.sin(3 * x[:, 0]) + x[:, 1] ** 2 - x[:, 2]
    y = (y - y.mean()) / y.std()
    is_cat = np.zeros(3, dtype=bool)
    starts = [default_theta(3, False)]
    sampler_fit = fit_gp(x, y, is_cat, deterministic=False, starts=starts)
    stop_fit = fit_gp(x, y, is_cat, deterministic=False, starts=starts, prior=narrow_noise_prior(3))
    assert sampler_fit.noise < 0.1 * stop_fit.noise  # the stopping rules keep their prior
    noisy = fit_gp(x, y + 0.3 * rng.standard_normal(30), is_cat, deterministic=False, starts=starts)
    assert noisy.noise > 10 * sampler_fit.noise  # noise in the data still shows
