"""Study: a search that spends its budget on trials."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hypersearch import logging as hs_logging
from hypersearch._pickling import FreshLocksOnPickle
from hypersearch.distributions import BaseDistribution
from hypersearch.storages._base import BaseStorage
from hypersearch.study._budget import Budget, compute_budget
from hypersearch.study._dataframe import DEFAULT_DATAFRAME_ATTRS, METRIC_NAMES_KEY
from hypersearch.study._direction import StudyDirection
from hypersearch.study._seeds import best_by_mean, stored_selection
from hypersearch.study._seeds_mixin import SeedsMixin
from hypersearch.study._sessions import sessions_of
from hypersearch.study._tell import check_values
from hypersearch.study._tell_mixin import TellMixin
from hypersearch.trial._frozen import FrozenTrial, show_budget_of
from hypersearch.trial._state import TrialState
from hypersearch.trial._trial import FIXED_PARAMS_KEY, Trial

if TYPE_CHECKING:
    import pandas as pd

    from hypersearch.diagnostics import Finding
    from hypersearch.pruners._base import BasePruner
    from hypersearch.samplers._base import BaseSampler
    from hypersearch.schedulers._base import BaseScheduler
    from hypersearch.schedulers._checkpoint import CheckpointStore
    from hypersearch.study._history import History

ObjectiveFuncType = Callable[[Trial], "float | Sequence[float]"]

_logger = hs_logging.get_logger(__name__)


class Study(TellMixin, SeedsMixin, FreshLocksOnPickle):
    """A search: its trials live in a storage; a sampler and a pruner drive it.

    A study pickles (its locks are made anew), as Optuna's does; an in-memory
    study's copy holds a copy of its trials.

    Create one with :func:`hypersearch.create_study` or load one with
    :func:`hypersearch.load_study` rather than calling this constructor.
    """

    def __init__(
        self,
        study_name: str,
        storage: BaseStorage,
        sampler: BaseSampler | None = None,
        pruner: BasePruner | BaseScheduler | None = None,
    ) -> None:
        from hypersearch.pruners import default_pruner
        from hypersearch.samplers import default_sampler
        from hypersearch.study._history import History  # numpy: loads with the first study

        self.study_name = study_name
        self._storage = storage
        self._study_id = storage.get_study_id_from_name(study_name)
        self._directions = tuple(storage.get_study_directions(self._study_id))
        self.sampler = sampler if sampler is not None else default_sampler(len(self._directions))
        self._active_scheduler: BaseScheduler | None = None  # optimize(scheduler=...) while it runs
        self._current: BaseScheduler | None = None  # what study.scheduler returns (None: not built)
        if pruner is None:  # a sampler may bring its own (the AutoSampler does)
            own = getattr(self.sampler, "default_pruner", None)
            pruner = own(len(self._directions)) if own else default_pruner(len(self._directions))
        self.pruner = pruner
        self._history = History(storage, self._study_id, self._directions)
        self._history_lock = threading.Lock()
        self._stop_flag = False
        self._optimizing = False
        self._checkpoints: CheckpointStore | None = None

    @property
    def storage(self) -> BaseStorage:
        """The storage this study lives in (trials, attributes), for code that writes beside it."""
        return self._storage

    # -- the scheduler -------------------------------------------------------------
    @property
    def pruner(self) -> BasePruner | BaseScheduler:
        """The study's pruner (or scheduler): what decides after each report by default."""
        return self._pruner

    @pruner.setter
    def pruner(self, pruner: BasePruner | BaseScheduler) -> None:
        self._pruner = pruner
        self._current = self._active_scheduler  # the wrapper is rebuilt on the next use

    @property
    def scheduler(self) -> BaseScheduler:
        """The scheduler deciding for this study's trials.

        The one ``optimize(scheduler=...)`` is running with, else the study's
        ``pruner``: a scheduler as it is, a stopping pruner wrapped in
        :class:`~hypersearch.schedulers.PrunerScheduler`.
        """
        current = self._current
        if current is None:
            from hypersearch.schedulers._base import as_scheduler

            current = self._current = as_scheduler(self._pruner, "pruner")
        return current

    def _run_with(self, scheduler: BaseScheduler | None) -> BaseScheduler | None:
        """Make ``scheduler`` the study's scheduler (None: back to the pruner); the previous one."""
        previous = self._active_scheduler
        self._active_scheduler = scheduler
        self._current = scheduler
        return previous

    def _checkpoint_store(self) -> CheckpointStore:
        """This study object's default checkpoint store (in memory, shared by its runs)."""
        if self._checkpoints is None:
            from hypersearch.schedulers._checkpoint import CheckpointStore

            self._checkpoints = CheckpointStore()
        return self._checkpoints

    # -- directions and the history ---------------------------------------------
    @property
    def direction(self) -> StudyDirection:
        """The direction of a single-objective study."""
        if len(self._directions) > 1:
            raise RuntimeError("This study has several objectives; use `directions`.")
        return self._directions[0]

    @property
    def directions(self) -> list[StudyDirection]:
        return list(self._directions)

    @property
    def history(self) -> History:
        """The array-shaped view of the trials, refreshed from the storage."""
        with self._history_lock:
            self._history.refresh()
            return self._history.snapshot()

    def finish_seq(self) -> int | None:
        """A number that changes whenever a trial of this study finishes; no trial is read.

        While it holds, the set of finished trials is the same, so a reader that only
        cares about finished trials (a pruner comparing with completed ones) may keep
        what it read from :attr:`history`. None: the storage cannot tell cheaply.
        """
        return self._storage.get_finish_seq(self._study_id)

    # -- trials ------------------------------------------------------------------
    @property
    def trials(self) -> list[FrozenTrial]:
        """Every trial, in number order (copies)."""
        return self.get_trials()

    def get_trials(
        self, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        """Trials in number order, optionally only some states.

        With ``deepcopy=False`` the snapshots are shared with the study's cache:
        read them, do not change them.
        """
        trials = self.history.trials()
        if states is not None:
            trials = [t for t in trials if t.state in states]
        return copy.deepcopy(trials) if deepcopy else trials

    @property
    def best_trial(self) -> FrozenTrial:
        """The best COMPLETE trial of a single-objective study.

        After ``set_best_trial_selection("mean")``: the configuration with the best mean
        over its seeds (see :meth:`best_trial_by`).
        """
        if len(self._directions) > 1:
            raise RuntimeError(
                "best_trial is for single-objective studies; use `best_trials` for the Pareto front."
            )
        best = best_by_mean(self)[0] if stored_selection(self) == "mean" else self._best_single()
        return show_budget_of(best, self)

    def _best_single(self) -> FrozenTrial:
        from hypersearch.multi_objective._constraints import feasible_best

        history = self.history
        number = history.best_number
        if number is None:
            raise ValueError(f"Study {self.study_name!r} has no COMPLETE trial yet.")
        return copy.deepcopy(history.trial(feasible_best(history, number)))

    @property
    def best_params(self) -> dict[str, Any]:
        return dict(self.best_trial.params)

    @property
    def best_value(self) -> float:
        value = self.best_trial.value
        assert value is not None
        return value

    @property
    def best_trials(self) -> list[FrozenTrial]:
        """The Pareto front of COMPLETE trials (the best trial, for one objective).

        With constraints recorded, only feasible trials count when any exists.
        """
        import numpy as np

        from hypersearch.multi_objective import pareto_front_mask
        from hypersearch.multi_objective._constraints import feasible_rows

        history = self.history
        rows = feasible_rows(history, np.flatnonzero(history.mask(TrialState.COMPLETE)))
        if len(rows) == 0:
            return []
        front = rows[pareto_front_mask(history.signed_values()[rows])]
        return [copy.deepcopy(history.trial(int(i))) for i in front]

    # -- attributes ----------------------------------------------------------------
    @property
    def user_attrs(self) -> dict[str, Any]:
        return self._storage.get_study_user_attrs(self._study_id)

    @property
    def system_attrs(self) -> dict[str, Any]:
        return self._storage.get_study_system_attrs(self._study_id)

    def set_user_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serialisable value to the study."""
        self._storage.set_study_user_attr(self._study_id, key, value)

    def set_system_attr(self, key: str, value: Any) -> None:
        self._storage.set_study_system_attr(self._study_id, key, value)

    def set_trial_system_attr(self, trial: FrozenTrial | int, key: str, value: Any) -> None:
        """Set a system attribute of one of this study's trials (a record or a number).

        For hypersearch's components (pruners, schedulers, samplers) that record
        what they decided about a trial, e.g. its rung values.
        """
        if isinstance(trial, FrozenTrial):
            trial_id = trial.trial_id
        else:
            trial_id = self._resolve(trial)[0]
        self._storage.set_trial_system_attr(trial_id, key, value)

    # -- ask and tell ----------------------------------------------------------------
    def ask(self, fixed_distributions: Mapping[str, BaseDistribution] | None = None) -> Trial:
        """Start a trial: an enqueued one if any waits, else a new one.

        ``fixed_distributions`` suggests those parameters at once (define-and-run).
        """
        frozen = self._storage.start_trial(self._study_id)
        trial = Trial(self, frozen)
        for name, dist in (fixed_distributions or {}).items():
            trial._suggest(name, dist)
        return trial

    # -- adding trials ---------------------------------------------------------------
    def enqueue_trial(
        self,
        params: Mapping[str, Any],
        user_attrs: Mapping[str, Any] | None = None,
        skip_if_exists: bool = False,
    ) -> None:
        """Queue parameters for the next trial; unnamed parameters are sampled as usual."""
        if not isinstance(params, Mapping):
            raise TypeError(f"params must be a mapping, got {params!r}.")
        params = dict(params)
        if skip_if_exists and self._already_has(params):
            _logger.info(f"Trial with params {params} already exists; not enqueued.")
            return
        self.add_trial(
            FrozenTrial(
                number=-1,
                state=TrialState.WAITING,
                user_attrs=dict(user_attrs or {}),
                system_attrs={FIXED_PARAMS_KEY: params},
            )
        )

    def _already_has(self, params: dict[str, Any]) -> bool:
        for t in self.history.trials():
            fixed = t.system_attrs.get(FIXED_PARAMS_KEY)
            if t.state == TrialState.WAITING and fixed == params:
                return True
            if t.params and all(k in t.params and t.params[k] == v for k, v in params.items()):
                return True
        return False

    def add_trial(self, trial: FrozenTrial) -> None:
        """Add a finished (or waiting) trial made with :func:`hypersearch.create_trial`."""
        if not isinstance(trial, FrozenTrial):
            raise TypeError(f"add_trial() takes a FrozenTrial, got {trial!r}.")
        if trial.state == TrialState.RUNNING:
            raise ValueError("add_trial() takes finished or WAITING trials, not RUNNING ones.")
        if trial.state == TrialState.COMPLETE:
            checked, problem = check_values(trial.values, len(self._directions))
            if problem is not None:
                raise ValueError(f"Cannot add trial: {problem}.")
            trial = trial.replace(values=checked)
        self._storage.create_new_trial(self._study_id, template=trial)

    def add_trials(self, trials: Iterable[FrozenTrial]) -> None:
        for trial in trials:
            self.add_trial(trial)

    # -- running -----------------------------------------------------------------------
    def optimize(
        self,
        func: ObjectiveFuncType,
        n_trials: int | None = None,
        timeout: float | None = None,
        n_jobs: int = 1,
        catch: Iterable[type[BaseException]] | type[BaseException] = (),
        callbacks: Iterable[Callable[[Study, FrozenTrial], None]] | None = None,
        gc_after_trial: bool = False,
        show_progress_bar: bool = False,
        *,
        executor: Any = None,
        scheduler: BaseScheduler | BasePruner | None = None,
        checkpoints: CheckpointStore | None = None,
        trial_timeout: float | None = None,
        stop: Any = None,
        diagnose: bool = True,
        budget_cost: float | None = None,
        budget_seconds: float | None = None,
        devices: float | None = None,
    ) -> None:
        """Run trials of ``func`` until ``n_trials`` ran or ``timeout`` seconds passed.

        Args:
            func: The objective; takes a :class:`Trial`, returns a value (or values).
            n_trials: Trials to run in this call (None: until timeout or stop()).
            timeout: Seconds after which no new trial starts.
            n_jobs: Threads running trials at once; -1 means one per CPU core.
            catch: Exception types that fail the trial but do not stop the study.
            callbacks: Called as ``callback(study, frozen_trial)`` after each trial.
            gc_after_trial: Run the garbage collector after each trial.
            show_progress_bar: Show a tqdm progress bar (extra ``progress``).
            executor: None or "thread" (threads), "process" (worker processes; needs a
                storage processes share, such as SQLite), or any object with
                ``submit()`` such as a ``concurrent.futures`` executor or a Dask
                client. See :mod:`hypersearch.study._executors`.
            scheduler: What decides which trial runs next and what happens after each
                report (see :mod:`hypersearch.schedulers`): e.g. an ``ASHAScheduler``
                (pause and promote) or a ``PBTScheduler``. Default: the study's
                ``pruner`` (a stopping pruner never pauses). While this call runs,
                ``study.scheduler`` is it.
            checkpoints: Where ``trial.checkpoint`` saves (default: in this study
                object's memory). Worker processes need a shared one: a directory
                ``CheckpointStore`` or a ``StorageCheckpointStore``.
            trial_timeout: Seconds one trial may run. A trial past it is stopped and
                recorded PRUNED (with its last report) if it reported, else FAIL (the
                reason in system attribute ``"fail_reason"``); its worker goes on.
                Worker processes interrupt it at once; a thread at its next
                ``report`` / ``suggest_*`` / ``should_prune``.
            stop: ``"auto"``: also stop once the regret bound says more trials are unlikely
                to beat the objective's noise (:class:`hypersearch.terminator.StopWhenConverged`;
                or pass one, or a ``Terminator``). Its decision is in the budget report.
            diagnose: Check the study at 20, 40, 80, ... trials and log each new
                :meth:`diagnose` finding once, as a warning (False: no checks).
            budget_cost: No new trial starts once the study's finished trials cost this
                much in all (each trial's ``cost`` user attribute, else its duration in
                seconds; earlier calls count). Recorded in the study for cost-aware
                samplers. See :mod:`hypersearch.samplers._cost._budget`.
            budget_seconds: The same for the summed durations of the study's trials.
            devices: Devices (GPUs) each trial holds, recorded on the trial (system
                attribute ``"devices"``) for the device-hours of :meth:`budget`.
        """
        from hypersearch.study._optimize import run_optimize

        run_optimize(
            self,
            func,
            n_trials=n_trials,
            timeout=timeout,
            n_jobs=n_jobs,
            catch=catch,
            callbacks=callbacks,
            gc_after_trial=gc_after_trial,
            show_progress_bar=show_progress_bar,
            executor=executor,
            scheduler=scheduler,
            checkpoints=checkpoints,
            trial_timeout=trial_timeout,
            stop=stop,
            diagnose=diagnose,
            budget_cost=budget_cost,
            budget_seconds=budget_seconds,
            devices=devices,
        )

    def stop(self) -> None:
        """Let the running trials finish, then end :meth:`optimize`."""
        self._stop_flag = True

    # -- reporting ---------------------------------------------------------------------
    def budget(self) -> Budget:
        """What the study spent so far: trials by state, wall time (per session), trial time, device-hours, steps."""
        return compute_budget(self.history.trials(), sessions_of(self.system_attrs))

    def summary(self) -> str:
        """A short printable account: the best result and the budget behind it."""
        lines = [f"Study {self.study_name!r}"]
        if len(self._directions) == 1:
            number = self.history.best_number
            if number is None:
                lines.append("No trial completed yet.")
            else:
                best = self.best_trial  # honours set_best_trial_selection
                lines.append(f"Best trial #{best.number}: value {best.values[0]:.6g}")  # type: ignore[index]
                lines.append(f"  params {dict(best.params)}")
        else:
            front = self.best_trials
            lines.append(f"Pareto front: {len(front)} trials")
        from hypersearch.study._report import pitfall_lines

        lines.extend(pitfall_lines(self))
        lines.append(f"Budget: {self.budget()}")
        from hypersearch.terminator._record import stop_record

        if (record := stop_record(self)) is not None:  # optimize(stop=...) / a Terminator
            lines.append(f"Stopping rule: {record}")
        from hypersearch.diagnostics._summary import diagnostics_section

        lines += diagnostics_section(self)
        return "\n".join(lines)

    def diagnose(self) -> list[Finding]:
        """Findings about this study's set-up (see :func:`hypersearch.diagnostics.diagnose`)."""
        from hypersearch.diagnostics import diagnose

        return diagnose(self)

    def trials_dataframe(
        self,
        attrs: tuple[str, ...] = DEFAULT_DATAFRAME_ATTRS,
        multi_index: bool = False,
    ) -> pd.DataFrame:
        """The trials as a pandas DataFrame with Optuna's columns (extra ``pandas``).

        Args:
            attrs: FrozenTrial attributes to include, in column order (Optuna's default).
            multi_index: Two-level columns (``("params", "x")``) instead of ``params_x``.
        """
        from hypersearch.study._dataframe import trials_dataframe

        return trials_dataframe(self, attrs=attrs, multi_index=multi_index)

    @property
    def metric_names(self) -> list[str] | None:
        """The objectives' names set by :meth:`set_metric_names`, or None."""
        names = self.system_attrs.get(METRIC_NAMES_KEY)
        return None if names is None else list(names)

    def set_metric_names(self, metric_names: list[str]) -> None:
        """Name each objective (used by ``trials_dataframe`` and the plots)."""
        names = list(metric_names)
        if len(names) != len(self._directions):
            raise ValueError(
                f"metric_names has {len(names)} names but the study has "
                f"{len(self._directions)} objectives."
            )
        if not all(isinstance(n, str) for n in names):
            raise TypeError(f"metric_names must be strings, got {metric_names!r}.")
        self._storage.set_study_system_attr(self._study_id, METRIC_NAMES_KEY, names)
