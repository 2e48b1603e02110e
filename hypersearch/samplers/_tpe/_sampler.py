"""The Tree-structured Parzen Estimator sampler."""

from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch._validation import check_flags
from hypersearch.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hypersearch.multi_objective._constraints import record_constraints, violations
from hypersearch.samplers._base import BaseSampler
from hypersearch.samplers._cost._aware import CostAwareness, check_cost_budget
from hypersearch.samplers._search_space import IntersectionSearchSpace
from hypersearch.samplers._tpe._candidates import CandidatePicker
from hypersearch.samplers._tpe._optuna_args import check_consider_prior, hyperopt_parameters
from hypersearch.samplers._tpe._split import (
    Split,
    default_gamma,
    default_gamma_multi,
    default_weights,
    mo_below_weights,
    split_multi,
    split_single,
    with_failures_above,
)
from hypersearch.samplers._tpe._startup import STARTUPS, StartupDraws
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._history import History
    from hypersearch.study._study import Study


class TPESampler(BaseSampler):
    r"""Tree-structured Parzen Estimator (Bergstra et al. 2011; Watanabe 2023).

    TPE splits the finished trials into a good set (the ``gamma(n)`` best) and the
    rest, and fits a Parzen (kernel-density) estimator to each: :math:`l(x)` on
    the good set, :math:`g(x)` on the rest. With :math:`f^*` the good/bad
    threshold, expected improvement :math:`EI(x) = E[\max(0, f^* - f(x))]` is
    monotone in :math:`l(x) / g(x)` (Bergstra et al.), so TPE draws
    ``n_ei_candidates`` points from :math:`l` and keeps the one with the largest
    :math:`\log l(x) - \log g(x)`.

    Kernels: truncated normals on each numeric parameter, in log space for
    ``log=True``; stepped and integer parameters are widened by half a step on
    each side and the kernel's mass over a grid point's bin is its probability;
    categorical kernels put ``1 - b`` on the observed choice and spread ``b``
    uniformly. Each estimator has one extra *prior* kernel (centre, bandwidth =
    the whole range, weight ``prior_weight``). In multivariate mode (default)
    the kernels span all jointly sampled parameters, so correlations are kept.
    Bandwidths are, per kernel and parameter, the larger gap to the neighbouring
    observations (or Scott-like, see ``bandwidth``), floored at ``1/min(100, n+2)``
    of the range by the magic clip (``n``: all modelled trials for continuous
    parameters of the joint model, see ``magic_clip_by_study``; the estimator's own
    observations otherwise) and at ``min_bandwidth``.

    ``group=True`` splits a conditional space into maximal sets of parameters
    that always appear together and runs multivariate TPE on each. The first
    ``n_startup_trials`` finished trials are sampled at random.

    Trials used: COMPLETE ones by value; PRUNED ones after them, ranked by
    ``(-last reported step, last reported value)``; RUNNING ones (other than the
    trial being sampled) count as bad when ``constant_liar`` is on, so parallel
    workers spread out; FAIL trials count as bad (``avoid_failures``); NaN values
    are ignored, ``+-inf`` values are clipped to the finite extremes. With several
    objectives (MOTPE, Ozaki et al. 2020/2022) the good set is taken by non-domination rank, the front at the
    cut thinned by greedy hypervolume subset selection, and each good trial is
    weighted by its share of the good set's hypervolume. With ``constraints_func``
    the split is feasible first.

    When to pick it: the default for trials that cost seconds or more, with up
    to a few thousand trials, in mixed (float / int / categorical) and
    conditional spaces, and with parallel workers. A GP sampler is usually
    better on small, smooth, all-continuous problems with a budget under ~100
    trials; CMA-ES for long runs on continuous problems.

    Args:
        n_startup_trials: Finished trials sampled at random before TPE starts.
        n_ei_candidates: Candidates drawn from :math:`l` per sample.
        gamma: ``n -> size of the good set``; default ``min(ceil(0.1 n), 25)``
            (``min(ceil(0.1 n), 15)`` with several objectives).
        weights: ``n -> (n,)`` weights of observations, oldest first. With several
            objectives and the default, the good trials are weighted by hypervolume
            share instead (the bad ones still by ``weights``).
        prior_weight: Weight of the prior kernel (0 turns it off).
        consider_magic_clip: Floor bandwidths at ``1/min(100, n+2)`` of the range.
        multivariate: Model the jointly sampled parameters together. ``None`` (the
            default) turns it on without the independent-sampling warning, so a
            conditional search space runs quietly, as with Optuna's defaults.
        group: Decompose a conditional space into co-occurring groups (needs
            ``multivariate``).
        constant_liar: Count RUNNING trials as bad.
        avoid_failures: Count FAIL trials as bad, so the sampler steers away from
            configurations that crashed (False: ignore them, e.g. when failures are
            transient and unrelated to the parameters).
        warn_independent_sampling: Warn (once per parameter) when multivariate
            TPE has to sample a parameter on its own; only with an explicit
            ``multivariate=True``.
        seed: Seed of the random generator; the same seed gives the same trials.
        bandwidth_factor: Scale of the ``"scott"`` bandwidth.
        min_bandwidth: Floor on every bandwidth, as a fraction of the range.
        categorical_smoothing: ``b`` of the categorical kernel, in ``[0, 1]``; default
            adaptive: ``C * prior_weight / (K + C * prior_weight)`` for ``C`` choices and
            ``K`` kernels, so the kernels sharpen as observations accumulate.
        bandwidth: ``"neighbour"`` (per kernel and parameter, the larger gap to the
            neighbouring observations) or ``"scott"`` (multivariate: one bandwidth per
            parameter, ``bandwidth_factor * n^(-1/(d+4))`` of the range).
        consider_endpoints: Let the range's ends count as neighbours.
        magic_clip_by_study: In the joint (multivariate) model, floor the bandwidths
            of continuous parameters at ``1/min(100, n+2)`` with ``n`` the number of
            modelled trials, not each estimator's own count: the good set's kernels
            can narrow as the study grows (more exploitation; measured: much better
            on smooth continuous problems, a little worse on multimodal ones).
            Discrete parameters and parameters sampled on their own keep Optuna's
            per-estimator clip.
        max_above_kernels: At most this many kernels in g(x); past it, a weighted sample
            of the bad set is kept, so the cost per trial stops growing with the study
            (None: every bad trial is a kernel).
        split: Custom ``(history, exclude, constant_liar, gamma) -> (below, above)``
            row masks; default by the number of objectives. With ``constraints_func``
            it is also passed ``violation`` (per row, ``sum(max(c, 0))``).
        constraints_func: ``f(frozen_trial) -> sequence of floats``, each ``<= 0`` when
            satisfied; called on every COMPLETE or PRUNED trial, its values stored as the
            system attribute ``"constraints"``. The split is then feasible first:
            infeasible trials join the good set only after every feasible one, least
            violation first.
        startup: How the ``n_startup_trials`` first trials draw each parameter:
            ``"random"`` (uniform) or ``"latin"`` (each parameter's first draws fall in
            distinct equal strata of its range: a Latin hypercube over the startup).
        cost_aware: Pick among the candidates by ``log l(x) - log g(x) - alpha log c(x)``:
            TPE's improvement per unit cost with cost cooling (CArBO, Lee et al. 2020),
            ``c`` a GP on the log cost of the complete trials (their ``cost`` user
            attribute, else their duration), ``alpha`` falling from 1 after the random
            start to 0 as the budget (``cost_budget``, else ``optimize(budget_cost=...)``,
            ``budget_seconds=...`` or ``n_trials=...``; see
            :mod:`hypersearch.samplers._cost._cooling`) is spent (then a ``CostWarning``),
            and 0 while the trials show that the costly ones are the good ones (see
            :mod:`hypersearch.samplers._cost._pitfall`). Needs ``multivariate``; with
            ``group=True`` each group's cost model sees that group's parameters.
        cost_budget: The cooling's budget in cost units (with ``cost_aware``).
        consider_prior: Optuna's deprecated switch; the prior is always used (a
            FutureWarning when given).
    """

    hyperopt_parameters = staticmethod(hyperopt_parameters)

    def __init__(
        self,
        *,
        n_startup_trials: int = 10,
        n_ei_candidates: int = 24,
        gamma: Callable[[int], int] | None = None,
        weights: Callable[[int], np.ndarray] = default_weights,
        prior_weight: float = 1.0,
        consider_magic_clip: bool = True,
        multivariate: bool | None = None,
        group: bool = False,
        constant_liar: bool = True,
        warn_independent_sampling: bool = True,
        seed: int | None = None,
        avoid_failures: bool = True,
        bandwidth_factor: float = 0.2,
        min_bandwidth: float = 0.01,
        categorical_smoothing: float | None = None,
        bandwidth: str = "neighbour",
        consider_endpoints: bool = False,
        split: Split | None = None,
        magic_clip_by_study: bool = True,
        max_above_kernels: int | None = 1024,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        startup: str = "random",
        cost_aware: bool = False,
        cost_budget: float | None = None,
        consider_prior: bool | None = None,
    ) -> None:
        check_consider_prior(consider_prior)
        asked_multivariate = multivariate is True
        multivariate = True if multivariate is None else multivariate
        check_flags(
            consider_magic_clip=consider_magic_clip,
            multivariate=multivariate,
            group=group,
            constant_liar=constant_liar,
            avoid_failures=avoid_failures,
            warn_independent_sampling=warn_independent_sampling,
            consider_endpoints=consider_endpoints,
            magic_clip_by_study=magic_clip_by_study,
            cost_aware=cost_aware,
        )
        cost_budget = check_cost_budget(cost_budget)
        if cost_aware and not multivariate:
            raise ValueError("cost_aware=True needs multivariate=True (a joint cost model).")
        _check_int("n_startup_trials", n_startup_trials, 0)
        if max_above_kernels is not None:
            _check_int("max_above_kernels", max_above_kernels, 1)
        _check_int("n_ei_candidates", n_ei_candidates, 1)
        for name, value in (
            ("prior_weight", prior_weight),
            ("bandwidth_factor", bandwidth_factor),
            ("min_bandwidth", min_bandwidth),
        ):
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not value >= 0
                or not math.isfinite(value)
            ):
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
        if categorical_smoothing is not None and not (
            isinstance(categorical_smoothing, (int, float)) and 0 <= categorical_smoothing <= 1
        ):
            raise ValueError(
                f"categorical_smoothing must be in [0, 1], got {categorical_smoothing!r}."
            )
        for name, fn in (
            ("gamma", gamma),
            ("weights", weights),
            ("split", split),
            ("constraints_func", constraints_func),
        ):
            if fn is not None and not callable(fn):
                raise TypeError(f"{name} must be callable, got {fn!r}.")
        if bandwidth not in ("neighbour", "scott"):
            raise ValueError(f"bandwidth must be 'neighbour' or 'scott', got {bandwidth!r}.")
        if group and not multivariate:
            raise ValueError("group=True needs multivariate=True.")
        if startup not in STARTUPS:
            raise ValueError(f"startup must be one of {STARTUPS}, got {startup!r}.")
        self._startup = StartupDraws(startup, n_startup_trials, seed)
        self._n_startup = n_startup_trials
        self._gamma = gamma
        self._weights = weights
        self._multivariate = multivariate
        self._group = group
        self._constant_liar = constant_liar
        self._avoid_failures = avoid_failures
        self._warn = warn_independent_sampling and asked_multivariate
        self._split = split
        pe_opts: dict[str, Any] = dict(
            prior_weight=float(prior_weight),
            magic_clip=bool(consider_magic_clip),
            min_bandwidth=float(min_bandwidth),
            bandwidth_factor=float(bandwidth_factor),
            categorical_smoothing=-1.0
            if categorical_smoothing is None
            else float(categorical_smoothing),
            bandwidth=bandwidth,
            endpoints=bool(consider_endpoints),
        )
        self._seed = seed
        self._rng = np.random.default_rng(seed)
        self._warned: set[str] = set()
        self._cache: tuple[Any, ...] | None = None
        self._w_cache: tuple[np.ndarray, np.ndarray] | None = None
        self._space = IntersectionSearchSpace(include_pruned=True)
        self._constraints_func = constraints_func
        self._known_violation: tuple[Any, np.ndarray] = (None, np.zeros(0))
        self._lock = threading.Lock()
        self._picker = CandidatePicker(
            n_ei=n_ei_candidates,
            weights=weights,
            clip_by_study=bool(magic_clip_by_study),
            max_above=max_above_kernels,
            pe_opts=pe_opts,
        )
        self._cost = (
            CostAwareness(
                self._rng,
                n_init=n_startup_trials,
                cost_budget=cost_budget,
                costly_is_better_check=True,
            )
            if cost_aware
            else None
        )

    @property
    def cost_aware(self) -> bool:
        """Whether candidates are picked per unit cost (``cost_aware=True``)."""
        return self._cost is not None

    def reseed_rng(self) -> None:
        self._rng = np.random.default_rng()
        self._startup.uniform.reseed_rng()
        if self._cost is not None:
            self._cost.rng = self._rng

    # -- the split --------------------------------------------------------------------
    def _n_finished(self, history: History) -> int:
        return history.count(TrialState.COMPLETE, TrialState.PRUNED)

    def _below_above(self, study: Study, history: History, number: int) -> tuple[np.ndarray, ...]:
        key = (history.identity, history.version, history.n, number)
        cache = self._cache
        if cache is not None and cache[0] == key:
            return cache[1]
        if (
            cache is not None
            and cache[0] == (key[0], key[1] - 1, key[2], number)
            and history.last_changed == (history.version, [number])
        ):
            # only the trial being sampled changed (its own new parameter): it is left
            # out of the split, so the masks still hold
            self._cache = (key, cache[1])
            return cache[1]
        multi = len(history.directions) > 1
        split = self._split or (split_multi if multi else split_single)
        gamma = self._gamma or (default_gamma_multi if multi else default_gamma)
        violation = self._violation(history)
        if violation is None:
            masks = split(history, number, self._constant_liar, gamma)
        else:
            masks = split(history, number, self._constant_liar, gamma, violation)  # type: ignore[call-arg]
        if self._avoid_failures:
            masks = with_failures_above(history, masks)
        self._cache = (key, masks)
        return masks

    def _violation(self, history: History) -> np.ndarray | None:
        """Per row, the total violation ``sum(max(c, 0))`` (None without ``constraints_func``).

        Finished trials keep their constraint values, so rows read once are cached;
        rows not finished (or finished without recorded constraints: infeasible,
        ``inf``) are read again next time.
        """
        if self._constraints_func is None:
            return None
        with self._lock:
            known = self._known_violation
            if known[0] is not history.identity:
                known = (history.identity, np.zeros(0))
            cached = known[1]
            out = np.full(history.n, np.inf)
            keep = min(len(cached), history.n)
            out[:keep] = cached[:keep]
            finished = history.mask(TrialState.COMPLETE, TrialState.PRUNED)
            todo = np.flatnonzero(finished & ~np.isfinite(out))
            if len(todo):
                read = violations(history, todo)
                out[todo] = np.inf if read is None else read
            self._known_violation = (history.identity, out)
        return out

    def _good_bad(
        self, study: Study, history: History, number: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """The split's masks and, with several objectives, per-row weights of the good set.

        Multi-objective TPE weighs each good trial by its hypervolume contribution
        (see :func:`~hypersearch.samplers._tpe._split.mo_below_weights`) unless a
        custom ``weights`` was given. One objective: None (``weights`` applies).
        """
        below, above = self._below_above(study, history, number)
        if len(history.directions) == 1 or self._weights is not default_weights:
            return below, above, None
        cached = self._w_cache
        if cached is not None and cached[0] is below:  # masks are cached per split
            return below, above, cached[1]
        weight = mo_below_weights(history, below, self._violation(history))
        self._w_cache = (below, weight)
        return below, above, weight

    # -- relative (joint) sampling ----------------------------------------------------
    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        if not self._multivariate:
            return {}
        history = study.history
        if self._n_finished(history) < self._n_startup:
            return {}
        if not self._group:
            with self._lock:
                return self._space.calculate(history)
        finished = history.mask(TrialState.COMPLETE, TrialState.PRUNED)
        space = {}
        for name in history.param_names:
            dist = history.distributions[name]
            if name in history.conflicting or dist.single():
                continue
            if not np.isnan(history.param(name)[finished]).all():
                space[name] = dist
        return dict(sorted(space.items()))

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        history = study.history
        below, above, w_below = self._good_bad(study, history, trial.number)
        names = list(search_space)
        groups = [names]
        if self._group:
            finished = history.mask(TrialState.COMPLETE, TrialState.PRUNED)
            present = ~np.isnan(history.param_matrix(names)[finished])
            _, label = np.unique(present.T, axis=0, return_inverse=True)
            label = np.asarray(label).ravel()
            groups = [[names[j] for j in np.flatnonzero(label == g)] for g in np.unique(label)]
        out: dict[str, Any] = {}
        for group in groups:
            dists = [search_space[name] for name in group]
            x = history.param_matrix(group)
            penalty = None if self._cost is None else self._cost_penalty(study, group, dists, x)
            out.update(
                self._picker.pick(
                    self._rng,
                    self._lock,
                    group,
                    dists,
                    x,
                    below,
                    above,
                    w_below,
                    multivariate=True,
                    penalty=penalty,
                )
            )
        return out

    def _cost_penalty(
        self, study: Study, names: list[str], dists: list[BaseDistribution], x: np.ndarray
    ) -> Callable[[np.ndarray], np.ndarray] | None:
        """``x -> alpha log c(x)`` on internal values (``cost_aware``), or None for now."""
        assert self._cost is not None
        with self._lock:
            return self._cost.internal_penalty(study, dict(zip(names, dists)), x)

    # -- one parameter ------------------------------------------------------------------
    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        history = study.history
        if self._n_finished(history) < max(self._n_startup, 1):  # nothing to model yet
            with self._lock:
                return self._startup.draw(self._rng, trial.number, param_name, param_distribution)
        if self._multivariate and self._warn and not self._group and param_name not in self._warned:
            self._warned.add(param_name)
            warnings.warn(
                f"TPESampler samples parameter {param_name!r} on its own: it is not in every "
                "finished trial (or its distribution changed). Pass group=True to model "
                "conditional parameters jointly, or warn_independent_sampling=False to "
                "silence this.",
                stacklevel=2,
            )
        x = history.param(param_name).copy()
        known = history.distributions.get(param_name)
        if known is not None and (known != param_distribution or param_name in history.conflicting):
            if isinstance(
                param_distribution, (FloatDistribution, IntDistribution)
            ) and not isinstance(known, CategoricalDistribution):
                inside = (x >= param_distribution.low) & (x <= param_distribution.high)
                x[~inside] = np.nan
            else:
                x[:] = np.nan  # indices of other choices mean nothing here: use the prior
        below, above, w_below = self._good_bad(study, history, trial.number)
        return self._picker.pick(
            self._rng,
            self._lock,
            [param_name],
            [param_distribution],
            x[:, None],
            below,
            above,
            w_below,
            multivariate=False,
        )[param_name]

    # -- constraints -------------------------------------------------------------------
    def after_trial(
        self,
        study: Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        if self._constraints_func is not None:
            record_constraints(study, trial, state, values, self._constraints_func)


def _check_int(name: str, value: Any, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")


__all__ = ["TPESampler", "default_gamma", "default_weights"]
