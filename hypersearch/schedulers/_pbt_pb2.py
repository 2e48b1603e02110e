"""PB2: population-based bandits (Parker-Holder et al., 2020) — PBT whose explore is a GP-UCB.

The data are the population's finished segments: ``x`` = the segment's
hyperparameters scaled to ``[0, 1]`` (log scale for log distributions),
``t`` = the step it ended at (in intervals), ``y`` = its improvement over the
checkpoint it started from, per step (sign-adjusted, bigger is better). A
time-varying GP (Bogunovic et al., 2016) models ``y``:

    k((x, t), (x', t')) = exp(-|x - x'|^2 / (2 l^2)) * (1 - eps) ** (|t - t'| / 2)

so that older observations count less as training moves on (``eps`` = 0 is
the plain squared-exponential GP). ``l``, ``eps`` and the noise are chosen by
marginal likelihood over a small grid. The explored hyperparameters maximise
``mu + kappa * sigma`` at the current time over random candidates in the
bounds (and near the copied ones); the members still training at that time
are added as pending points (their variance is "hallucinated", GP-BUCB,
Desautels et al. 2014) so that members exploring at once spread out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hypersearch.samplers._base import sample_uniform
from hypersearch.schedulers._pbt import PBTScheduler, Segment
from hypersearch.schedulers._pbt_explore import clip_to, default_explore
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._study import Study

_LENGTHS = (0.1, 0.2, 0.4, 0.8)
_EPS = (0.0, 0.05, 0.2)
_NOISE = (1e-3, 1e-2, 1e-1)


def _to_unit(dist: BaseDistribution, value: Any) -> float:
    assert isinstance(dist, (FloatDistribution, IntDistribution))
    low, high, v = float(dist.low), float(dist.high), float(value)
    if dist.log:
        low, high, v = math.log(low), math.log(high), math.log(v)
    return 0.0 if high == low else (v - low) / (high - low)


def _from_unit(dist: BaseDistribution, u: float) -> Any:
    assert isinstance(dist, (FloatDistribution, IntDistribution))
    low, high = float(dist.low), float(dist.high)
    if dist.log:
        return clip_to(dist, math.exp(math.log(low) + u * (math.log(high) - math.log(low))))
    return clip_to(dist, low + u * (high - low))


class TimeVaryingGP:
    """A small GP on ``(x in [0,1]^d, t)`` with the time-varying kernel above."""

    def __init__(self, x: np.ndarray, t: np.ndarray, y: np.ndarray) -> None:
        from scipy.linalg import cho_factor, cho_solve  # scipy loads on first use

        self.x, self.t = x, t
        self.mean, self.scale = float(y.mean()), float(y.std()) or 1.0
        self.y = (y - self.mean) / self.scale
        best: tuple[float, float, float, float] | None = None
        for length in _LENGTHS:
            for eps in _EPS:
                for noise in _NOISE:
                    lml = self._lml(length, eps, noise)
                    if best is None or lml > best[0]:
                        best = (lml, length, eps, noise)
        assert best is not None
        _, self.length, self.eps, self.noise = best
        k = self.kernel(x, t, x, t) + self.noise * np.eye(len(y))
        self._chol = cho_factor(k, lower=True)
        self._alpha = cho_solve(self._chol, self.y)

    def kernel(
        self,
        xa: np.ndarray,
        ta: np.ndarray,
        xb: np.ndarray,
        tb: np.ndarray,
        length: float | None = None,
        eps: float | None = None,
    ) -> np.ndarray:
        length = self.length if length is None else length
        eps = self.eps if eps is None else eps
        d2 = ((xa[:, None, :] - xb[None, :, :]) ** 2).sum(-1)
        k = np.exp(-0.5 * d2 / length**2)
        if eps > 0.0:
            k = k * (1.0 - eps) ** (np.abs(ta[:, None] - tb[None, :]) / 2.0)
        return k

    def _lml(self, length: float, eps: float, noise: float) -> float:
        from scipy.linalg import cho_factor, cho_solve  # scipy loads on first use

        k = self.kernel(self.x, self.t, self.x, self.t, length, eps) + noise * np.eye(len(self.y))
        try:
            c = cho_factor(k, lower=True)
        except np.linalg.LinAlgError:
            return -np.inf
        a = cho_solve(c, self.y)
        return float(-0.5 * self.y @ a - np.log(np.diag(c[0])).sum())

    def predict(
        self, x: np.ndarray, t: float, pending: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and standard deviation (standardised units) at ``(x, t)``.

        ``pending`` points (at time ``t``) shrink the variance as if observed.
        """
        from scipy.linalg import cho_factor, cho_solve

        tq = np.full(len(x), float(t))
        ks = self.kernel(x, tq, self.x, self.t)
        mu = ks @ self._alpha
        if pending is not None and len(pending):
            xa = np.vstack([self.x, pending])
            ta = np.concatenate([self.t, np.full(len(pending), float(t))])
            ka = self.kernel(xa, ta, xa, ta) + self.noise * np.eye(len(xa))
            ksa = self.kernel(x, tq, xa, ta)
            v = cho_solve(cho_factor(ka, lower=True), ksa.T)
        else:
            ksa, v = ks, cho_solve(self._chol, ks.T)
        var = np.maximum(1.0 - np.einsum("ij,ji->i", ksa, v), 1e-12)
        return mu, np.sqrt(var)


class PB2Scheduler(PBTScheduler):
    """Population-based bandits: PBT whose explore step is a time-varying GP-UCB.

    Exploit is PBT's (the bottom ``quantile_fraction`` copies the top).
    Explore picks the numeric hyperparameters that maximise
    ``mu + kappa * sigma`` of a GP on ``(hyperparameters, time) ->
    improvement per step over the last segment``, within each distribution's
    bounds (see the module docstring); categoricals are kept, or resampled
    with ``resample_probability``. With fewer than ``min_data`` observed
    segments it explores like PBT. Pick it over PBT for small populations
    (PB2 reported PBT-level results with 4 members instead of 16+) and
    continuous hyperparameters.

    Args:
        population_size: Members (>= 2).
        perturbation_interval: Reported steps per segment.
        max_steps: Steps each member trains.
        quantile_fraction: Bottom fraction that copies the top, in (0, 0.5].
        kappa: UCB exploration weight; None uses ``sqrt(0.2 d log(2 n))``
            (Kandasamy et al., 2015), ``n`` the number of observations.
        n_candidates: Random candidates scored per explore.
        max_data: The most recent segments the GP is fitted on.
        min_data: Observations needed before the GP is used.
        resample_probability: For categoricals (and the PBT fallback).
        initial_params: Fixed hyperparameters for the first members.
        seed: Seed of the scheduler's random choices.
    """

    def __init__(
        self,
        population_size: int,
        perturbation_interval: int,
        max_steps: int,
        *,
        quantile_fraction: float = 0.25,
        kappa: float | None = None,
        n_candidates: int = 512,
        max_data: int = 200,
        min_data: int = 4,
        resample_probability: float = 0.25,
        initial_params: Sequence[Mapping[str, Any]] | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__(
            population_size,
            perturbation_interval,
            max_steps,
            quantile_fraction=quantile_fraction,
            resample_probability=resample_probability,
            initial_params=initial_params,
            seed=seed,
        )
        if kappa is not None and not (float(kappa) >= 0.0 and math.isfinite(float(kappa))):
            raise ValueError(f"kappa must be a finite number >= 0, got {kappa!r}.")
        self.kappa = None if kappa is None else float(kappa)
        for name, value, low in (
            ("n_candidates", n_candidates, 1),
            ("max_data", max_data, 2),
            ("min_data", min_data, 2),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{name} must be an int >= {low}, got {value!r}.")
        self.n_candidates, self.max_data, self.min_data = n_candidates, max_data, min_data

    def explore(
        self,
        study: Study,
        params: Mapping[str, Any],
        distributions: Mapping[str, BaseDistribution],
        *,
        step: int,
        segments: Mapping[int, Segment],
    ) -> dict[str, Any]:
        names = [
            n
            for n, d in distributions.items()
            if not isinstance(d, CategoricalDistribution) and not d.single()
        ]
        data = self._data(study, names, distributions, segments)
        with self._lock:
            if data is None or not names:
                return default_explore(
                    params,
                    distributions,
                    self._rng,
                    resample_probability=self.resample_probability,
                    factors=self.perturbation_factors,
                )
            x, t, y, pending = data
            new = dict(params)
            for n, d in distributions.items():
                if (
                    n not in names
                    and isinstance(d, CategoricalDistribution)
                    and self._rng.random() < self.resample_probability
                ):
                    new[n] = sample_uniform(self._rng, d)
            u = self._ucb_argmax(x, t, y, pending, names, params, distributions, step)
        for n, ui in zip(names, u):
            new[n] = _from_unit(distributions[n], float(ui))
        return new

    def _data(
        self,
        study: Study,
        names: list[str],
        distributions: Mapping[str, BaseDistribution],
        segments: Mapping[int, Segment],
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        sign = 1.0 if study.direction == StudyDirection.MAXIMIZE else -1.0
        rows, pending = [], []
        for g in segments.values():
            if not all(n in g.params and g.distributions.get(n) == distributions[n] for n in names):
                continue
            u = [_to_unit(distributions[n], g.params[n]) for n in names]
            if g.state == TrialState.RUNNING:
                pending.append(u)
                continue
            src = segments.get(g.source) if g.source is not None else None  # type: ignore[arg-type]
            if (
                g.state != TrialState.COMPLETE
                or src is None
                or g.value is None
                or src.value is None
            ):
                continue
            if not (math.isfinite(g.value) and math.isfinite(src.value)) or g.end <= g.start:
                continue
            rows.append((g.end, u, sign * (g.value - src.value) / (g.end - g.start)))
        if len(rows) < self.min_data:
            return None
        rows.sort(key=lambda r: r[0])
        rows = rows[-self.max_data :]
        x = np.array([r[1] for r in rows], dtype=float)
        t = np.array([r[0] for r in rows], dtype=float) / self.perturbation_interval
        y = np.array([r[2] for r in rows], dtype=float)
        return x, t, y, np.array(pending, dtype=float).reshape(-1, len(names))

    def _ucb_argmax(
        self,
        x: np.ndarray,
        t: np.ndarray,
        y: np.ndarray,
        pending: np.ndarray,
        names: list[str],
        params: Mapping[str, Any],
        distributions: Mapping[str, BaseDistribution],
        step: int,
    ) -> np.ndarray:
        d = len(names)
        gp = TimeVaryingGP(x, t, y)
        here = np.array([_to_unit(distributions[n], params[n]) for n in names])
        cands = np.vstack(
            [
                self._rng.random((self.n_candidates, d)),
                np.clip(here + 0.1 * self._rng.standard_normal((self.n_candidates // 4, d)), 0, 1),
            ]
        )
        kappa = self.kappa
        if kappa is None:
            kappa = math.sqrt(0.2 * d * math.log(2.0 * (len(y) + 1)))
        mu, sd = gp.predict(
            cands, (step + self.perturbation_interval) / self.perturbation_interval, pending
        )
        return cands[int(np.argmax(mu + kappa * sd))]
