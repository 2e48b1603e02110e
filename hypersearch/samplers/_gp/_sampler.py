"""GPSampler: Bayesian optimisation with Gaussian-process surrogates.

One GP per objective (single- or multi-objective) and one per constraint, on
a shared encoding of the search space; the acquisition (logEI / EI / UCB /
PI / KG for one objective, logEHVI for several) is multiplied by the
probability of feasibility when a ``constraints_func`` is given.
"""

from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch._validation import check_flags, check_int, check_real, fail
from hypersearch.distributions import BaseDistribution
from hypersearch.multi_objective._constraints import record_constraints
from hypersearch.multi_objective._pareto import non_dominated_ranks
from hypersearch.samplers._base import BaseSampler
from hypersearch.samplers._cost._aware import CostAwareness, check_cost_budget, per_unit_cost
from hypersearch.samplers._gp._acqf import ACQUISITIONS, build_acquisition
from hypersearch.samplers._gp._compose import (
    front_for_boxes,
    front_values,
    log_ehvi_acquisition,
    log_pof_acquisition,
    reference_point,
    with_feasibility,
)
from hypersearch.samplers._gp._constraints import (
    ConstraintColumns,
    ConstraintsFunc,
    fit_constraints,
)
from hypersearch.samplers._gp._failures import failed_rows, failure_model
from hypersearch.samplers._gp._fitter import GPFitter
from hypersearch.samplers._gp._model import GPModel
from hypersearch.samplers._gp._optimize import GradFn, ValueFn, maximize_acquisition
from hypersearch.samplers._gp._space import SearchSpaceEncoding
from hypersearch.samplers._gp._transform import (
    OUTPUT_TRANSFORMS,
    one_blas_thread,
    transform_outputs,
)
from hypersearch.samplers._random import RandomSampler
from hypersearch.samplers._search_space import intersection_search_space
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._study import Study

__all__ = ["GPSampler", "transform_outputs"]

# Acquisitions that can be multiplied by the probability of feasibility.
_CONSTRAINABLE = ("logEI", "EI", "PI")
# Several objectives: logEHVI is maximised within this distance of perturbed front
# points: DTLZ2's distance variables get near their optimum (|x - 0.5| 0.17-0.28 -> 0.13).
# Hypervolume ratio at 100 trials, global search -> this (bench/scripts/gp_mo_dtlz2.py
# --global-search): ZDT1 0.996 -> 0.998 (10/0), ZDT2 0.996 -> 0.998 (5/0), WFG4 0.773 -> 0.803
# (5/0), DTLZ2 0.449 -> 0.509 (7/3, p=0.13; with the front's float-noise ties counted, see
# FRONT_DECIMALS); ZDT3 0.963 -> 0.942 (4/5, p=0.43: no clear loss, no gain).
MO_LOCAL_RADIUS = 0.05
EFFORTS = ("full", "light")
# effort="light": candidates scored per trial, at most (see the docstring).
LIGHT_CANDIDATES = 512


class GPSampler(BaseSampler):
    """Gaussian-process Bayesian optimisation: one or several objectives, optional constraints.

    The surrogate is a GP with a Matern-5/2 ARD kernel over the unit cube
    (log parameters in log space, integer and stepped parameters over their
    continuous range, categoricals through a Hamming term inside the same
    kernel), standardised outputs, learned noise and MAP hyperparameters
    under a dimension-scaled lengthscale prior with mode ``~0.2 sqrt(d)``
    (after Hvarfner et al., 2024; ``LogNormal(sqrt2 - 2 + ln(d)/2, 1)``, see
    ``_model``'s docstring for why sigma is 1, not sqrt3).

    One objective: the next point maximises an acquisition over the posterior
    (minimising; ``z = (f* - mu(x)) / sigma(x)``, ``f*`` the best feasible value seen):

    * ``"logEI"`` (default): ``log EI(x)``, ``EI(x) = E[max(0, f* - f(x))]
      = sigma (phi(z) + z Phi(z))``, computed in log space so that it stays
      finite and informative where EI underflows to 0 (Ament et al., 2023).
    * ``"EI"``: the same without logs.
    * ``"UCB"``: ``-mu(x) + sqrt(beta) sigma(x)``; larger ``beta`` explores more.
    * ``"PI"``: ``P(f(x) < f*) = Phi(z)``.
    * ``"KG"``: discretised knowledge gradient, the expected drop of the best
      posterior mean if ``x`` were evaluated (costlier; for noisy objectives).

    Several objectives (``directions=[...]``): one GP per objective, each output
    transformed on its own (monotone, so Pareto dominance is kept), and the
    acquisition is always log expected hypervolume improvement,
    ``EHVI(x) = E[HV(P + f(x)) - HV(P)]`` over the feasible Pareto front ``P``.
    The region ``P`` does not dominate is tiled by disjoint boxes ``[l_b, u_b]``
    (exact: a staircase in 2 objectives, a sweep in 3, a sweep with box
    splitting beyond, on at most 32 front points picked by crowding
    distance), so with independent posteriors

        EHVI(x) = sum_b prod_j sigma_j (h(z_j(u_bj)) - h(z_j(l_bj))),  z_j(a) = (a - mu_j) / sigma_j,

    evaluated as a log-sum-exp of logs (``h`` as in logEI). Reference point:
    per objective, the worst observed feasible value plus 10% of the observed
    range (in the transformed outputs). The front is taken on those outputs
    rounded to 1e-9, so that values equal up to float noise (DTLZ2's corners,
    ``(1 + g) cos(pi/2) ~ 1e-16``) tie instead of all looking non-dominated.
    ``acquisition`` is then ignored.

    Constraints (``constraints_func``): one GP per constraint (standardised),
    and the acquisition is multiplied by the probability of feasibility
    ``PoF(x) = prod_k P(c_k(x) <= 0)``, added as ``log PoF`` to logEI, PI and
    logEHVI (EI is multiplied; UCB and KG do not take constraints). Until some
    trial is feasible the sampler maximises ``PoF`` alone.

    The acquisition is maximised over low-discrepancy candidates, the best few
    polished by bounded L-BFGS with analytic gradients, alternating with exhaustive
    / local search over discrete parameters. With several objectives the
    candidates are instead perturbations of the Pareto front's points (a
    random subset of coordinates each) and the polish stays within 0.05 of
    its start: searched globally, logEHVI chased the posterior variance at
    the cube's corners (on 12-D DTLZ2 its distance variables ended up no
    closer to their optimum than random points). Trials still RUNNING (other
    workers) enter as fantasies at the posterior mean of every GP (kriging
    believer); with several objectives their predicted outcomes also join the
    front when predicted feasible, in the spirit of qNEHVI, so parallel
    workers do not ask for the same point.

    When to pick it: expensive trials (minutes or more), a low to moderate
    number of parameters (up to ~20), mostly continuous, and budgets of tens
    to a few hundred trials, with one objective or 2-4 (expensive
    multi-objective search, where NSGA-II needs hundreds of trials). For cheap
    trials, many categorical or conditional parameters, or thousands of
    trials, prefer TPE (or NSGA-II for several objectives).

    Bad input: failed trials are left out; ``+-inf`` values are clipped to the
    finite range of the others; parameters outside the shared search space
    (new or conditional ones) are sampled independently at random; with fewer
    than ``n_startup_trials`` complete trials (at least 2) it samples at random.
    A ``constraints_func`` that returns something other than a sequence of
    numbers, a NaN, or a different number of values than before fails that
    trial with a ``ValueError`` naming ``constraints_func``.
    Beyond ``max_points`` complete trials the GP sees a window of the best
    half (feasible first; by non-domination rank for several objectives) and
    the most recent half of that many, to keep per-trial cost flat
    (hyperparameters are fitted on at most 128 such points, warm-started, and
    re-optimised only every ``refit_every`` trials once past 64 points).
    Measured: ~0.13x Optuna's per-trial time at 200 trials and ~0.004x at
    1,000 (bench/scripts/gp_overhead.py); the window costs some late-run
    precision (bench/scripts/gp_window.py), so raise ``max_points`` when
    trials are expensive enough to afford a larger GP.

    Args:
        seed: Seed; the same seed gives the same trials.
        n_startup_trials: Random trials before the GP takes over.
        acquisition: One of ``"logEI"``, ``"EI"``, ``"UCB"``, ``"PI"``, ``"KG"``
            (single objective; several objectives always use logEHVI).
        beta: UCB's exploration weight.
        deterministic_objective: Fix the noise at a tiny value (noise-free objective).
        output_transform: ``"power"`` (default: Yeo-Johnson, then standardise; HEBO's finding,
            confirmed here on 6 of 11 bench problems) or ``"standardize"``.
        independent_sampler: Sampler for parameters outside the joint space.
        warn_independent_sampling: Warn (once per parameter) when a parameter outside the
            joint space is sampled by ``independent_sampler`` after the startup trials.
        max_points: Most complete trials the GP is fitted on.
        refit_every: Once past 64 points, hyperparameters are re-optimised every
            ``refit_every`` trials (warm-started), otherwise reused.
        n_candidates: Low-discrepancy (randomly shifted Kronecker) candidates scored per trial.
        effort: ``"full"`` (default) or ``"light"``, for objectives that take milliseconds:
            at most 512 candidates, the best few refined by random perturbations instead of
            gradient polish and discrete sweeps, and warm hyperparameter refits of 4 iterations
            instead of 10. Measured 2-3x less CPU a trial at 10-50 trials and a little
            precision per trial (bench/results/gp-light.md); the AutoSampler picks it when
            the objective is fast.
        constraints_func: ``f(frozen_trial) -> sequence of floats``, each ``<= 0``
            when satisfied; called when a trial finishes (COMPLETE or PRUNED)
            and stored as the system attribute ``"constraints"`` (as the NSGA
            samplers do), so ``best_trial`` / ``best_trials`` are feasible first.
        cost_aware: Maximise the acquisition per unit cost with cost cooling (CArBO,
            Lee et al. 2020): ``log EI(x) - alpha log c(x)`` (``EI / c ** alpha`` for
            ``"EI"``), ``c`` a GP on the log cost of the complete trials (their ``cost``
            user attribute, else their duration), ``alpha`` falling from 1 after the
            random start to 0 as the budget is spent; the random start itself leans to
            cheap regions after 3 trials (:mod:`hypersearch.samplers._cost._design`).
            The budget: ``cost_budget``, else
            ``optimize(budget_cost=...)``, ``budget_seconds=...`` or ``n_trials=...``
            (see :mod:`hypersearch.samplers._cost._cooling`); none: ``alpha = 1``. Once
            the budget is spent a ``CostWarning`` says so. One objective and
            ``acquisition`` in ``"logEI"``, ``"EI"``, ``"PI"`` only.
        cost_budget: The cooling's budget in cost units (with ``cost_aware``).
        avoid_failures: Weigh the acquisition by a GP's probability that a point does
            not fail, learnt from the FAIL trials (:mod:`._failures`), so the sampler
            steers away from configurations that crashed; with ``acquisition`` in
            ``"logEI"``, ``"EI"``, ``"PI"`` or several objectives. False: ignore FAIL
            trials (e.g. when failures are transient and unrelated to the parameters).
    """

    def __init__(
        self,
        *,
        seed: int | None = None,
        n_startup_trials: int = 10,
        acquisition: str = "logEI",
        beta: float = 2.0,
        deterministic_objective: bool = False,
        output_transform: str = "power",
        independent_sampler: BaseSampler | None = None,
        max_points: int = 300,
        refit_every: int = 5,
        n_candidates: int = 1024,
        effort: str = "full",
        constraints_func: ConstraintsFunc | None = None,
        cost_aware: bool = False,
        cost_budget: float | None = None,
        warn_independent_sampling: bool = True,
        avoid_failures: bool = True,
    ) -> None:
        check_flags(
            deterministic_objective=deterministic_objective,
            cost_aware=cost_aware,
            warn_independent_sampling=warn_independent_sampling,
            avoid_failures=avoid_failures,
        )
        cost_budget = check_cost_budget(cost_budget)
        if cost_aware and acquisition not in _CONSTRAINABLE:
            raise ValueError(
                f"cost_aware=True needs an acquisition in {_CONSTRAINABLE} (one a cost can "
                f"divide), got acquisition={acquisition!r}."
            )
        if acquisition not in ACQUISITIONS:
            raise ValueError(f"acquisition must be one of {ACQUISITIONS}, got {acquisition!r}.")
        if output_transform not in OUTPUT_TRANSFORMS:
            raise ValueError(
                f"output_transform must be one of {OUTPUT_TRANSFORMS}, got {output_transform!r}."
            )
        if (
            isinstance(n_startup_trials, bool)
            or not isinstance(n_startup_trials, int)
            or n_startup_trials < 0
        ):
            raise ValueError(f"n_startup_trials must be an int >= 0, got {n_startup_trials!r}.")
        check_real("beta", beta, 0.0, math.inf)
        if math.isinf(beta):
            raise fail("beta", "a finite number >= 0", beta)
        if not isinstance(max_points, int) or max_points < 4:
            raise ValueError(f"max_points must be an int >= 4, got {max_points!r}.")
        check_int("refit_every", refit_every, 1)
        check_int("n_candidates", n_candidates, 1)
        if effort not in EFFORTS:
            raise ValueError(f"effort must be one of {EFFORTS}, got {effort!r}.")
        if constraints_func is not None and not callable(constraints_func):
            raise TypeError(f"constraints_func must be callable, got {constraints_func!r}.")
        if constraints_func is not None and acquisition not in _CONSTRAINABLE:
            raise ValueError(
                f"constraints_func needs an acquisition in {_CONSTRAINABLE} (one that the "
                f"probability of feasibility can multiply), got acquisition={acquisition!r}."
            )
        self._seed = seed
        self._rng = np.random.default_rng(seed)
        # Same seed: the random start is the one a RandomSampler(seed) would draw.
        self._independent = independent_sampler or RandomSampler(seed=seed)
        self._n_startup = n_startup_trials
        self._acq = acquisition
        self._beta = float(beta)
        self._deterministic = bool(deterministic_objective)
        self._output_transform = output_transform
        self._max_points = max_points
        self._light = effort == "light"
        self._n_candidates = min(n_candidates, LIGHT_CANDIDATES) if self._light else n_candidates
        self._constraints_func = constraints_func
        self._avoid_failures = avoid_failures
        self._fitter = GPFitter(
            self._rng, deterministic=self._deterministic, refit_every=refit_every, light=self._light
        )
        self._constraints = ConstraintColumns()
        self._lock = threading.Lock()
        self._cost = (
            CostAwareness(self._rng, n_init=n_startup_trials, cost_budget=cost_budget)
            if cost_aware
            else None
        )
        self._warned_cost_mo = False
        self._warn_independent = warn_independent_sampling
        self._warned: set[str] = set()

    @property
    def cost_aware(self) -> bool:
        """Whether the acquisition is taken per unit cost (``cost_aware=True``)."""
        return self._cost is not None

    def reseed_rng(self) -> None:
        self._rng = np.random.default_rng()
        self._fitter.rng = self._rng
        if self._cost is not None:
            self._cost.rng = self._rng
        self._independent.reseed_rng()

    # -- sampler interface ---------------------------------------------------------
    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        return intersection_search_space(study.history)

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        if self._warn_independent and param_name not in self._warned:
            self._warn_outside(study, param_name)
        return self._independent.sample_independent(study, trial, param_name, param_distribution)

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        with self._lock, one_blas_thread():
            return self._sample_relative(study, trial, search_space)

    def after_trial(
        self,
        study: Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        if self._constraints_func is None:
            return
        with self._lock:
            self._constraints.read(study.history)
            expected = self._constraints.width
        record_constraints(study, trial, state, values, self._constraints_func, expected)

    def _warn_outside(self, study: Study, param_name: str) -> None:
        """Warn once when a parameter outside the joint space is sampled after the startup."""
        history = study.history
        if history.mask(TrialState.COMPLETE).sum() < max(self._n_startup, 2):
            return  # the startup: every parameter is sampled this way, quietly
        if param_name in intersection_search_space(history):
            return
        self._warned.add(param_name)
        warnings.warn(
            f"GPSampler samples {param_name!r} independently (it is outside the space every "
            f"trial shares); pass warn_independent_sampling=False to silence this.",
            stacklevel=4,
        )

    def _sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        history = study.history
        names = list(search_space)
        values = history.signed_values()
        complete = history.mask(TrialState.COMPLETE) & ~np.isnan(values).any(axis=1)
        rows = np.flatnonzero(complete)
        if len(rows) < max(self._n_startup, 2):
            if self._cost is None:
                return {}
            return self._cost.start_params(study, trial.number, search_space, rows)
        params = history.param_matrix(names)
        rows = rows[~np.isnan(params[rows]).any(axis=1)]
        if len(rows) < 2:
            return {}
        cons = self._constraints.read(history) if self._constraints_func is not None else None
        cons_rows = None if cons is None else cons[rows]
        enc = SearchSpaceEncoding(search_space)
        if len(rows) > self._max_points:
            keep = self._window(values[rows], cons_rows)
            rows = rows[keep]
            cons_rows = None if cons_rows is None else cons_rows[keep]
        x = enc.encode(params[rows])
        ys = np.column_stack(
            [
                transform_outputs(values[rows, j], self._output_transform)
                for j in range(values.shape[1])
            ]
        )
        models = [self._fitter.fit(x, ys[:, j], enc, ("objective", j)) for j in range(ys.shape[1])]
        feasible = np.ones(len(rows), dtype=bool)
        con_models: list[GPModel] = []
        thresholds: list[float] = []
        if cons_rows is not None:
            feasible = np.all(cons_rows <= 0, axis=1)  # rows without constraint values: infeasible
            con_models, thresholds = fit_constraints(self._fitter, x, cons_rows, enc)
        if self._avoid_failures and (self._acq in _CONSTRAINABLE or ys.shape[1] > 1):
            failed = failed_rows(history, params, self._max_points // 2)
            crash = failure_model(self._fitter, enc, x, enc.encode(params[failed]))
            if crash is not None:
                con_models, thresholds = [*con_models, crash[0]], [*thresholds, crash[1]]
        pending = self._pending(history, params, trial.number)
        x_pend = enc.encode(pending) if len(pending) else np.empty((0, enc.dim))
        pend_values = (
            np.column_stack([m.predict(x_pend)[0] for m in models]) if len(x_pend) else None
        )
        pend_feasible = np.ones(len(x_pend), dtype=bool)
        for mdl, t in zip(con_models, thresholds):
            if len(x_pend):
                pend_feasible &= mdl.predict(x_pend)[0] <= t
        if len(x_pend):
            models = [m.with_fantasies(x_pend) for m in models]
            con_models = [m.with_fantasies(x_pend) for m in con_models]
        value, value_grad, incumbents = self._acquisition(
            models, ys, feasible, con_models, thresholds, pend_values, pend_feasible, x, cons_rows
        )
        if self._cost is not None:
            value, value_grad = self._per_unit_cost(
                study, rows, enc, x, ys.shape[1], value, value_grad
            )
        local = ys.shape[1] > 1 and bool(feasible.any())  # several objectives: around the front
        u = maximize_acquisition(
            enc,
            value,
            value_grad,
            self._rng,
            incumbents=incumbents,
            n_candidates=self._n_candidates,
            local_radius=MO_LOCAL_RADIUS if local else None,
            polish=not self._light or local,
        )
        return enc.decode(u)

    # -- pieces ----------------------------------------------------------------------
    def _acquisition(
        self,
        models: list[GPModel],
        ys: np.ndarray,
        feasible: np.ndarray,
        con_models: list[GPModel],
        thresholds: list[float],
        pend_values: np.ndarray | None,
        pend_feasible: np.ndarray,
        x: np.ndarray,
        cons_rows: np.ndarray | None,
    ) -> tuple[ValueFn, GradFn | None, np.ndarray]:
        """The acquisition to maximise and the observed points to search around."""
        pof = log_pof_acquisition(con_models, thresholds) if con_models else None
        if not feasible.any():  # nothing feasible yet: look for feasibility alone
            assert cons_rows is not None
            violation = np.nansum(np.maximum(cons_rows, 0.0), axis=1)
            violation[np.isnan(cons_rows).all(axis=1)] = np.inf
            top = x[np.argsort(violation, kind="stable")[:5]]
            if pof is None:
                return (lambda u: np.zeros(len(u))), None, top
            return pof[0], pof[1], top
        if ys.shape[1] == 1:
            y = ys[:, 0]
            best = float(y[feasible].min())
            base = build_acquisition(
                models[0], self._acq, best=best, beta=self._beta, kg_set=self._kg_set(models[0], y)
            )
            feasible_rows = np.flatnonzero(feasible)
            top = x[feasible_rows[np.argsort(y[feasible_rows], kind="stable")[:5]]]
        else:
            observed = front_values(ys[feasible])  # float-noise ties tie (see FRONT_DECIMALS)
            ref = reference_point(observed)
            points = observed
            if pend_values is not None and pend_feasible.any():
                points = np.vstack([observed, front_values(pend_values[pend_feasible])])
            base = log_ehvi_acquisition(models, front_for_boxes(points, ref), ref)
            on_front = np.flatnonzero(feasible)[non_dominated_ranks(observed) == 0]
            top = x[on_front]
        if pof is None:
            return base[0], base[1], top
        value, value_grad = with_feasibility(
            base, pof, log_space=self._acq != "EI" or ys.shape[1] > 1
        )
        return value, value_grad, top

    def _per_unit_cost(
        self,
        study: Study,
        rows: np.ndarray,
        enc: SearchSpaceEncoding,
        x: np.ndarray,
        n_objectives: int,
        value: ValueFn,
        value_grad: GradFn | None,
    ) -> tuple[ValueFn, GradFn | None]:
        """The acquisition per unit cost, cooled (``cost_aware``; see the class docstring)."""
        assert self._cost is not None
        if n_objectives > 1:
            if not self._warned_cost_mo:
                self._warned_cost_mo = True
                warnings.warn(
                    "GPSampler(cost_aware=True) weighs one objective's acquisition by cost; "
                    "with several objectives it samples without the cost.",
                    stacklevel=4,
                )
            return value, value_grad
        prepared = self._cost.prepare(study, rows, enc, x)
        if prepared is None:
            return value, value_grad
        model, alpha = prepared
        return per_unit_cost(value, value_grad, model, alpha, log_space=self._acq != "EI")

    def _window(self, values: np.ndarray, cons: np.ndarray | None) -> np.ndarray:
        """Indices of the best half (feasible first, then by value or rank) and the most recent half."""
        score = (
            values[:, 0]
            if values.shape[1] == 1
            else non_dominated_ranks(
                np.nan_to_num(values, posinf=np.finfo(float).max, neginf=-np.finfo(float).max)
            ).astype(float)
        )
        infeasible = np.zeros(len(values)) if cons is None else ~np.all(cons <= 0, axis=1)
        n_best = self._max_points // 2
        best = np.lexsort((np.arange(len(values)), score, infeasible))[:n_best]
        keep = np.zeros(len(values), dtype=bool)
        keep[best] = True
        rest = np.flatnonzero(~keep)
        keep[rest[-(self._max_points - n_best) :]] = True
        return np.flatnonzero(keep)

    @staticmethod
    def _pending(history: Any, params: np.ndarray, number: int) -> np.ndarray:
        running = history.mask(TrialState.RUNNING)
        if number < len(running):
            running[number] = False
        rows = np.flatnonzero(running)
        if len(rows) == 0:
            return np.empty((0, params.shape[1]))
        p = params[rows]
        return p[~np.isnan(p).any(axis=1)]

    def _kg_set(self, model: GPModel, y: np.ndarray) -> np.ndarray | None:
        if self._acq != "KG":
            return None
        order = np.argsort(y)[:32]
        return model.x[order]
