"""What ``cost_aware=True`` adds to a sampler: a cost model, cost cooling, a weighted acquisition.

The acquisition per unit cost with cooling (CArBO, Lee et al. 2020) is
``EI(x) / c(x) ** alpha``: in log space (logEI, log PI) ``log EI(x) - alpha log c(x)``,
for TPE's ``log l(x) - log g(x)`` the same subtraction. ``c`` is the cost model's
prediction (:class:`~hypersearch.samplers._cost._model.CostModel`), ``alpha`` the
cooling (:func:`~hypersearch.samplers._cost._cooling.cooling_alpha`), for TPE times the
cost's weight (:func:`~hypersearch.samplers._cost._pitfall.cost_weight`: none when the
trials show that the costly ones are the good ones). The GP's random start leans to
cheap regions too (:mod:`~hypersearch.samplers._cost._design`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch.samplers._cost._cooling import budget_label, cooling_alpha
from hypersearch.samplers._cost._design import MIN_RANDOM, cheap_start_point
from hypersearch.samplers._cost._measure import CostWarning, costs_of
from hypersearch.samplers._cost._model import CostModel
from hypersearch.samplers._cost._pitfall import cost_weight, costly_is_better_evidence

if TYPE_CHECKING:  # the GP package imports this one: no import cycle at run time
    from hypersearch.distributions import BaseDistribution
    from hypersearch.samplers._gp._optimize import GradFn, ValueFn
    from hypersearch.samplers._gp._space import SearchSpaceEncoding
    from hypersearch.study._study import Study


class CostAwareness:
    """A sampler's cost model and cooling (one per sampler; not thread-safe: hold its lock).

    Args:
        rng: The sampler's random generator (the cost GP's restarts).
        n_init: The sampler's random start (``n_startup_trials``): the cooling's ``n_init``.
        cost_budget: The cooling's budget in cost units (None: the study's declared one).
        costly_is_better_check: Scale ``alpha`` by :func:`cost_weight` of the trials'
            evidence that the costly ones are the good ones (TPE: its candidates come from
            the good set, so a cheap pull feeds on itself; measured for both samplers in
            :mod:`~hypersearch.samplers._cost._pitfall`).
    """

    def __init__(
        self,
        rng: np.random.Generator,
        *,
        n_init: int,
        cost_budget: float | None = None,
        costly_is_better_check: bool = False,
    ) -> None:
        from hypersearch.samplers._gp._fitter import GPFitter
        from hypersearch.samplers._gp._model import narrow_noise_prior

        self.fitter = GPFitter(rng, deterministic=False, refit_every=5, prior=narrow_noise_prior)
        self.n_init = n_init
        self.cost_budget = cost_budget
        self.costly_is_better_check = costly_is_better_check
        self.last_alpha: float | None = None
        """The ``alpha`` of the last sample (None before any): for diagnostics and tests."""
        self.last_evidence = 0.0
        """The last :func:`costly_is_better_evidence` (< -1: the cost weighs less)."""
        self._warned_spent = False

    @property
    def rng(self) -> np.random.Generator:
        return self.fitter.rng

    @rng.setter
    def rng(self, rng: np.random.Generator) -> None:
        self.fitter.rng = rng

    def alpha(self, study: Study) -> float:
        """The cost's exponent now: the cooling (times the cost's weight), in :attr:`last_alpha`."""
        trials = study.history.trials()
        cooled = cooling_alpha(
            trials, study.system_attrs, n_init=self.n_init, cost_budget=self.cost_budget
        )
        if cooled <= 0.0:
            self._warn_spent(study)
        self.last_alpha = cooled
        if cooled > 0.0 and self.costly_is_better_check:
            self.last_evidence = self._evidence(study)
            self.last_alpha = cooled * cost_weight(self.last_evidence)
        return self.last_alpha

    def _evidence(self, study: Study) -> float:
        """How strongly the complete trials say that the costly ones are the good ones."""
        from hypersearch.trial._state import TrialState

        history = study.history
        if len(history.directions) > 1:
            return 0.0
        rows = np.flatnonzero(history.mask(TrialState.COMPLETE))
        costs = costs_of([history.trial(int(r)) for r in rows])
        column = np.array([np.nan if c is None else c for c in costs], dtype=float)
        return costly_is_better_evidence(history.signed_values()[rows, 0], column)

    def _warn_spent(self, study: Study) -> None:
        if self._warned_spent:
            return
        self._warned_spent = True
        budget = budget_label(study.system_attrs, self.cost_budget)
        warnings.warn(
            f"cost_aware: the cooling budget ({budget}) is spent, so the cost no longer "
            "weighs: from now on the sampler picks by its plain acquisition.",
            CostWarning,
            stacklevel=5,
        )

    def model(
        self, study: Study, rows: np.ndarray, enc: SearchSpaceEncoding, x: np.ndarray
    ) -> CostModel | None:
        """The cost model on trials ``rows`` (numbers) at their encoded points ``x``."""
        history = study.history
        costs = costs_of([history.trial(int(r)) for r in rows])
        column = np.array([np.nan if c is None else c for c in costs], dtype=float)
        return CostModel.fit(self.fitter, enc, x, column)

    def start_params(
        self,
        study: Study,
        number: int,
        space: dict[str, BaseDistribution],
        rows: np.ndarray,
    ) -> dict[str, Any]:
        """Trial ``number``'s start point in ``space``, leaning to cheap regions, or {}
        (sample at random): one objective only, at least :data:`MIN_RANDOM` complete
        trials in ``rows`` (numbers), a cost model and a cost that still weighs."""
        from hypersearch.samplers._gp._space import SearchSpaceEncoding

        history = study.history
        if len(history.directions) > 1:
            return {}
        params = history.param_matrix(list(space))
        tried = ~np.isnan(params).any(axis=1)  # running trials too
        if number < len(tried):
            tried[number] = False
        rows = rows[tried[rows]]
        weight = cost_weight(self._evidence(study))
        if len(rows) < MIN_RANDOM or weight <= 0.0:
            return {}
        enc = SearchSpaceEncoding(space)
        model = self.model(study, rows, enc, enc.encode(params[rows]))
        if model is None:
            return {}
        u = cheap_start_point(enc, enc.encode(params[tried]), model, self.rng, weight=weight)
        return enc.decode(u)

    def prepare(
        self,
        study: Study,
        rows: np.ndarray,
        enc: SearchSpaceEncoding,
        x: np.ndarray,
    ) -> tuple[CostModel, float] | None:
        """The cost model and ``alpha``, or None when the cost should not weigh now
        (``alpha`` is 0, or no model: too few costs, or a constant cost)."""
        alpha = self.alpha(study)
        if alpha <= 0.0:
            return None
        model = self.model(study, rows, enc, x)
        return None if model is None else (model, alpha)

    def internal_penalty(
        self, study: Study, space: dict[str, BaseDistribution], x: np.ndarray
    ) -> Callable[[np.ndarray], np.ndarray] | None:
        """TPE's ``internal values -> alpha log c``, the cost model on ``space``'s columns
        ``x`` (every trial's internal values, NaN where absent); None while the cost
        should not weigh (see :meth:`prepare`)."""
        from hypersearch.samplers._gp._space import SearchSpaceEncoding
        from hypersearch.trial._state import TrialState

        rows = np.flatnonzero(study.history.mask(TrialState.COMPLETE) & ~np.isnan(x).any(axis=1))
        enc = SearchSpaceEncoding(space)
        prepared = self.prepare(study, rows, enc, enc.encode(x[rows]))
        if prepared is None:
            return None
        penalty = cost_penalty(*prepared)
        return lambda internal: penalty(enc.encode(internal))


def per_unit_cost(
    value: ValueFn,
    value_grad: GradFn | None,
    model: CostModel,
    alpha: float,
    *,
    log_space: bool,
) -> tuple[ValueFn, GradFn | None]:
    """The acquisition divided by ``cost ** alpha`` (subtracted in log space)."""
    if log_space:

        def log_value(u: np.ndarray) -> np.ndarray:
            return value(u) - alpha * model.log_cost(u)

        if value_grad is None:
            return log_value, None

        def log_value_grad(u: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            v, g = value_grad(u, active)
            lc, dlc = model.log_cost_grad(u, active)
            return v - alpha * lc, g - alpha * dlc

        return log_value, log_value_grad

    def scaled(u: np.ndarray) -> np.ndarray:
        return value(u) * np.exp(-alpha * (model.log_cost(u) - model.mean))

    if value_grad is None:
        return scaled, None

    def scaled_grad(u: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        v, g = value_grad(u, active)
        lc, dlc = model.log_cost_grad(u, active)
        w = np.exp(-alpha * (lc - model.mean))
        return v * w, (g - alpha * v[:, None] * dlc) * w[:, None]

    return scaled, scaled_grad


def cost_penalty(model: CostModel, alpha: float) -> Callable[[np.ndarray], np.ndarray]:
    """``u -> alpha * log c(u)``: what TPE subtracts from ``log l(u) - log g(u)``."""

    def penalty(u: np.ndarray) -> np.ndarray:
        return alpha * model.log_cost(u)

    return penalty


def check_cost_budget(cost_budget: object) -> float | None:
    """A sampler's ``cost_budget``: None or a finite number > 0."""
    from hypersearch.samplers._cost._budget import check_budget

    return check_budget("cost_budget", cost_budget)
