"""TPE's core step: fit l(x) and g(x), draw candidates from l, keep the best by l / g."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from hypersearch.distributions import BaseDistribution
from hypersearch.samplers._tpe._parzen import ParzenEstimator
from hypersearch.samplers._tpe._space import Dim

_LO_CACHE_SIZE = 32  # good-set estimators kept (one per jointly sampled group / parameter)


class CandidatePicker:
    """Scores TPE's candidates for one sampler (its options, its cache of good-set models).

    Args:
        n_ei: Candidates drawn from l(x) per sample.
        weights: ``n -> (n,)`` weights of observations, oldest first.
        clip_by_study: In the joint model, the magic clip counts every modelled trial.
        max_above: At most this many kernels in g(x) (None: no limit).
        pe_opts: The Parzen estimators' keyword options.
    """

    def __init__(
        self,
        *,
        n_ei: int,
        weights: Callable[[int], np.ndarray],
        clip_by_study: bool,
        max_above: int | None,
        pe_opts: dict[str, Any],
    ) -> None:
        self.n_ei = n_ei
        self.weights = weights
        self.clip_by_study = clip_by_study
        self.max_above = max_above
        self.pe_opts = pe_opts
        self.lo_cache: dict[tuple[Any, ...], ParzenEstimator] = {}

    def pick(
        self,
        rng: np.random.Generator,
        lock: threading.Lock,
        names: list[str],
        dists: list[BaseDistribution],
        x: np.ndarray,
        below: np.ndarray,
        above: np.ndarray,
        w_below: np.ndarray | None,
        *,
        multivariate: bool,
        penalty: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> dict[str, Any]:
        """The candidate with the largest ``log l - log g`` (less ``penalty``), by name.

        ``rng`` and ``lock`` are the sampler's (the lock guards the generator and the
        cache). ``x`` holds every trial's internal values of ``names`` (NaN where absent);
        ``below`` / ``above`` are the split's row masks, ``w_below`` optional per-row
        weights of the good set (several objectives).
        """
        present = ~np.isnan(x).any(axis=1)
        rows_b = np.flatnonzero(below & present)
        rows_a = np.flatnonzero(above & present)
        dims = [Dim.of(d) for d in dists]
        clip_b = clip_a = None
        if self.clip_by_study and multivariate:
            clip_b = clip_a = len(rows_b) + len(rows_a)
        w_b = self.weights(len(rows_b)) if w_below is None else w_below[rows_b]
        lo = self._good_estimator(dims, x[rows_b], w_b, clip_b, multivariate)
        w_a = self.weights(len(rows_a))
        with lock:
            if self.max_above is not None and len(rows_a) > self.max_above:
                rows_a, w_a = self._thin(rng, rows_a, w_a)
            cand = lo.sample(rng, self.n_ei)
        hi = ParzenEstimator(
            dims, x[rows_a], w_a, clip_n=clip_a, multivariate=multivariate, **self.pe_opts
        )
        score = lo.log_pdf(cand) - hi.log_pdf(cand)
        if penalty is not None:  # cost_aware: per unit cost
            score = score - penalty(cand)
        best = cand[int(np.argmax(score))]
        return {
            name: dist.to_external(float(best[j]))
            for j, (name, dist) in enumerate(zip(names, dists))
        }

    def _good_estimator(
        self,
        dims: list[Dim],
        obs: np.ndarray,
        weights: np.ndarray,
        clip_n: int | None,
        multivariate: bool,
    ) -> ParzenEstimator:
        """l(x), reused while its inputs are unchanged (late in a study, most trials).

        The estimator is a pure function of the parameters' maps, the good
        observations, their weights and the magic clip's ``n`` (which stops mattering
        past 98), so the key holds those values themselves: ~25 rows, cheap to hash.
        """
        weights = np.asarray(weights, dtype=float)
        clip_key = None if clip_n is None else min(clip_n, 98)
        key = (tuple(dims), obs.shape, obs.tobytes(), weights.tobytes(), clip_key, multivariate)
        cache = self.lo_cache
        found = cache.get(key)
        if found is None:
            found = ParzenEstimator(
                dims, obs, weights, clip_n=clip_n, multivariate=multivariate, **self.pe_opts
            )
            if len(cache) >= _LO_CACHE_SIZE:
                cache.clear()
            cache[key] = found
        return found

    def _thin(
        self, rng: np.random.Generator, rows: np.ndarray, weights: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Keep ``max_above`` of the bad set, drawn in proportion to their weights.

        g(x) only has to be a broad density of where the bad trials lie; a weighted
        sample of it keeps its shape and makes the per-trial cost flat in the study size.
        Exponential races (Efraimidis-Spirakis: the ``k`` smallest ``E_i / w_i`` with
        ``E_i ~ Exp(1)``, the same law as Gumbel top-k, at a quarter of its cost): O(n).
        The kept kernels get equal weights.
        """
        assert self.max_above is not None
        with np.errstate(divide="ignore"):
            keys = rng.standard_exponential(len(rows)) / np.asarray(weights, dtype=float)
        keep = np.sort(np.argpartition(keys, self.max_above - 1)[: self.max_above])
        return rows[keep], np.ones(len(keep))
