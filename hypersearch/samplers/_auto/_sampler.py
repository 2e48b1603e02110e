"""AutoSampler: picks the sampler (and, when none was given, the pruner) from what it sees."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hypersearch._validation import check_int
from hypersearch.distributions import BaseDistribution
from hypersearch.samplers._auto import _cost
from hypersearch.samplers._auto._build import ConstraintsFunc, build
from hypersearch.samplers._auto._facts import FactsReader, Plan, distribution_size, gather
from hypersearch.samplers._auto._percost import StartSpread, per_unit_cost
from hypersearch.samplers._auto._record import (
    append_choice,
    budget_seconds,
    same,
    stored_choices,
)
from hypersearch.samplers._auto._rules import Choice, decide, level_of
from hypersearch.samplers._base import BaseSampler
from hypersearch.samplers._brute_force import BruteForceSampler
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.pruners._base import BasePruner
    from hypersearch.schedulers._base import BaseScheduler
    from hypersearch.study._study import Study

_FINISHED = (TrialState.COMPLETE, TrialState.PRUNED)


class AutoSampler(BaseSampler):
    """The default sampler: chooses a strategy from the space, the cost, the workers, the reports.

    Before each trial it looks at the study (the history in the storage, the plan
    ``optimize`` declared) and hands the trial to one of hypersearch's samplers, by
    this table (first match wins; thresholds and their evidence in
    ``hypersearch/samplers/_auto/_rules.py`` and ``_cost.py``):

    ======================================================  ==========================
    situation                                               sampler
    ======================================================  ==========================
    ``continuous_steps`` declared                           random + ``PBTScheduler``
    no trial finished yet (the space unknown)               random
    the objective reports, the user's budget ladder         BOHB (+ their scheduler)
    reports, own Hyperband, GP picked below, < 200 planned  GP (Hyperband not pruning)
    the objective reports, own Hyperband otherwise          BOHB (+ Hyperband)
    all-discrete space <= planned trials (else <= 100)      brute force
    several objectives, < 200 trials, GP affordable         GP (logEHVI)
    several objectives, < 500 trials                        TPE (multi-objective)
    several objectives otherwise                            NSGA-II (2) / NSGA-III (3+)
    sampling costs more than it buys (cheap trials)         QMC / random
    conditional or mostly categorical                       TPE
    numeric, < 200 trials, <= 20 params, GP affordable      GP (``gp-light``: fast trials)
    ... the start's costs vary ~10x+, a budget declared     GP per unit cost
    numeric, >= 500 more trials planned, or >= 8 workers    CMA-ES
    otherwise                                               TPE
    ======================================================  ==========================

    "Affordable" is the cost rule: the AutoSampler times its own sampling per trial in CPU time
    (stored as trial system attribute ``"auto:overhead"``) and reads each trial's
    duration from the storage; when a model costs more than the progress it buys
    per wall-clock second (a ``timeout`` or no ``n_trials``), or more than the
    objective itself and 10 ms (only ``n_trials`` declared), it moves to a cheaper
    one: GP -> the GP's light effort (``GPSampler(effort="light")``, ~1/3 of its CPU
    time, for objectives under ~0.1 s) -> TPE / CMA-ES -> QMC / random. With ``n_jobs``
    threads the sampler is the serial part, so the objective's time counts divided by the
    workers.
    Parallel workers are handled by the samplers chosen: TPE's constant liar, the
    GP's kriging-believer fantasies, CMA-ES's generations.
    Where the random start's costs (the ``cost`` user attribute, else the duration) vary
    ~10x or more (90th percentile over 10th), a budget is declared and the costly
    trials are not the good ones, the GP searches per unit cost, cooled over the
    budget (``GPSampler(cost_aware=True)``; ``_percost.py``).

    When the study was created without a pruner the AutoSampler supplies one: a
    :class:`~hypersearch.pruners.HyperbandPruner` (one objective; an ``AutoHyperband``
    that prunes only the trials BOHB sampled: at small budgets the GP samples reporting
    trials and lets them finish, as measured ahead in ``bench/results/strategy-s7.md``), :class:`~hypersearch.pruners.ParetoPruner` (several), or a
    :class:`~hypersearch.schedulers.PBTScheduler` when ``continuous_steps`` is set.
    A pruner the user gave is kept as it is.

    Every change of choice is logged once (DEBUG level) and stored in the study (system
    attribute ``_keys.AUTO_CHOICES``: records with ``sampler``, ``reason``,
    ``n_trials``, ``datetime``, ``level``), and ``study.summary()`` lists them. The
    choice is a function of the stored history, the settings and the stored
    choices, so a worker that joins later (another process on the same storage)
    makes the same one.

    Args:
        seed: Seed, passed unchanged to each sampler it builds, so a choice runs the trials
            of the fixed sampler it names with this seed.
            Choices that depend on measured time (the cost rule) can differ between
            runs whose timings differ.
        constraints_func: Passed to the samplers that take one (TPE, GP, NSGA);
            CMA-ES is then never chosen.
        continuous_steps: Declares a continuous-training objective that reports every
            step up to this many and saves ``trial.checkpoint``: the study gets a
            ``PBTScheduler`` (population ``population_size``, perturbation every
            ``continuous_steps // 8`` steps). Needs the study to have no pruner.
        population_size: PBT's population with ``continuous_steps``.
    """

    def __init__(
        self,
        *,
        seed: int | None = None,
        constraints_func: ConstraintsFunc | None = None,
        continuous_steps: int | None = None,
        population_size: int = 8,
    ) -> None:
        if seed is not None:
            check_int("seed", seed, 0)
        if constraints_func is not None and not callable(constraints_func):
            raise TypeError(f"constraints_func must be callable, got {constraints_func!r}.")
        if continuous_steps is not None:
            check_int("continuous_steps", continuous_steps, 1)
        check_int("population_size", population_size, 2)
        self._seed = seed
        self._start_spread = StartSpread()  # rule 8b's reading of the start
        self._constraints_func = constraints_func
        self._continuous_steps = continuous_steps
        self._population_size = population_size
        self._plan = Plan()
        self._started = 0  # trials begun since the plan was declared
        self._samplers: dict[str, BaseSampler] = {}
        self._last: dict[str, Any] | None = None  # the last stored choice this worker knows
        self._level_now = _cost.GP_LEVEL  # what the cost allowed at the last choice
        self._loaded = False
        self._current = "random"
        self._route = "random"  # the sampler that actually sampled the latest trial
        self._by_trial: dict[int, str] = {}  # trial number -> the sampler that samples it
        self._choice_of: dict[int, str] = {}  # trial number -> the choice it was sampled under
        self._spent: dict[int, float] = {}  # trial number -> seconds spent sampling it
        self._measured: tuple[object, _cost.CostFacts | None] = (-1, None)
        self._timings: dict[int, _cost.Timing] = {}  # finished trial -> (duration, sampling) s
        self._local: _cost.Local = {}  # this worker's trials: exact sampling time and level
        self._warmed: set[str] = set()  # samplers past their first trial
        self._reader = FactsReader()
        self._timed_identity: object = None
        self._last_recorded_sampler = ""  # the sampler of the last trial that stored its time
        self._own_pruner: BasePruner | BaseScheduler | None = None
        self._lock = threading.Lock()

    # -- what the study asks of it --------------------------------------------------------
    @property
    def current(self) -> str:
        """The name of the sampler chosen for the latest trial."""
        return self._current

    @property
    def cost_aware(self) -> bool:
        """True: it may search per unit cost (rule 8b), so ``optimize`` records ``n_trials``
        in the study for the cost cooling to count down."""
        return True

    def default_pruner(self, n_objectives: int) -> BasePruner | BaseScheduler:
        """The pruner (or scheduler) a study created without one gets with this sampler."""
        if self._continuous_steps is not None:
            from hypersearch.schedulers._pbt import PBTScheduler

            steps = self._continuous_steps
            self._own_pruner = PBTScheduler(
                population_size=self._population_size,
                perturbation_interval=max(1, steps // 8),
                max_steps=steps,
                seed=self._seed,
            )
        elif n_objectives == 1:
            from hypersearch.samplers._auto._pruner import AutoHyperband

            self._own_pruner = AutoHyperband()
        else:
            from hypersearch.pruners._pareto import ParetoPruner

            self._own_pruner = ParetoPruner()
        return self._own_pruner

    def check_pruner(self, pruner: object) -> None:
        """A pruner given with ``continuous_steps`` is a conflict: say so, do not pick one."""
        if pruner is not None and self._continuous_steps is not None:
            raise ValueError(
                "AutoSampler(continuous_steps=...) picks PBT as the study's scheduler, but a "
                f"pruner was given too ({pruner!r}); drop one of them."
            )

    def multi_fidelity(self, number: int) -> bool:
        """Whether trial ``number`` was sampled under a multi-fidelity choice (BOHB).

        The AutoSampler's own Hyperband prunes only those (rule 3 in ``_rules.py``); a trial
        this worker did not sample counts under the current choice.
        """
        choice = self._choice_of.get(number, self._current)
        return choice in _MULTI_FIDELITY

    def plan_optimize(
        self,
        *,
        n_trials: int | None = None,
        timeout: float | None = None,
        n_jobs: int = 1,
        budget_seconds: float | None = None,
        budget_cost: float | None = None,
        **_: Any,
    ) -> None:
        """What ``optimize`` declared (called by it): the budget and the workers change the plan.

        A seconds or cost budget makes progress per second what counts (as a ``timeout``).
        """
        if budget_seconds is None and budget_cost is not None:
            budget_seconds = budget_cost
        with self._lock:
            self._plan = Plan(n_trials, timeout, budget_seconds, max(1, n_jobs))
            self._started = 0
            self._loaded = False  # read the study again: budgets it recorded, others' choices

    def reseed_rng(self) -> None:
        with self._lock:
            self._seed = None
            for sampler in self._samplers.values():
                sampler.reseed_rng()

    # -- the sampler interface: choose in before_trial, then hand everything on --------------
    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        start = time.thread_time()
        with self._lock:
            self._started += 1
            name = self._choose(study)
            self._by_trial[trial.number] = name
            self._choice_of[trial.number] = self._current
        self._delegate(name).before_trial(study, trial)
        self._add_time(trial.number, start)

    def infer_relative_search_space(
        self, study: Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        start = time.thread_time()
        space = self._for(trial).infer_relative_search_space(study, trial)
        self._add_time(trial.number, start)
        return space

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        start = time.thread_time()
        params = self._for(trial).sample_relative(study, trial, search_space)
        self._add_time(trial.number, start)
        return params

    def sample_independent(
        self,
        study: Study,
        trial: FrozenTrial,
        param_name: str,
        param_distribution: BaseDistribution,
    ) -> Any:
        start = time.thread_time()
        sampler = self._for(trial)
        if isinstance(sampler, BruteForceSampler) and distribution_size(param_distribution) > 1e18:
            sampler = self._delegate("random")  # a continuous branch the space had not shown yet
        value = sampler.sample_independent(study, trial, param_name, param_distribution)
        self._add_time(trial.number, start)
        return value

    def after_trial(
        self,
        study: Study,
        trial: FrozenTrial,
        state: TrialState,
        values: Sequence[float] | None,
    ) -> None:
        with self._lock:
            name = self._by_trial.pop(trial.number, self._current)
            self._choice_of.pop(trial.number, None)
            spent = self._spent.pop(trial.number, None)
            first = name != self._last_recorded_sampler
            if spent is not None:
                self._remember(trial.number, name, spent)
        if (
            name in _MODELS
            and spent is not None
            and _cost.should_record(trial.number, spent, first)
        ):
            study.set_trial_system_attr(trial, _cost.OVERHEAD_KEY, spent)
            self._last_recorded_sampler = name
        if self._constraints_func is not None and name not in _RECORDS_CONSTRAINTS:
            from hypersearch.multi_objective._constraints import record_constraints

            # every trial carries its constraints, whichever sampler chose it
            record_constraints(study, trial, state, values, self._constraints_func)
        sampler = self._delegate(name)
        if isinstance(sampler, BruteForceSampler) and _continuous(trial):
            return  # left the grid: the next choice sees the continuous space
        sampler.after_trial(study, trial, state, values)

    # -- choosing ---------------------------------------------------------------------------
    def _choose(self, study: Study) -> str:
        history = study.history
        if not self._loaded:  # a worker that joins, or a new optimize: read the study's settings
            self._load(study)
        facts = gather(
            history,
            self._reader,
            self._plan,
            self._started,
            budget_levels=bool(getattr(study.scheduler, "has_budget_levels", False)),
            constraints=self._constraints_func is not None,
            user_ladder=not _own_hyperband(study.pruner),
        )
        level = self._level(history, facts.workers, facts.n_finished)
        choice = decide(
            facts, level, self._continuous_steps is not None, self._constraints_func is not None
        )
        choice = per_unit_cost(choice, study, self._start_spread)
        self._level_now = level
        if not same(self._last, choice.sampler):
            self._last = self._store(study, choice, facts.n_finished, facts.workers, level)
        self._current = choice.sampler
        self._route = self._current
        if choice.sampler in _STARTS_AT_RANDOM and facts.n_finished < STARTUP_TRIALS:
            self._route = "random"  # what the model would do anyway, without loading it
        return self._route

    def _load(self, study: Study) -> None:
        """Take up the stored choices and the budgets ``optimize`` recorded in the study."""
        attrs = study.system_attrs
        records = stored_choices(attrs)
        self._last = records[-1] if records else None
        level = self._last.get("level", self._level_now) if self._last else _cost.GP_LEVEL
        self._level_now = int(level)
        seconds = budget_seconds(attrs)
        if seconds is not None and self._plan.budget_seconds is None:
            self._plan = dataclasses.replace(self._plan, budget_seconds=seconds)
        self._loaded = True

    def _remember(self, number: int, name: str, spent: float) -> None:
        """This worker's own sampling time of a trial (its sampler's first one marked warm-up)."""
        level = level_of(name) if name in self._warmed else _cost.WARMUP
        self._warmed.add(name)
        self._local[number] = (spent, level)
        if len(self._local) > 4 * _cost.WINDOW:
            for old in sorted(self._local)[: -2 * _cost.WINDOW]:
                del self._local[old]

    def _level(self, history: Any, workers: int, n_finished: int) -> int:
        previous = self._level_now
        level_now = level_of(self._route)  # the recent trials' overhead is this sampler's
        if self._timed_identity is not history.identity:  # another study, or another process
            self._timings, self._timed_identity = {}, history.identity
            self._measured = (-1, None)
        if self._measured[0] != (history.version, level_now):  # the history or level changed
            finished = history.mask(*_FINISHED)
            facts = _cost.measure(history, finished, self._timings, self._local, level_now)
            self._measured = ((history.version, level_now), facts)
        return _cost.affordable_level(
            self._measured[1],
            level_now,
            previous,
            workers,
            self._plan.time_bound,
            n_finished,
        )

    def _store(
        self, study: Study, choice: Choice, n_finished: int, workers: int, level: int
    ) -> dict[str, Any]:
        reason = f"{choice.reason}; {_cost.describe(self._measured[1])}"
        if workers > 1 and choice.sampler in _BATCH:
            reason += f"; {workers} workers: {_BATCH[choice.sampler]}"
        pruner = None
        if choice.sampler == "bohb" or self._continuous_steps is not None:
            given = study.pruner
            ours = given is self._own_pruner or _own_hyperband(given)
            owner = "set by AutoSampler" if ours else "the user's"
            pruner = f"{type(given).__name__} ({owner})"
        return append_choice(study, choice.sampler, reason, n_finished, level, pruner)

    # -- delegation -------------------------------------------------------------------------
    def _delegate(self, name: str) -> BaseSampler:
        sampler = self._samplers.get(name)
        if sampler is None:
            sampler = self._samplers[name] = build(name, self._seed, self._constraints_func)
        return sampler

    def _for(self, trial: FrozenTrial) -> BaseSampler:
        name = self._by_trial.get(trial.number, self._current)
        return self._delegate(name)

    def _add_time(self, number: int, start: float) -> None:
        took = time.thread_time() - start
        self._spent[number] = self._spent.get(number, 0.0) + took

    def __repr__(self) -> str:
        return f"AutoSampler(current={self._current!r})"


def _own_hyperband(pruner: object) -> bool:
    """The AutoSampler's own Hyperband (by class: a pickled copy of the sampler agrees)."""
    from hypersearch.samplers._auto._pruner import AutoHyperband

    return isinstance(pruner, AutoHyperband)


def _continuous(trial: FrozenTrial) -> bool:
    return any(distribution_size(d) > 1e18 for d in trial.distributions.values())


# The model samplers' start-up: their first 10 trials are random (n_startup_trials=10).
STARTUP_TRIALS = 10
# Random, not Sobol': Sobol' start-up points were measured (strategy.md "Start-up", 20 seeds)
# better on glmnet@cheap (13/0/7, p=0.036) and mfh3-bad@moderate (15/0/5, p=0.012) but worse on
# lcbench-3945@moderate (5/0/15, p=0.022).
_STARTS_AT_RANDOM = frozenset(("gp", "gp-light", "tpe", "bohb"))
_MULTI_FIDELITY = frozenset(("bohb",))
# Samplers whose time is worth storing (random, QMC and brute force take well under 1 ms).
_MODELS = frozenset(
    ("tpe", "gp", "gp-light", "gp-cost", "gp-light-cost", "cmaes", "bohb", "nsga2", "nsga3")
)
_RECORDS_CONSTRAINTS = frozenset(
    ("gp", "gp-light", "gp-cost", "gp-light-cost", "tpe", "nsga2", "nsga3")
)
_BATCH = {
    "tpe": "constant liar",
    "bohb": "constant liar",
    "gp": "kriging-believer fantasies",
    "gp-light": "kriging-believer fantasies",
    "gp-cost": "kriging-believer fantasies",
    "gp-light-cost": "kriging-believer fantasies",
    "cmaes": "one generation across workers",
    "nsga2": "one generation across workers",
    "nsga3": "one generation across workers",
}
