"""The CMA-ES sampler: one generation at a time, state kept in the storage."""

from __future__ import annotations

import hashlib
import json
import math
import threading
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch import _keys
from hypersearch._validation import check_flags, check_int
from hypersearch.distributions import BaseDistribution, CategoricalDistribution
from hypersearch.samplers._base import BaseSampler
from hypersearch.samplers._cmaes._optimizer import CMA, default_popsize
from hypersearch.samplers._cmaes._transform import UnitTransform
from hypersearch.samplers._random import RandomSampler
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._study import Study

GEN_KEY = _keys.CMA_GENERATION
SPACE_KEY = _keys.CMA_SPACE
X_KEY = _keys.CMA_X
_RESTARTS = (None, "ipop", "bipop")


class CmaEsSampler(BaseSampler):
    """Covariance Matrix Adaptation Evolution Strategy (CMA-ES) over numeric parameters.

    Each generation samples ``lambda`` points from ``N(m, sigma^2 C)`` in the
    unit cube (log parameters in log space, discrete ones on cells of equal
    width) and, once ``lambda`` trials of the generation are COMPLETE, updates
    the mean toward the weighted best ``mu = lambda/2``, the covariance by the
    rank-one (evolution path) and rank-mu updates, and the step size by
    cumulative step-size adaptation (Hansen's tutorial defaults; see
    :mod:`hypersearch.samplers._cmaes._optimizer`). Samples outside the cube are
    resampled, then mirrored back.

    When to pick it: continuous (or fine integer) spaces, moderately expensive
    trials, budgets of many trials (hundreds or more, ~10x the dimension and up),
    many parallel workers (a generation is a batch). For mixed/conditional spaces
    or small budgets prefer TPE, GP or :class:`RandomForestSampler`.

    The relative space is the intersection of the parameters of all COMPLETE
    trials, less the categoricals: categorical parameters (and parameters that
    appear later) are sampled by ``independent_sampler``.

    State: the optimizer of each generation is written as JSON to the study's
    system attrs (a JSON string) under ``"cma:<space id>:<generation>"``; trials carry
    ``"cma:generation"``, ``"cma:space"`` and the continuous sample ``"cma:x"``.
    A sampler that starts late, or restarts, reads the latest generation and
    continues; with the same ``seed`` it proposes the same points. With
    asynchronous workers a trial finishing after its generation was told is not
    used; if two workers tell the same generation at once, the last write wins.

    Args:
        x0: Initial mean as external values by name (default: the centre).
        sigma0: Initial step size in unit-cube coordinates (default 1/6).
        n_startup_trials: COMPLETE trials before CMA-ES starts (sampled independently).
        independent_sampler: For categorical and non-relative parameters (default random).
        warn_independent_sampling: Warn when a parameter is sampled independently
            after the startup trials.
        seed: Seed; the same seed gives the same trials.
        consider_pruned_trials: Rank PRUNED trials by their last reported value too.
        restart_strategy: None, ``"ipop"`` (restart with ``popsize * inc_popsize``
            after tolfun/tolx/condition-number stops) or ``"bipop"`` (alternate
            large-population runs with small-population, small-step runs, balancing
            their evaluations; Hansen 2009).
        popsize: Population size (default ``4 + floor(3 ln d)``).
        inc_popsize: Population growth factor at each IPOP restart.
        use_separable_cma: Diagonal covariance (sep-CMA-ES, Ros & Hansen 2008) with
            learning rates raised by ``(d+2)/3``: O(d) per sample, for high dimensions.
        with_margin: Keep each neighbouring value of an integer/step parameter at
            marginal probability >= ``1/(d lambda)`` (CMA-ES with margin, Hamano et al. 2022).
        lr_adapt: Adapt the mean/covariance learning rates by the signal-to-noise
            ratio of their updates (LRA-CMA-ES, Nomura et al. 2023; simplified) —
            for noisy or multimodal objectives.
        source_trials: Trials of a similar earlier task for a warm start (WS-CMA-ES,
            Nomura et al. 2021): mean and covariance are fit to the best 10% of them
            (plus a 0.1^2 I prior), ``sigma = det(Sigma)^(1/2d)``, ``C = Sigma / sigma^2``.
    """

    def __init__(
        self,
        x0: dict[str, Any] | None = None,
        sigma0: float | None = None,
        n_startup_trials: int = 1,
        independent_sampler: BaseSampler | None = None,
        warn_independent_sampling: bool = True,
        seed: int | None = None,
        *,
        consider_pruned_trials: bool = False,
        restart_strategy: str | None = None,
        popsize: int | None = None,
        inc_popsize: int = 2,
        use_separable_cma: bool = False,
        with_margin: bool = False,
        lr_adapt: bool = False,
        source_trials: Sequence[FrozenTrial] | None = None,
    ) -> None:
        check_flags(
            warn_independent_sampling=warn_independent_sampling,
            consider_pruned_trials=consider_pruned_trials,
            use_separable_cma=use_separable_cma,
            with_margin=with_margin,
            lr_adapt=lr_adapt,
        )
        if sigma0 is not None and not (isinstance(sigma0, (int, float)) and sigma0 > 0):
            raise ValueError(f"sigma0 must be a positive number, got {sigma0!r}.")
        check_int("n_startup_trials", n_startup_trials, 0)
        if restart_strategy not in _RESTARTS:
            raise ValueError(
                f"restart_strategy must be None, 'ipop' or 'bipop', got {restart_strategy!r}."
            )
        if popsize is not None and (not isinstance(popsize, int) or popsize < 2):
            raise ValueError(f"popsize must be an int >= 2, got {popsize!r}.")
        check_int("inc_popsize", inc_popsize, 1)
        if source_trials is not None and x0 is not None:
            raise ValueError("Give either x0 or source_trials, not both.")
        self._x0 = dict(x0) if x0 is not None else None
        self._sigma0 = float(sigma0) if sigma0 is not None else 1.0 / 6.0
        self._n_startup = n_startup_trials
        self._seed = int(np.random.SeedSequence(seed).generate_state(1)[0])
        self._independent = independent_sampler or RandomSampler(seed=seed)
        self._warn = warn_independent_sampling
        self._restart = restart_strategy
        self._popsize = popsize
        self._inc_popsize = inc_popsize
        self._margin = with_margin
        self._separable = use_separable_cma
        self._pruned = consider_pruned_trials
        self._lr_adapt = lr_adapt
        self._source = list(source_trials) if source_trials is not None else None
        # Caches rebuilt from the storage: latest generation per space, told trials.
        self._latest: dict[str, tuple[int, dict[str, Any], CMA]] = {}
        self._done: dict[tuple[str, int], dict[int, None]] = {}
        self._max_gen: dict[str, int] = {}
        self._seen_version = -1
        self._space_cache: tuple[int, dict[str, BaseDistribution]] | None = None
        self._lock = threading.Lock()

    def reseed_rng(self) -> None:
        self._seed = int(np.random.SeedSequence().generate_state(1)[0])
        self._independent.reseed_rng()

    # -- search space --------------------------------------------------------------
    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        history = study.history
        if self._space_cache is not None and self._space_cache[0] == history.version:
            return self._space_cache[1]
        space = _numeric_intersection(history, self._pruned)
        self._space_cache = (history.version, space)
        return space

    # -- sampling --------------------------------------------------------------------
    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        if len(study.directions) > 1:
            raise ValueError("CmaEsSampler supports single-objective studies only.")
        history = study.history
        if history.count(TrialState.COMPLETE) < self._n_startup:
            return {}
        with self._lock:
            # A snapshot read under the lock is at least as new as any row an earlier
            # holder scanned into the shared generation bookkeeping.
            return self._sample(study, study.history, trial, search_space)

    def _sample(
        self,
        study: Study,
        history: Any,
        trial: FrozenTrial,
        search_space: dict[str, BaseDistribution],
    ) -> dict[str, Any]:
        transform = UnitTransform(search_space)
        sid = _space_id(search_space)
        self._scan(history)
        cached = self._latest.get(sid)
        if (
            cached is None
            or len(self._done.get((sid, cached[0]), ())) >= cached[2].popsize
            or self._max_gen.get(sid, -1) > cached[0]
        ):
            # Read the storage only when a generation may have moved on (here or elsewhere).
            cached = self._load(study, sid, transform)
        gen, meta, cma = cached
        edges = transform.edges() if self._margin else None
        done = self._done.get((sid, gen), {})
        told = self._told_points(history, sorted(done), transform, cma.popsize)
        if told is not None:
            xs, fs = told
            cma.tell(xs, fs, edges)
            meta = dict(meta)
            meta["evals"] = meta.get("evals", 0) + cma.popsize
            if self._restart is not None and cma.should_stop():
                cma, meta = self._restarted(cma, meta, gen, transform.dim)
            gen += 1
            self._store(study, sid, gen, meta, cma)
        rng = np.random.default_rng([self._seed, gen, trial.number])
        x = cma.ask(rng)
        study.set_trial_system_attr(trial, GEN_KEY, gen)
        study.set_trial_system_attr(trial, SPACE_KEY, sid)
        study.set_trial_system_attr(trial, X_KEY, x.tolist())
        return transform.from_unit(x)

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        if self._warn and study.history.count(TrialState.COMPLETE) >= max(1, self._n_startup):
            warnings.warn(
                f"CmaEsSampler samples {param_name!r} ({param_distribution!r}) with the "
                f"independent sampler {type(self._independent).__name__}: CMA-ES covers "
                "numeric parameters present in every trial only.",
                stacklevel=2,
            )
        return self._independent.sample_independent(study, trial, param_name, param_distribution)

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        self._independent.before_trial(study, trial)

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        self._independent.after_trial(study, trial, state, values)

    # -- state -------------------------------------------------------------------------
    def _scan(self, history: Any) -> None:
        """Index COMPLETE tagged trials by (space, generation), reading changed rows only."""
        # Another thread may refresh the view meanwhile: read the version first, slice
        # every column to one length, and rescan the latest version's rows next time.
        version = history.version
        n = history.n
        rows = np.nonzero(
            (history.row_version[:n] > self._seen_version) & (history.states[:n] >= 0)
        )[0]
        self._seen_version = version - 1
        complete = int(TrialState.COMPLETE)
        pruned = int(TrialState.PRUNED) if self._pruned else complete
        for row in rows.tolist():
            attrs = history.trial(row).system_attrs
            gen = attrs.get(GEN_KEY)
            if gen is None or X_KEY not in attrs:
                continue
            sid, gen = attrs[SPACE_KEY], int(gen)
            if gen > self._max_gen.get(sid, -1):
                self._max_gen[sid] = gen
            state = history.states[row]
            if (state == complete and np.isfinite(history.values[row, 0])) or (
                state == pruned and np.isfinite(history.last_report[row])
            ):
                self._done.setdefault((sid, gen), {})[row] = None

    def _told_points(
        self, history: Any, rows: list[int], transform: UnitTransform, popsize: int
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """The first ``popsize`` usable trials of a generation, or None if too few.

        A trial's own continuous sample is told when its parameters are the ones
        that sample gave (the margin needs the value before rounding); otherwise
        (an enqueued trial with fixed values) its actual parameters are.
        """
        if len(rows) < popsize:
            return None
        xs: list[np.ndarray] = []
        used: list[int] = []
        for row in rows:
            trial = history.trial(row)
            if any(name not in trial.params for name in transform.names):
                continue
            x = np.asarray(trial.system_attrs[X_KEY], dtype=float)
            if len(x) != transform.dim or transform.from_unit(x) != {
                name: trial.params[name] for name in transform.names
            }:
                internal = [
                    d.to_internal(trial.params[name])
                    for name, d in zip(transform.names, transform.dists)
                ]
                x = np.clip(transform.to_unit(np.array(internal)), 0.0, 1.0)
            xs.append(x)
            used.append(row)
            if len(used) == popsize:
                return np.array(xs), self._values(history, used)
        return None

    def _values(self, history: Any, rows: list[int]) -> np.ndarray:
        """Values to rank (smaller is better): a PRUNED trial's last report stands in."""
        values = history.signed_values()[rows, 0]
        sign = -1.0 if history.directions[0] == StudyDirection.MAXIMIZE else 1.0
        reports = sign * history.last_report[rows]
        return np.where(np.isnan(values), reports, values)

    def _load(self, study: Study, sid: str, transform: UnitTransform) -> tuple[int, dict, CMA]:
        attrs = study.system_attrs
        prefix = f"cma:{sid}:"
        cached = self._latest.get(sid)
        if cached is None:
            gens = [int(k[len(prefix) :]) for k in attrs if k.startswith(prefix)]
            if not gens:
                meta, cma = self._initial(study, transform)
                self._store(study, sid, 0, meta, cma)
                return 0, meta, cma
            gen = max(gens)
        else:
            gen = cached[0]
            while f"{prefix}{gen + 1}" in attrs:
                gen += 1
            if gen == cached[0]:
                return cached
        data = json.loads(attrs[f"{prefix}{gen}"])
        cma = CMA.from_json(data["cma"])
        meta = data["meta"]
        self._latest[sid] = (gen, meta, cma)
        return gen, meta, cma

    def _store(self, study: Study, sid: str, gen: int, meta: dict, cma: CMA) -> None:
        data = {"cma": cma.to_json(), "meta": meta}
        # A JSON string, not a nested object: storages copy strings for free.
        study.set_system_attr(f"cma:{sid}:{gen}", json.dumps(data))
        # Keep exactly what a fresh sampler would rebuild from the JSON.
        self._latest[sid] = (gen, meta, CMA.from_json(data["cma"]))

    def _initial(self, study: Study, transform: UnitTransform) -> tuple[dict, CMA]:
        n = transform.dim
        popsize = self._popsize or default_popsize(n)
        sigma, cov = self._sigma0, None
        mean = np.full(n, 0.5)
        if self._x0 is not None:
            missing = [name for name in transform.names if name not in self._x0]
            if missing:
                raise ValueError(f"x0 lacks the parameters {missing}.")
            internal = [
                d.to_internal(self._x0[name]) for name, d in zip(transform.names, transform.dists)
            ]
            mean = np.clip(transform.to_unit(np.array(internal)), 0.0, 1.0)
        elif self._source:
            mean, sigma, cov = _warm_start(self._source, transform, study)
        cma = CMA(mean, sigma, cov, popsize, separable=self._separable)
        if self._lr_adapt:
            cma.enable_lr_adapt()
        meta = {
            "popsize0": popsize,
            "restarts": 0,
            "evals": 0,
            "large": 0,
            "small": 0,
            "i_large": 0,
        }
        return meta, cma

    def _restarted(self, cma: CMA, meta: dict, gen: int, n: int) -> tuple[CMA, dict]:
        meta = dict(meta)
        rng = np.random.default_rng([self._seed, gen, 2**31])
        run_evals = meta.pop("evals", 0)
        meta["evals"] = 0
        meta["restarts"] += 1
        popsize0 = meta["popsize0"]
        sigma = self._sigma0
        if self._restart == "ipop":
            popsize = cma.popsize * self._inc_popsize
        else:
            # BIPOP: the run that ended charges its regime; the cheaper regime runs next.
            meta["large" if meta.get("regime", "large") == "large" else "small"] += run_evals
            if meta["small"] < meta["large"]:
                u = float(rng.random())
                large_pop = popsize0 * self._inc_popsize ** meta["i_large"]
                popsize = max(2, int(popsize0 * (0.5 * large_pop / popsize0) ** (u * u)))
                sigma = self._sigma0 * 10 ** (-2 * u)
                meta["regime"] = "small"
            else:
                meta["i_large"] += 1
                popsize = popsize0 * self._inc_popsize ** meta["i_large"]
                meta["regime"] = "large"
        new = CMA(rng.random(n), sigma, None, popsize, separable=self._separable)
        if self._lr_adapt:
            new.enable_lr_adapt()
        return new, meta


def _numeric_intersection(history: Any, include_pruned: bool) -> dict[str, BaseDistribution]:
    """Numeric parameters present in every finished trial (a consistent snapshot)."""
    n = history.n
    states = history.states[:n]
    done = states == int(TrialState.COMPLETE)
    if include_pruned:
        done |= states == int(TrialState.PRUNED)
    if not done.any():
        return {}
    for _ in range(5):
        try:
            items = list(history.distributions.items())
            break
        except RuntimeError:  # resized by a refresh in another thread
            continue
    else:
        return {}
    space: dict[str, BaseDistribution] = {}
    for name, dist in sorted(items):
        if (
            name in history.conflicting
            or isinstance(dist, CategoricalDistribution)
            or dist.single()
        ):
            continue
        column = history.param(name)[:n]
        if len(column) == n and not np.isnan(column[done]).any():
            space[name] = dist
    return space


def _space_id(space: dict[str, BaseDistribution]) -> str:
    text = ";".join(f"{k}={v!r}" for k, v in sorted(space.items()))
    return hashlib.sha1(text.encode()).hexdigest()[:10]


def _warm_start(
    source: Sequence[FrozenTrial], transform: UnitTransform, study: Study
) -> tuple[np.ndarray, float, np.ndarray]:
    sign = -1.0 if study.directions[0].name == "MAXIMIZE" else 1.0
    rows, ys = [], []
    for t in source:
        if t.state != TrialState.COMPLETE or t.values is None:
            continue
        if not all(name in t.params for name in transform.names):
            continue
        internal = [
            d.to_internal(t.params[name]) for name, d in zip(transform.names, transform.dists)
        ]
        rows.append(np.clip(transform.to_unit(np.array(internal)), 0.0, 1.0))
        ys.append(sign * t.values[0])
    if not rows:
        raise ValueError("source_trials has no COMPLETE trial with every parameter of the space.")
    xs = np.array(rows)
    order = np.argsort(ys, kind="stable")
    top = xs[order[: max(1, int(math.floor(0.1 * len(xs))))]]
    n = transform.dim
    mean = top.mean(axis=0)
    diff = top - mean
    sigma_cov = diff.T @ diff / len(top) + 0.1**2 * np.eye(n)
    det = float(np.linalg.det(sigma_cov))
    sigma = det ** (1.0 / (2 * n))
    return mean, sigma, sigma_cov / sigma**2
