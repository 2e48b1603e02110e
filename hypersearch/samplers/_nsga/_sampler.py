"""NSGA-II and NSGA-III: genetic multi-objective samplers over the history view."""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch import _keys
from hypersearch._validation import check_probability
from hypersearch.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hypersearch.multi_objective._constraints import CONSTRAINTS_KEY, record_constraints
from hypersearch.samplers._base import BaseSampler, sample_uniform
from hypersearch.samplers._nsga._encoding import Encoding, snap
from hypersearch.samplers._nsga._operators import BaseCrossover, make_crossover, polynomial_mutation
from hypersearch.samplers._nsga._operators_more import BaseMutation, PolynomialMutation
from hypersearch.samplers._nsga._selection import das_dennis, select_elites
from hypersearch.samplers._nsga._strategies import (
    AfterTrialStrategy,
    ChildStrategy,
    EliteStrategy,
    check_strategy,
    user_child,
    user_elites,
)
from hypersearch.samplers._search_space import intersection_search_space
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._history import History
    from hypersearch.study._study import Study

GENERATION_KEY = _keys.NSGA_GENERATION
_COMPLETE = int(TrialState.COMPLETE)


class _StudyCache:
    """Per-study columns the history lacks (generation, violation), read incrementally."""

    def __init__(self) -> None:
        self.seen_version = 0
        self.gens = np.zeros(0, dtype=np.int64)  # -1: no generation recorded
        self.viol = np.zeros(0)  # NaN: no constraints recorded
        self.considered = np.zeros(0, dtype=bool)  # rows already offered to the elites
        self.elites: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def update(self, history: History) -> None:
        n = history.n
        if len(self.gens) < n:
            grow = n - len(self.gens)
            self.gens = np.concatenate([self.gens, np.full(grow, -1, dtype=np.int64)])
            self.viol = np.concatenate([self.viol, np.full(grow, np.nan)])
        if history.version == self.seen_version:
            return
        for row in np.flatnonzero(history.row_version > self.seen_version).tolist():
            attrs = history.trial(row).system_attrs
            self.gens[row] = int(attrs.get(GENERATION_KEY, -1))
            c = attrs.get(CONSTRAINTS_KEY)
            self.viol[row] = (
                np.nan if c is None else float(np.sum(np.maximum(np.asarray(c, float), 0.0)))
            )
        self.seen_version = history.version


class NSGAIISampler(BaseSampler):
    """NSGA-II (Deb et al. 2002): a genetic algorithm for several objectives.

    Generation 0 is a Latin hypercube of ``population_size`` trials. Each later trial
    is one child: two parents won binary tournaments (lower non-domination rank,
    then larger crowding distance) among the elites, the ``population_size``
    best COMPLETE trials of earlier generations; they cross with probability
    ``crossover_prob`` and each gene mutates with probability ``mutation_prob``
    (polynomial mutation for numbers, a fresh draw for categoricals).

    Generations live in a trial system attribute, so workers sharing a storage
    agree on them; a generation ends when ``population_size`` of its trials
    have completed. The elites are read from ``study.history`` and cached per
    generation.

    Pick it for many cheap evaluations of 2-3 objectives (hundreds of trials
    and more); for few expensive trials a model-based sampler does better.
    With 4+ objectives prefer :class:`NSGAIIISampler`.

    Args:
        population_size: Trials per generation (>= 2).
        mutation: A :class:`~hypersearch.samplers.nsgaii.BaseMutation` for numeric
            genes; None means polynomial mutation with eta 20.
        mutation_prob: Per-gene mutation probability; None means 1 / n_params.
        crossover: "blxalpha" (default, blend crossover), "sbx" (simulated
            binary), "uniform" or a :class:`BaseCrossover`; numeric genes are
            scaled to [0, 1] first (log scale where ``log=True``), then rounded
            to their step. Categorical genes always cross uniformly.
        crossover_prob: Probability that a child is a crossover, not a copy of a parent.
        swapping_prob: Per-gene swap probability of uniform crossover.
        seed: Seed of the random generator.
        constraints_func: ``f(frozen_trial) -> sequence of floats``, each ``<= 0``
            when satisfied; called when a trial finishes (COMPLETE or PRUNED)
            and stored as the system attribute ``"constraints"``. Feasible
            trials beat infeasible ones; infeasible ones compare by total violation.
        elite_population_selection_strategy: Optuna's hook
            ``f(study, population) -> parents``; None means non-dominated sorting
            with crowding (or NSGA-III's niching).
        child_generation_strategy: Optuna's hook
            ``f(study, search_space, parent_population) -> params``; None means
            tournament, crossover and mutation as above.
        after_trial_strategy: Optuna's hook ``f(study, trial, state, values)``,
            run instead of recording ``constraints_func``'s values.
    """

    def __init__(
        self,
        *,
        population_size: int = 50,
        mutation: BaseMutation | None = None,
        mutation_prob: float | None = None,
        crossover: str | BaseCrossover | None = None,
        crossover_prob: float = 0.9,
        swapping_prob: float = 0.5,
        seed: int | None = None,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        elite_population_selection_strategy: EliteStrategy | None = None,
        child_generation_strategy: ChildStrategy | None = None,
        after_trial_strategy: AfterTrialStrategy | None = None,
    ) -> None:
        if (
            isinstance(population_size, bool)
            or not isinstance(population_size, int)
            or population_size < 2
        ):
            raise ValueError(f"population_size must be an integer >= 2, got {population_size!r}.")
        if mutation_prob is not None:
            check_probability("mutation_prob", mutation_prob)
        check_probability("crossover_prob", crossover_prob)
        check_probability("swapping_prob", swapping_prob)
        if constraints_func is not None and not callable(constraints_func):
            raise TypeError(f"constraints_func must be callable, got {constraints_func!r}.")
        self._population_size = population_size
        if mutation is not None and not isinstance(mutation, BaseMutation):
            raise TypeError(f"mutation must be a BaseMutation, got {mutation!r}.")
        self._mutation = mutation
        self._mutation_prob = mutation_prob
        self._crossover = make_crossover(crossover, swapping_prob)
        self._crossover_prob = crossover_prob
        self._swapping_prob = swapping_prob
        self._rng = np.random.default_rng(seed)
        self._lhs_seed = int(self._rng.integers(2**32))
        self._constraints_func = constraints_func
        for name, hook in (
            ("elite_population_selection_strategy", elite_population_selection_strategy),
            ("child_generation_strategy", child_generation_strategy),
            ("after_trial_strategy", after_trial_strategy),
        ):
            check_strategy(name, hook)
        self._elite_strategy = elite_population_selection_strategy
        self._child_strategy = child_generation_strategy
        self._after_trial_strategy = after_trial_strategy
        self._lock = threading.Lock()
        self._caches: dict[tuple[int, int], _StudyCache] = {}
        self._pending: dict[int, int] = {}

    def reseed_rng(self) -> None:
        self._rng = np.random.default_rng()

    # -- generations -----------------------------------------------------------
    def _cache(self, study: Study) -> tuple[_StudyCache, History]:
        history = study.history
        key = (id(study.storage), study._study_id)
        cache = self._caches.get(key)
        if cache is None:
            cache = self._caches[key] = _StudyCache()
        cache.update(history)
        return cache, history

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        with self._lock:
            cache, history = self._cache(study)
            gens = cache.gens[: history.n]
            known = gens[gens >= 0]
            gen = int(known.max()) if len(known) else 0
            done = np.count_nonzero((gens == gen) & (history.states == _COMPLETE))
            if done >= self._population_size:
                gen += 1
            self._pending[trial.trial_id] = gen
        study.set_trial_system_attr(trial, GENERATION_KEY, gen)

    def _generation(self, trial: FrozenTrial) -> int:
        gen = self._pending.get(trial.trial_id)
        if gen is None:
            gen = int(trial.system_attrs.get(GENERATION_KEY, 0))
        return gen

    def _elites(self, study: Study, gen: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """Rows, ranks and crowding of the parents of generation ``gen`` (cached).

        The elites are chosen from the last elites plus the trials of earlier
        generations completed since (NSGA-II's (mu + lambda) survival), so a
        generation costs a sort of about two populations, not of the study.
        """
        cache, history = self._cache(study)
        gens = cache.gens[: history.n]
        pool = (history.states == _COMPLETE) & (((gens >= 0) & (gens < gen)) | (gens == -1))
        if len(cache.considered) < history.n:
            cache.considered = np.concatenate(
                [cache.considered, np.zeros(history.n - len(cache.considered), dtype=bool)]
            )
        considered = cache.considered[: history.n]
        new = np.flatnonzero(pool & ~considered)
        if cache.elites is not None and len(new) == 0:
            return cache.elites
        old = cache.elites[0] if cache.elites is not None else np.zeros(0, dtype=np.int64)
        candidates = np.concatenate([old, new])
        if len(candidates) == 0:
            return None
        size = self._population_size
        if self._elite_strategy is not None:
            candidates = user_elites(study, self._elite_strategy, candidates)
            if len(candidates) == 0:
                raise ValueError("elite_population_selection_strategy returned no trials.")
            size = len(candidates)
        values = history.signed_values()[candidates]
        viol = cache.viol[candidates]
        violation = None if np.isnan(viol).all() else np.where(np.isnan(viol), np.inf, viol)
        idx, ranks, crowd = self._select(values, violation, size)
        considered[new] = True
        cache.elites = (candidates[idx], ranks, crowd)
        return cache.elites

    def _select(
        self, values: np.ndarray, violation: np.ndarray | None, size: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return select_elites(values, violation, size)

    # -- sampling --------------------------------------------------------------
    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        if self._generation(trial) == 0:
            return {}
        return intersection_search_space(study.history)

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        with self._lock:
            elites = self._elites(study, self._generation(trial))
            if elites is None:
                return {}
            rows, ranks, crowd = elites
            if self._child_strategy is not None:
                return user_child(study, self._child_strategy, search_space, rows)
            history = study.history
            enc = Encoding(search_space)
            parents = enc.encode(np.column_stack([history.param(name)[rows] for name in enc.names]))
            chosen = [self._tournament(ranks, crowd)]
            while len(chosen) < self._crossover.n_parents:
                chosen.append(self._tournament(ranks, crowd, avoid=chosen[-1]))
            child = self._variation(study, parents[chosen], enc)
        return enc.decode(child)

    def _tournament(self, ranks: np.ndarray, crowd: np.ndarray, avoid: int | None = None) -> int:
        n = len(ranks)
        i, j = (int(k) for k in self._rng.integers(n, size=2))
        if avoid is not None and n > 2:  # draw from the others, keeping the mate distinct
            i, j = (
                k if k != avoid else (k + 1 + int(self._rng.integers(n - 1))) % n for k in (i, j)
            )
        if ranks[i] != ranks[j]:
            return i if ranks[i] < ranks[j] else j
        return i if crowd[i] >= crowd[j] else j

    def _variation(self, study: Study, parents: np.ndarray, enc: Encoding) -> np.ndarray:
        rng = self._rng
        cat = enc.categorical
        num = ~cat
        p1, p2 = parents[0], parents[1]
        child = p1.copy()
        if rng.random() < self._crossover_prob:
            if num.any():
                genes = parents[:, num]
                bounds = np.tile([0.0, 1.0], (genes.shape[1], 1))
                child[num] = np.clip(
                    self._crossover.crossover(genes, self._rng_for(self._crossover), study, bounds),
                    0.0,
                    1.0,
                )
            if cat.any():
                swap = rng.random(int(cat.sum())) < self._swapping_prob
                child[cat] = np.where(swap, p2[cat], p1[cat])
        d = len(child)
        prob = self._mutation_prob if self._mutation_prob is not None else 1.0 / max(d, 1)
        mutate = rng.random(d) < prob
        child = np.where(num, self._mutate(study, child, mutate & num), child)
        for j in np.flatnonzero(mutate & cat).tolist():
            child[j] = float(rng.integers(len(enc.dists[j].choices)))  # type: ignore[attr-defined]
        return child

    def _mutate(self, study: Study, genes: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if self._mutation is None or isinstance(self._mutation, PolynomialMutation):
            eta = 20.0 if self._mutation is None else self._mutation.eta
            return polynomial_mutation(genes, mask, eta, self._rng)
        out = genes.copy()
        rng = self._rng_for(self._mutation)
        for j in np.flatnonzero(mask).tolist():
            gene = self._mutation.mutation(float(genes[j]), rng, study, np.array([0.0, 1.0]))
            out[j] = min(max(float(gene), 0.0), 1.0)
        return out

    def _rng_for(self, operator: object) -> Any:
        """Our generator for our operators; a seeded RandomState (Optuna's type) for others'."""
        if type(operator).__module__.startswith("hypersearch."):
            return self._rng
        return np.random.RandomState(int(self._rng.integers(2**32)))

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        if self._generation(trial) != 0 or param_distribution.single():
            return sample_uniform(self._rng, param_distribution)
        # Generation 0 is a Latin hypercube: trial k of the generation takes
        # stratum perm[k] of each parameter, so the first population covers
        # every parameter's range evenly whatever the workers' order.
        pop = self._population_size
        perm = np.random.default_rng([self._lhs_seed, zlib.crc32(param_name.encode())]).permutation(
            pop
        )
        u = (perm[trial.number % pop] + self._rng.random()) / pop
        if isinstance(param_distribution, CategoricalDistribution):
            n = len(param_distribution.choices)
            return param_distribution.choices[min(int(u * n), n - 1)]
        assert isinstance(param_distribution, (FloatDistribution, IntDistribution))
        low, high = float(param_distribution.low), float(param_distribution.high)
        if param_distribution.log:
            x = float(np.exp(np.log(low) + u * (np.log(high) - np.log(low))))
        else:
            x = low + u * (high - low)
        return snap(param_distribution, x)

    # -- constraints -----------------------------------------------------------
    def after_trial(
        self,
        study: Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        with self._lock:
            self._pending.pop(trial.trial_id, None)
        if self._after_trial_strategy is not None:
            self._after_trial_strategy(study, trial, state, values)
        elif self._constraints_func is not None:
            record_constraints(study, trial, state, values, self._constraints_func)


class NSGAIIISampler(NSGAIISampler):
    """NSGA-III (Deb & Jain 2014): NSGA-II with reference-point niching.

    The last front that does not fit into the elites is cut by niching instead
    of crowding: objectives are normalised by the ideal point and the extreme
    points' intercepts, each trial joins its nearest reference direction, and
    the least crowded directions are filled first. With Das-Dennis reference
    points this keeps an even spread on fronts of 3 and more objectives, where
    crowding distance loses its grip.

    Args:
        reference_points: ``(k, n_objectives)`` directions; None means Das-Dennis
            points with ``dividing_parameter`` divisions.
        dividing_parameter: Divisions per objective of the default reference points.
        **kwargs: The options of :class:`NSGAIISampler`.
    """

    def __init__(
        self,
        *,
        reference_points: np.ndarray | None = None,
        dividing_parameter: int = 3,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if (
            isinstance(dividing_parameter, bool)
            or not isinstance(dividing_parameter, int)
            or dividing_parameter < 1
        ):
            raise ValueError(
                f"dividing_parameter must be an integer >= 1, got {dividing_parameter!r}."
            )
        self._reference_points = (
            None if reference_points is None else np.asarray(reference_points, float)
        )
        self._dividing_parameter = dividing_parameter

    def _select(
        self, values: np.ndarray, violation: np.ndarray | None, size: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        refs = self._reference_points
        if refs is None:
            refs = das_dennis(values.shape[1], self._dividing_parameter)
        if refs.ndim != 2 or refs.shape[1] != values.shape[1]:
            raise ValueError(
                f"reference_points must have shape (k, {values.shape[1]}), got {refs.shape}."
            )
        return select_elites(values, violation, size, reference_points=refs, rng=self._rng)
