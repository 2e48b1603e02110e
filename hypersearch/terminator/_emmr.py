"""EMMR: a bound on how much the expected minimum simple regret moved with the last trial.

After Ishibashi et al. (AISTATS 2023), "A stopping criterion for Bayesian
optimization by the gap of expected minimum simple regrets". With GPs fitted on
the first ``t - 1`` and on all ``t`` complete trials (outputs standardised on
all ``t``; minimising), ``x*`` the best observed point of each:

* ``a = mu_t(x*_t) - mu_{t-1}(x*_{t-1})`` and ``v^2 = Var_t[f(x*_t) - f(x*_{t-1})]``;
  the change of the best posterior mean is bounded by ``v h(a / v)`` with
  ``h(z) = phi(z) + z Phi(z)`` (the expected positive part of ``N(a, v^2)``);
* the posteriors' divergence after the new observation ``y_t`` at ``x_t``,
  ``KL = (log(1 + s/n) - s/(s + n) + s (y_t - m)^2 / (s + n)^2) / 2`` with
  ``m, s`` the ``t - 1`` posterior mean and variance at ``x_t`` and ``n`` the noise
  variance, enters as ``kappa_{t-1} sqrt(KL / 2)``, ``kappa_{t-1}`` the regret bound
  of the ``t - 1`` GP.

The criterion is the sum, in standardised units; pair it with
:class:`MedianErrorEvaluator`, whose threshold is relative to its early values.
Here ``n`` is the GP's fitted noise variance (the observation model's).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from hypersearch.search_space import intersection_search_space
from hypersearch.study._direction import StudyDirection
from hypersearch.terminator._gp_bound import (
    complete_single,
    signed_values,
    standard_bound,
    ucb_beta,
)
from hypersearch.terminator._improvement import BaseImprovementEvaluator
from hypersearch.trial._frozen import FrozenTrial

_SQRT_2PI = math.sqrt(2.0 * math.pi)


def _expected_positive(a: float, v: float) -> float:
    """``E[max(0, N(a, v^2))] = v h(a/v)``."""
    z = a / v
    return v * (math.exp(-0.5 * z * z) / _SQRT_2PI + z * 0.5 * math.erfc(-z / math.sqrt(2.0)))


def _posterior_cov(model: Any, xa: np.ndarray, xb: np.ndarray) -> float:
    ka, kb = model.kernel(xa[None]), model.kernel(xb[None])
    prior = float(model.kernel(xa[None], xb[None])[0, 0])
    return prior - float((ka @ model.k_inv @ kb.T)[0, 0])


class EMMREvaluator(BaseImprovementEvaluator):
    """Expected minimum model regret (see the module docstring).

    Args:
        deterministic_objective: Fit the GPs with (almost) no noise.
        delta: Confidence of the regret bound ``kappa``.
        min_n_trials: Below this many complete trials the criterion is ``inf`` (go on).
        seed: Seed of the search for the regret bound's lowest lower bound.
    """

    def __init__(
        self,
        deterministic_objective: bool = False,
        delta: float = 0.1,
        min_n_trials: int = 2,
        seed: int | None = None,
    ) -> None:
        if isinstance(min_n_trials, bool) or not isinstance(min_n_trials, int):
            raise TypeError(f"min_n_trials must be an int, got {min_n_trials!r}.")
        if min_n_trials < 2:
            raise ValueError(f"min_n_trials must be >= 2, got {min_n_trials}.")
        if not (isinstance(delta, (int, float)) and 0 < delta < 1):
            raise ValueError(f"delta must be in (0, 1), got {delta!r}.")
        self._deterministic = bool(deterministic_objective)
        self._delta = float(delta)
        self.min_n_trials = min_n_trials
        self._rng = np.random.default_rng(seed)

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        from hypersearch.samplers._gp._space import SearchSpaceEncoding

        complete = sorted(complete_single(trials), key=lambda t: t.number)
        if len(complete) < self.min_n_trials:
            return math.inf
        space = {n: d for n, d in intersection_search_space(complete).items() if not d.single()}
        if not space:
            return math.inf  # nothing to model: never stop on this criterion
        enc = SearchSpaceEncoding(space)
        x = enc.encode(
            np.array([[space[n].to_internal_repr(t.params[n]) for n in space] for t in complete])
        )
        y = signed_values(complete, study_direction)
        z = (y - y.mean()) / max(float(y.std()), 1e-12)
        from hypersearch.samplers._gp._transform import one_blas_thread

        with one_blas_thread():  # small matrices: BLAS threads only add overhead
            before, now = self._fit(x[:-1], z[:-1], enc), self._fit(x, z, enc)
            return self._criterion(before, now, x, z, enc)

    def _fit(self, x: np.ndarray, z: np.ndarray, enc: Any) -> Any:
        from hypersearch.samplers._gp._model import default_theta, fit_gp, narrow_noise_prior

        det = self._deterministic
        return fit_gp(
            x,
            z,
            enc.is_cat,
            deterministic=det,
            starts=[default_theta(enc.dim, det)],
            maxiter=50,
            prior=narrow_noise_prior(enc.dim),
        )

    def _criterion(self, before: Any, now: Any, x: np.ndarray, z: np.ndarray, enc: Any) -> float:
        i_now, i_before = int(z.argmin()), int(z[:-1].argmin())
        mu_now, var_now = (float(v[0]) for v in now.predict(x[i_now][None]))
        mu_before = float(before.predict(x[i_before][None])[0][0])
        var_before_pt = float(now.predict(x[i_before][None])[1][0])
        cov = var_now if i_now == i_before else _posterior_cov(now, x[i_now], x[i_before])
        v = math.sqrt(max(var_now - 2.0 * cov + var_before_pt, 1e-10))
        shift = _expected_positive(mu_now - mu_before, v)
        m, s = (float(a[0]) for a in before.predict(x[-1][None]))
        noise = now.noise
        kl = 0.5 * (
            math.log1p(s / noise) - s / (s + noise) + s * (z[-1] - m) ** 2 / (s + noise) ** 2
        )
        beta = ucb_beta(enc.dim, len(z) - 1, self._delta)
        kappa = standard_bound(before, enc, x[:-1], beta, self._rng)
        return shift + kappa * math.sqrt(max(0.5 * kl, 0.0))
