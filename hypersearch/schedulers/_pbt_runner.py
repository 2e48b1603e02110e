"""The PBT worker loop: claim a queued segment, decide exploit/explore, copy, run, queue the next."""

from __future__ import annotations

import math
import threading
import time
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hypersearch.exceptions import TrialPruned, UpdateFinishedTrialError
from hypersearch.pruners._checks import check_int
from hypersearch.schedulers._checkpoint import Checkpoint, CheckpointStore
from hypersearch.schedulers._pbt import (
    ERROR_KEY,
    PBT_KEY,
    CheckpointError,
    PBTScheduler,
    Segment,
    SegmentCache,
)
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState
from hypersearch.trial._trial import FIXED_PARAMS_KEY, Trial

if TYPE_CHECKING:
    from pathlib import Path

    from hypersearch.study._study import Study


class _GuardedCheckpoint(Checkpoint):
    """A segment's checkpoint whose save/load errors name the member (CheckpointError)."""

    def __init__(self, inner: Checkpoint, member: int, number: int) -> None:
        self._inner = inner
        self._member = member
        self._num = number

    def save(self, data: bytes) -> None:
        try:
            self._inner.save(data)
        except Exception as err:
            raise CheckpointError(
                f"PBT member {self._member} (trial {self._num}) could not save its checkpoint: "
                f"{type(err).__name__}: {err}"
            ) from err

    def load(self) -> bytes | None:
        try:
            return self._inner.load()
        except Exception as err:
            raise CheckpointError(
                f"PBT member {self._member} (trial {self._num}) could not load its checkpoint: "
                f"{type(err).__name__}: {err}"
            ) from err

    @property
    def folder(self) -> Path | None:
        return self._inner.folder


_WAIT = object()


class _Runner:
    """The worker loop shared by threads (and, through the storage, processes)."""

    def __init__(self, study: Study, scheduler: PBTScheduler, store: CheckpointStore) -> None:
        self.study = study
        self.s = scheduler
        self.store = store
        self.cond = threading.Condition()
        self.errors: list[BaseException] = []
        self.fatal: list[BaseException] = []
        self.keep = 2  # checkpoints kept per member: the latest two segments
        self.cache = SegmentCache()
        self.deleted: set[int] = set()  # checkpoints this runner already removed

    # -- picking work ------------------------------------------------------------------
    def acquire(self) -> Trial | object | None:
        study, s = self.study, self.s
        pop = self.cache.read(study)
        if len(pop.firsts) < s.population_size:
            return self._start_member()
        live = [v for v in pop.members.values() if not v.dead]
        all_started = all(v.completed for v in live)
        queued = sorted(
            (q for v in live for q in v.queued),
            key=lambda g: (pop.segments[g.after].end if g.after in pop.segments else 0, g.number),
        )
        for g in queued:
            prev = pop.segments.get(g.after)  # type: ignore[arg-type]
            if prev is None or prev.state != TrialState.COMPLETE or not all_started:
                continue
            trial = self._claim(g, prev)
            if trial is not None:
                return trial
        busy = pop.starting or any(v.running or v.queued for v in pop.members.values())
        return _WAIT if busy else None

    def _start_member(self) -> Trial | None:
        study, s = self.study, self.s
        storage = study._storage
        info = {
            "member": None,
            "segment": 0,
            "start": 0,
            "end": min(s.perturbation_interval, s.max_steps),
            "source": None,
        }
        frozen = storage.create_new_trial(
            study._study_id,
            template=FrozenTrial(number=-1, state=TrialState.WAITING, system_attrs={PBT_KEY: info}),
        )
        if not storage.set_trial_state_values(frozen.trial_id, TrialState.RUNNING):
            return None  # a plain study.ask() elsewhere took it as a queued trial
        rank = sum(1 for n in self.cache.read(study).firsts if n < frozen.number)
        if rank >= s.population_size:  # another worker filled the population meanwhile
            storage.set_trial_system_attr(frozen.trial_id, PBT_KEY, {**info, "surplus": True})
            storage.set_trial_state_values(frozen.trial_id, TrialState.PRUNED)
            return None
        storage.set_trial_system_attr(frozen.trial_id, PBT_KEY, {**info, "member": rank})
        if rank < len(s.initial_params):
            storage.set_trial_system_attr(frozen.trial_id, FIXED_PARAMS_KEY, s.initial_params[rank])
        return Trial(study, storage.get_trial(frozen.trial_id))

    def _claim(self, queued: Segment, previous: Segment) -> Trial | None:
        study, s, storage = self.study, self.s, self.study._storage
        trial_id = storage.get_trial_id_from_study_id_trial_number(study._study_id, queued.number)
        try:
            if not storage.set_trial_state_values(trial_id, TrialState.RUNNING):
                return None
        except UpdateFinishedTrialError:  # another worker claimed and finished it meanwhile
            return None
        member = int(previous.member)  # type: ignore[arg-type]
        error: str | None = None
        gone: set[int] = set()
        for _ in range(5):
            source, params, record = s._decide(
                study, member, previous, self.cache.read(study), frozenset(gone)
            )
            try:
                copied = self.store.copy(study.study_name, source.number, queued.number)
            except Exception as err:
                copied = False
                error = (
                    f"could not copy the checkpoint of trial {source.number}: "
                    f"{type(err).__name__}: {err}"
                )
            else:
                error = None
                if not copied:
                    error = (
                        f"trial {source.number} (member {source.member}) left no checkpoint "
                        "to continue from; save one before each segment ends"
                    )
            if copied or source.number == previous.number:
                break
            # The chosen member moved on and its old checkpoint was cleaned up: decide again
            # (ranking that member by its latest segment).
            gone.add(source.number)
        start = source.end
        info = {
            "member": member,
            "segment": previous.index + 1,
            "start": start,
            "end": min(start + s.perturbation_interval, s.max_steps),
            "source": source.number,
            "after": previous.number,
            "exploit": record,
        }
        storage.set_trial_system_attr(trial_id, PBT_KEY, info)
        storage.set_trial_system_attr(trial_id, FIXED_PARAMS_KEY, params)
        trial = Trial(study, storage.get_trial(trial_id))
        if error is not None:
            self._fail(trial, member, f"PBT member {member}: {error}.")
            return None
        return trial

    # -- running -------------------------------------------------------------------------
    def run_one(self, trial: Trial, objective: Callable[[Trial], Any]) -> None:
        study, s = self.study, self.s
        info = dict(trial._system_attrs[PBT_KEY])
        member = int(info["member"])
        inner = self.store.for_trial(study.study_name, trial.number)
        trial.checkpoint = _GuardedCheckpoint(inner, member, trial.number)  # type: ignore[attr-defined]
        try:
            value: Any = objective(trial)
            finished = True
        except TrialPruned:
            value = None
            finished = False
        except Exception as err:
            self._fail(trial, member, f"{type(err).__name__}: {err}", err)
            return
        reports = trial._intermediate
        last = max(reports) if reports else -1
        if not finished and last + 1 < int(info["end"]):
            study.tell(trial, state=TrialState.PRUNED)  # the objective pruned itself: member ends
            return
        if value is None:
            value = reports[last] if reports else math.nan
        end = int(info["end"])
        if end < s.max_steps and not finished:
            if not self.store.exists(study.study_name, trial.number):
                self._fail(
                    trial,
                    member,
                    f"PBT member {member} (trial {trial.number}) ended its segment without saving a checkpoint (trial.checkpoint.save).",
                )
                return
            nxt = {
                "member": member,
                "segment": int(info["segment"]) + 1,
                "after": trial.number,
                "start": end,
                "end": end,
                "source": None,
            }
            study._storage.create_new_trial(
                study._study_id,
                template=FrozenTrial(
                    number=-1, state=TrialState.WAITING, system_attrs={PBT_KEY: nxt}
                ),
            )
        study.tell(trial, value)
        self._cleanup(member)

    def _fail(
        self, trial: Trial, member: int, message: str, err: BaseException | None = None
    ) -> None:
        storage = self.study._storage
        storage.set_trial_system_attr(trial._trial_id, ERROR_KEY, message)
        self.study.tell(trial, state=TrialState.FAIL)
        warnings.warn(f"PBT member {member} failed: {message}", stacklevel=3)
        self.errors.append(err if err is not None else CheckpointError(message))
        self._cleanup(member, keep=0)

    def _cleanup(self, member: int, keep: int | None = None) -> None:
        keep = self.keep if keep is None else keep
        view = self.cache.read(self.study).members.get(member)
        if view is None:
            return
        done = [g for g in view.segments if g.state.is_finished()]
        for g in done[: max(0, len(done) - keep)]:
            if g.number not in self.deleted:
                self.store.delete(self.study.study_name, g.number)
                self.deleted.add(g.number)

    def worker(self, objective: Callable[[Trial], Any], deadline: float | None) -> None:
        try:
            self._work(objective, deadline)
        except BaseException as err:  # a scheduler/storage error: stop this worker, report it
            self.fatal.append(err)

    def _work(self, objective: Callable[[Trial], Any], deadline: float | None) -> None:
        while deadline is None or time.monotonic() < deadline:
            job = self.acquire()
            if job is None:
                break
            if job is _WAIT:
                with self.cond:
                    self.cond.wait(0.02)
                continue
            self.run_one(job, objective)  # type: ignore[arg-type]
            with self.cond:
                self.cond.notify_all()


def optimize_pbt(
    study: Study,
    objective: Callable[[Trial], Any],
    *,
    checkpoints: CheckpointStore | None = None,
    n_jobs: int = 1,
    timeout: float | None = None,
) -> None:
    """Train ``study``'s :class:`PBTScheduler` population until every member is done.

    The objective trains one segment: it reads its hyperparameters with
    ``trial.suggest_*`` (fixed by the scheduler after the first segment),
    loads ``trial.checkpoint.load()`` (None for a fresh member; otherwise the
    state *it or the member it copied* saved, including the step to continue
    from), trains, ``trial.report(value, step)`` each step, saves
    ``trial.checkpoint.save(bytes)`` (or fills ``trial.checkpoint.folder``)
    and raises :class:`~hypersearch.TrialPruned` when ``trial.should_prune()``
    says the segment is over (returning a value ends the member). A member
    whose objective or checkpoint fails is marked FAIL with the reason in
    system attribute ``"fail_reason"`` and a warning; the others go on. If
    every member fails, the last error is raised.

    Several processes may call this on the same study (an SQL storage and a
    shared checkpoint directory): they share one population.

    Args:
        study: A study whose pruner is a :class:`PBTScheduler`.
        objective: Trains one segment (see above).
        checkpoints: Where checkpoints live (default: this process's memory).
        n_jobs: Worker threads.
        timeout: Seconds after which no new segment starts.
    """
    scheduler = study.pruner
    if not isinstance(scheduler, PBTScheduler):
        raise TypeError(f"optimize_pbt needs study.pruner to be a PBTScheduler, got {scheduler!r}.")
    if len(study.directions) != 1:
        raise ValueError("optimize_pbt needs a single-objective study.")
    n_jobs = check_int("n_jobs", n_jobs, 1)
    if timeout is not None and not (float(timeout) > 0):
        raise ValueError(f"timeout must be > 0, got {timeout!r}.")
    runner = _Runner(
        study, scheduler, checkpoints if checkpoints is not None else CheckpointStore()
    )
    deadline = None if timeout is None else time.monotonic() + float(timeout)
    if n_jobs == 1:
        runner.worker(objective, deadline)
    else:
        threads = [
            threading.Thread(target=runner.worker, args=(objective, deadline), daemon=True)
            for _ in range(n_jobs)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    if runner.fatal:
        raise runner.fatal[0]
    members = runner.cache.read(study).members
    if (
        members
        and runner.errors
        and all(any(g.state == TrialState.FAIL for g in v.segments) for v in members.values())
    ):
        raise runner.errors[-1]
