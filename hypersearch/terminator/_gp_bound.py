"""The regret bound of Makarova et al. (2022), on hypersearch's own Gaussian process.

With a GP posterior ``mu, sigma`` fitted to the best trials (minimising), and
``LCB = mu - sqrt(beta) sigma``, ``UCB = mu + sqrt(beta) sigma``, the simple
regret of the best evaluated configuration is, with high probability, at most

    bound = min over evaluated x of UCB(x)  -  min over the whole space of LCB(x)

where ``beta = 2 log(d n^2 pi^2 / (6 delta)) / 5`` (GP-UCB's schedule for ``n``
points in ``d`` dimensions at confidence ``1 - delta``, scaled down by 5 as in the
paper's experiments after Srinivas et al.). The GP is fitted on the top
``top_trials_ratio`` of the complete trials (at least ``min_n_trials``), with
outputs standardised on them; the bound and the GP's noise standard deviation
are returned in the objective's units. The fit also gives an estimate of the
objective's noise (``noise_std``), used when no cross-validation scores exist.
Hyperparameters are refitted every ``REFIT_EVERY`` evaluations (warm-started
from the last fit) and reused in between: the fit is most of the cost.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hypersearch.search_space import intersection_search_space
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState


@dataclass(frozen=True)
class BoundFit:
    """One evaluation of the bound.

    Attributes:
        bound: Upper bound on the regret of the best evaluated trial (objective units).
        noise_std: The GP's noise standard deviation (objective units).
        n_top: Trials the GP was fitted on.
        beta: The confidence multiplier's square.
    """

    bound: float
    noise_std: float
    n_top: int
    beta: float


def ucb_beta(n_params: int, n_points: int, delta: float) -> float:
    """GP-UCB's ``beta`` for ``n_points`` in ``n_params`` dimensions, scaled down by 5."""
    inner = max(n_params, 1) * max(n_points, 1) ** 2 * math.pi**2 / (6.0 * delta)
    return max(2.0 * math.log(inner) / 5.0, 0.0)


def complete_single(trials: Sequence[FrozenTrial]) -> list[FrozenTrial]:
    """COMPLETE trials with one finite value; several objectives raise ValueError."""
    out = []
    for t in trials:
        if t.state != TrialState.COMPLETE or t.values is None:
            continue
        if len(t.values) != 1:
            raise ValueError("The stopping rule supports single-objective studies only.")
        if math.isfinite(t.values[0]):
            out.append(t)
    return out


def signed_values(trials: Sequence[FrozenTrial], direction: StudyDirection) -> np.ndarray:
    """The trials' values, negated when maximising (so that lower is better)."""
    sign = -1.0 if direction == StudyDirection.MAXIMIZE else 1.0
    values = [float(t.values[0]) for t in trials]  # type: ignore[index]
    return sign * np.asarray(values, dtype=float)


# Hyperparameters are re-optimised every this many evaluations (warm-started), else reused.
REFIT_EVERY = 3


class RegretBound:
    """Fits the GP and evaluates the bound; keeps the last hyperparameters as a warm start."""

    def __init__(self, top_trials_ratio: float, min_n_trials: int, seed: int | None) -> None:
        self.top_trials_ratio = top_trials_ratio
        self.min_n_trials = min_n_trials
        self.rng = np.random.default_rng(seed)
        self._theta: np.ndarray | None = None
        self._space_key: Any = None
        self._since_fit = 0

    def evaluate(
        self, trials: Sequence[FrozenTrial], direction: StudyDirection, delta: float = 0.1
    ) -> BoundFit:
        from hypersearch.samplers._gp._space import SearchSpaceEncoding
        from hypersearch.samplers._gp._transform import one_blas_thread

        complete = complete_single(trials)
        if not complete:
            raise ValueError("No trial has completed yet: the regret bound cannot be evaluated.")
        space = {n: d for n, d in intersection_search_space(complete).items() if not d.single()}
        if not space:
            raise ValueError("The trials share no parameter: the regret bound needs one.")
        y = signed_values(complete, direction)
        keep = self._top(y)
        enc = SearchSpaceEncoding(space)
        internal = np.array(
            [[space[n].to_internal_repr(complete[i].params[n]) for n in space] for i in keep],
            dtype=float,
        )
        x = enc.encode(internal)
        top = y[keep]
        scale = max(float(top.std()), 1e-10)
        z = (top - top.mean()) / scale
        with one_blas_thread():  # small matrices: BLAS threads only add overhead
            model = self._fit(x, z, enc, (tuple(space), tuple(space.values())))
            beta = ucb_beta(enc.dim, len(keep), delta)
            bound = standard_bound(model, enc, x, beta, self.rng)
        return BoundFit(bound * scale, math.sqrt(model.noise) * scale, len(keep), beta)

    def _top(self, y: np.ndarray) -> np.ndarray:
        n = len(y)
        n_top = min(max(int(n * self.top_trials_ratio), self.min_n_trials), n)
        return np.sort(np.argsort(y, kind="stable")[:n_top])

    def _fit(self, x: np.ndarray, z: np.ndarray, enc: Any, key: Any) -> Any:
        """MAP hyperparameters, warm-started; between refits the last ones are reused."""
        from hypersearch.samplers._gp._model import (
            GPModel,
            default_theta,
            fit_gp,
            narrow_noise_prior,
        )

        theta = self._theta if self._space_key == key else None
        if theta is not None and self._since_fit + 1 < REFIT_EVERY:
            self._since_fit += 1
            return GPModel(x, z, enc.is_cat, theta, deterministic=False)
        starts = [theta if theta is not None else default_theta(enc.dim, False)]
        model = fit_gp(
            x,
            z,
            enc.is_cat,
            deterministic=False,
            starts=starts,
            maxiter=50,
            prior=narrow_noise_prior(enc.dim),
        )
        self._theta, self._space_key, self._since_fit = model.theta, key, 0
        return model


def standard_bound(
    model: Any, enc: Any, x: np.ndarray, beta: float, rng: np.random.Generator
) -> float:
    """``min UCB`` over the points ``x`` minus ``min LCB`` over the space (standardised units)."""
    from hypersearch.samplers._gp._acqf import build_acquisition
    from hypersearch.samplers._gp._optimize import maximize_acquisition

    root = math.sqrt(beta)
    mean, var = model.predict(x)
    sd = np.sqrt(var)
    min_ucb = float((mean + root * sd).min())
    # -LCB is the sampler's UCB acquisition (-mu + sqrt(beta) sigma): maximise it.
    value, value_grad = build_acquisition(model, "UCB", best=0.0, beta=beta)
    u = maximize_acquisition(
        enc, value, value_grad, rng, incumbents=x, n_candidates=512, n_starts=2
    )
    lcb_space = -float(value(np.atleast_2d(u))[0])
    min_lcb = min(float((mean - root * sd).min()), lcb_space)
    return max(min_ucb - min_lcb, 0.0)
