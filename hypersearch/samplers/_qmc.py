"""Quasi-Monte Carlo search: Sobol' or Halton points instead of independent random draws."""

from __future__ import annotations

import threading
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch import _keys
from hypersearch import logging as hs_logging
from hypersearch._validation import check_flags
from hypersearch.distributions import (
    BaseDistribution,
)
from hypersearch.samplers._base import BaseSampler, unit_to_external
from hypersearch.samplers._random import RandomSampler
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from scipy.stats import qmc

    from hypersearch.study._study import Study

SEED_KEY = _keys.QMC_SEED
_logger = hs_logging.get_logger(__name__)


class QMCSampler(BaseSampler):
    """Samples low-discrepancy points (scrambled Sobol' or Halton) from scipy.stats.qmc.

    The first ``n`` points of a (t, s)-sequence fill [0, 1)^d with discrepancy
    O((log n)^d / n) instead of random search's O(n^-1/2): fewer gaps and
    clusters for the same budget. The search space is fixed from the first
    finished trial (the very first trial samples every parameter with
    ``independent_sampler``); parameters outside it are sampled independently.
    Trial ``t`` takes point ``t`` of the sequence, so workers sharing a storage
    get distinct points; with ``seed=None`` the scrambling seed is drawn once
    and stored in the study, so every worker scrambles alike.

    Pick it for cheap trials in low-to-moderate dimension when you want even
    coverage (sensitivity scans, initial designs); prefer TPE/GP when trials are
    expensive and you want the budget spent near good regions.

    Args:
        qmc_type: ``"sobol"`` or ``"halton"``.
        scramble: Randomise the sequence (Owen scrambling for Sobol'); keeps
            the low discrepancy and removes the point at the origin.
        seed: Seed of the scrambling and of the default independent sampler.
        independent_sampler: Sampler for parameters outside the fixed space
            (default: ``RandomSampler(seed)``).
        warn_independent_sampling: Log a warning when a parameter outside the
            fixed space is sampled independently.
        warn_asynchronous_seeding: Accepted for Optuna's signature; no warning is needed:
            an unseeded sampler stores its scrambling seed in the study, so workers share it.
    """

    def __init__(
        self,
        *,
        qmc_type: str = "sobol",
        scramble: bool = True,
        seed: int | None = None,
        independent_sampler: BaseSampler | None = None,
        warn_independent_sampling: bool = True,
        warn_asynchronous_seeding: bool = True,
    ) -> None:
        check_flags(
            scramble=scramble,
            warn_independent_sampling=warn_independent_sampling,
            warn_asynchronous_seeding=warn_asynchronous_seeding,
        )
        if qmc_type not in ("sobol", "halton"):
            raise ValueError(f"qmc_type must be 'sobol' or 'halton', got {qmc_type!r}.")
        if independent_sampler is not None and not isinstance(independent_sampler, BaseSampler):
            raise TypeError(
                f"independent_sampler must be a BaseSampler, got {independent_sampler!r}."
            )
        self._qmc_type = qmc_type
        self._scramble = bool(scramble)
        self._seed = seed
        self._independent = independent_sampler or RandomSampler(seed=seed)
        self._warn = warn_independent_sampling
        self._space: dict[str, BaseDistribution] | None = None
        self._engine: qmc.QMCEngine | None = None
        self._engine_seed: int | None = seed
        self._lock = threading.Lock()

    def reseed_rng(self) -> None:
        self._independent.reseed_rng()

    # -- search space -----------------------------------------------------------------
    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        if self._space is not None:
            return self._space
        history = study.history
        rows = np.flatnonzero(history.mask(TrialState.COMPLETE, TrialState.PRUNED))
        if len(rows) == 0:
            return {}
        first = history.trial(int(rows[0]))
        space = {n: d for n, d in first.distributions.items() if not d.single()}
        self._space = dict(sorted(space.items()))
        return self._space

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        point = self._point(study, trial.number, len(search_space))
        return {
            name: unit_to_external(u, dist) for u, (name, dist) in zip(point, search_space.items())
        }

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        if self._warn and self._space is not None:
            _logger.warning(
                f"Trial {trial.number}: parameter {param_name!r} is outside the QMC search space "
                f"(fixed from the first finished trial); {type(self._independent).__name__} "
                "samples it."
            )
        return self._independent.sample_independent(study, trial, param_name, param_distribution)

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        self._independent.before_trial(study, trial)

    def after_trial(self, study: Study, trial: FrozenTrial, state: TrialState, values: Any) -> None:
        self._independent.after_trial(study, trial, state, values)

    # -- the sequence ---------------------------------------------------------------------
    def _scramble_seed(self, study: Study) -> int:
        if self._engine_seed is not None:
            return self._engine_seed
        stored = study.system_attrs.get(SEED_KEY)
        if stored is None:
            stored = int(np.random.default_rng().integers(2**31 - 1))
            study.set_system_attr(SEED_KEY, stored)
        self._engine_seed = int(stored)
        return self._engine_seed

    def _point(self, study: Study, index: int, d: int) -> np.ndarray:
        """Point ``index`` of the sequence; the engine is kept and fast-forwarded."""
        from scipy.stats import qmc

        with self._lock:
            seed = self._scramble_seed(study) if self._scramble else 0
            engine = self._engine
            if engine is None or engine.d != d:
                cls = qmc.Sobol if self._qmc_type == "sobol" else qmc.Halton
                engine = cls(d, scramble=self._scramble, rng=np.random.default_rng(seed))
                self._engine = engine
            if index < engine.num_generated:
                engine.reset()
            if index > engine.num_generated:
                engine.fast_forward(index - engine.num_generated)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # Sobol' balance note for n != 2^m
                return engine.random(1)[0]
