"""Population-based training (Jaderberg et al., 2017), asynchronous, on the study API.

Design: a *member* of the population is a chain of trials, one trial per
*segment* of ``perturbation_interval`` reported steps. Each segment trial has
its hyperparameters fixed (``fixed_params``: ``trial.suggest_*`` returns them),
and its system attribute ``"pbt"`` records the member, the step range
``[start, end)``, the trial whose checkpoint it starts from (``source``) and,
when it exploited another member, from whom, at which step, and the
hyperparameters before and after. The segment's value is its last report.
Everything lives in the storage, so threads and processes sharing one (SQL)
storage run one population together: queued segments are claimed with the
storage's atomic WAITING -> RUNNING move.
"""

from __future__ import annotations

import math
import threading
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch.distributions import BaseDistribution
from hypersearch.exceptions import TrialPruned, UpdateFinishedTrialError
from hypersearch.pruners._base import BasePruner
from hypersearch.pruners._checks import check_int
from hypersearch.schedulers._checkpoint import Checkpoint, CheckpointStore
from hypersearch.schedulers._pbt_explore import ExploreFunc, checked_explore, default_explore
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState
from hypersearch.trial._trial import FIXED_PARAMS_KEY, Trial

if TYPE_CHECKING:
    from pathlib import Path

    from hypersearch.study._study import Study

PBT_KEY = "pbt"
ERROR_KEY = "fail_reason"


class CheckpointError(RuntimeError):
    """A member's checkpoint could not be saved, loaded or copied; that member fails."""


@dataclass
class Segment:
    """One trial of a member, as read from its ``"pbt"`` system attribute."""

    number: int
    member: int | None
    index: int
    start: int
    end: int
    source: int | None
    state: TrialState
    value: float | None
    params: dict[str, Any]
    distributions: dict[str, BaseDistribution]
    after: int | None = None
    exploit: dict[str, Any] | None = None
    surplus: bool = False
    steps_run: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def read_segments(study: Study) -> dict[int, Segment]:
    """The PBT segments of ``study`` by trial number (from the history view)."""
    history = study.history
    out: dict[int, Segment] = {}
    for t in history.trials():
        seg = _parse(t)
        if seg is not None:
            out[t.number] = seg
    return out


class SegmentCache:
    """:func:`read_segments` kept up to date from the history's changed rows only.

    Each read costs the number of trials changed since the last one (plus a
    copy of the dict), not the study's size.
    """

    def __init__(self) -> None:
        self._segments: dict[int, Segment] = {}
        self._version = -1
        self._identity: object = None
        self._lock = threading.Lock()

    def read(self, study: Study) -> dict[int, Segment]:
        history = study.history
        with self._lock:
            if history.identity is not self._identity:
                self._segments, self._version, self._identity = {}, -1, history.identity
            rows = np.nonzero(history.row_version > self._version)[0].tolist()
            for row in rows:
                try:
                    seg = _parse(history.trial(row))
                except KeyError:
                    continue
                if seg is not None:
                    self._segments[row] = seg
            self._version = history.version
            return dict(self._segments)


def _parse(t: FrozenTrial) -> Segment | None:
    info = t.system_attrs.get(PBT_KEY)
    if not isinstance(info, Mapping):
        return None
    return Segment(
        number=t.number,
        member=info.get("member"),
        index=int(info.get("segment", 0)),
        start=int(info.get("start", 0)),
        end=int(info.get("end", 0)),
        source=info.get("source"),
        state=t.state,
        value=t.value if t.values is not None and len(t.values) == 1 else None,
        params=dict(t.params),
        distributions=dict(t.distributions),
        after=info.get("after"),
        exploit=info.get("exploit"),
        surplus=bool(info.get("surplus", False)),
        steps_run=len(t.intermediate_values),
    )


class PBTScheduler(BasePruner):
    """Asynchronous population-based training: exploit the best, explore around them.

    ``population_size`` members train side by side. Every
    ``perturbation_interval`` reported steps a member stops its segment; when it
    is next picked up, the population is ranked by each member's latest
    segment value. A member in the bottom ``quantile_fraction`` (at least one
    member, at most half) *exploits*: it copies the checkpoint (bytes or
    folder, never a live object) and hyperparameters of a member drawn from
    the top fraction, then *explores* them. There is no generation barrier:
    each member decides when it reaches its own interval, against whatever
    the others have reported by then (their latest segment values, which may
    lie up to an interval apart: report a metric of the current model, such
    as validation accuracy, not a running sum). Until every live member has finished
    its first segment nobody exploits (a member that is ready waits; nothing
    is copied from members without a checkpoint).

    Explore, per parameter: with ``resample_probability`` draw a fresh value
    from its distribution, else multiply by a factor from
    ``perturbation_factors`` (log parameters thus move multiplicatively;
    ints are rounded; categoricals move to a neighbouring choice); results are
    clipped to the distribution's bounds (see :func:`perturb`). Or pass
    ``explore(params, distributions, rng) -> params``; its results are clipped too.

    Pick PBT for long trainings whose best hyperparameters change over time
    (learning-rate schedules, regularisation) and when a population of
    ``population_size`` can train at once; it finds a *schedule*, which
    :func:`~hypersearch.schedulers.pbt_schedule` extracts and
    :func:`~hypersearch.schedulers.replay` reruns. Run the study with
    :func:`optimize_pbt`; the study's sampler draws the first segment's
    hyperparameters (use a random or QMC sampler).

    Args:
        population_size: Members trained together (>= 2).
        perturbation_interval: Reported steps per segment (>= 1).
        max_steps: Steps each member trains: a member finishes at step ``max_steps``.
        quantile_fraction: Bottom fraction that copies the top fraction, in (0, 0.5].
        resample_probability: Per-parameter probability of resampling in explore.
        perturbation_factors: Factors drawn from when perturbing.
        explore: A custom explore function (replaces the default one).
        initial_params: Fixed hyperparameters for members ``0..len-1`` (the rest are sampled).
        seed: Seed of the scheduler's random choices.
    """

    def __init__(
        self,
        population_size: int,
        perturbation_interval: int,
        max_steps: int,
        *,
        quantile_fraction: float = 0.25,
        resample_probability: float = 0.25,
        perturbation_factors: Sequence[float] = (0.8, 1.2),
        explore: ExploreFunc | None = None,
        initial_params: Sequence[Mapping[str, Any]] | None = None,
        seed: int | None = None,
    ) -> None:
        self.population_size = check_int("population_size", population_size, 2)
        self.perturbation_interval = check_int("perturbation_interval", perturbation_interval, 1)
        self.max_steps = check_int("max_steps", max_steps, 1)
        if not (0.0 < float(quantile_fraction) <= 0.5):
            raise ValueError(f"quantile_fraction must be in (0, 0.5], got {quantile_fraction!r}.")
        self.quantile_fraction = float(quantile_fraction)
        if not (0.0 <= float(resample_probability) <= 1.0):
            raise ValueError(
                f"resample_probability must be in [0, 1], got {resample_probability!r}."
            )
        self.resample_probability = float(resample_probability)
        factors = tuple(float(f) for f in perturbation_factors)
        if not factors or any(not (f > 0.0 and math.isfinite(f)) for f in factors):
            raise ValueError(
                f"perturbation_factors must be positive numbers, got {perturbation_factors!r}."
            )
        self.perturbation_factors = factors
        if explore is not None and not callable(explore):
            raise TypeError(f"explore must be callable, got {explore!r}.")
        self._explore_func = explore
        self.initial_params = [dict(p) for p in (initial_params or [])]
        if len(self.initial_params) > self.population_size:
            raise ValueError(
                f"initial_params has {len(self.initial_params)} entries for a population of "
                f"{self.population_size}."
            )
        self._rng = np.random.default_rng(seed)
        self._lock = threading.RLock()

    # -- the pruner side: end a segment at its last step -------------------------------
    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        """True once ``trial`` reported the last step of its segment (or a NaN)."""
        info = trial.system_attrs.get(PBT_KEY)
        if not isinstance(info, Mapping) or not trial.intermediate_values:
            return False
        step = max(trial.intermediate_values)
        return step + 1 >= int(info["end"])

    @property
    def n_exploiters(self) -> int:
        """How many members form the bottom (and top) fraction."""
        return max(
            1,
            min(
                self.population_size // 2, math.ceil(self.quantile_fraction * self.population_size)
            ),
        )

    # -- explore -------------------------------------------------------------------------
    def explore(
        self,
        study: Study,
        params: Mapping[str, Any],
        distributions: Mapping[str, BaseDistribution],
        *,
        step: int,
        segments: Mapping[int, Segment],
    ) -> dict[str, Any]:
        """New hyperparameters from the copied ``params`` (subclasses: PB2)."""
        with self._lock:
            if self._explore_func is not None:
                return checked_explore(self._explore_func, params, distributions, self._rng)
            return default_explore(
                params,
                distributions,
                self._rng,
                resample_probability=self.resample_probability,
                factors=self.perturbation_factors,
            )

    # -- the ranking -------------------------------------------------------------------
    def _latest(self, segments: Mapping[int, Segment]) -> dict[int, Segment]:
        """Each live member's latest COMPLETE segment (failed or pruned members are out)."""
        dead = {
            g.member for g in segments.values() if g.state in (TrialState.FAIL, TrialState.PRUNED)
        }
        latest: dict[int, Segment] = {}
        for seg in segments.values():
            if seg.member is None or seg.surplus or seg.state != TrialState.COMPLETE:
                continue
            if seg.member in dead:
                continue
            if seg.value is None or math.isnan(seg.value):
                continue
            cur = latest.get(seg.member)
            if cur is None or seg.index > cur.index:
                latest[seg.member] = seg
        return latest

    def _decide(
        self, study: Study, member: int, previous: Segment, segments: Mapping[int, Segment]
    ) -> tuple[Segment, dict[str, Any], dict[str, Any] | None]:
        """(source segment, params, exploit record or None) for ``member``'s next segment."""
        latest = self._latest(segments)
        sign = -1.0 if study.direction == StudyDirection.MAXIMIZE else 1.0
        ranked = sorted(latest.values(), key=lambda s: (sign * float(s.value), s.member))  # type: ignore[arg-type]
        k = self.n_exploiters
        if len(ranked) < 2:
            return previous, dict(previous.params), None
        k = min(k, len(ranked) // 2)
        bottom = {s.member for s in ranked[len(ranked) - k :]}
        if member not in bottom:
            return previous, dict(previous.params), None
        with self._lock:
            source = ranked[int(self._rng.integers(k))]
        if source.end >= self.max_steps or sign * source.value >= sign * previous.value:  # type: ignore[operator]
            return previous, dict(previous.params), None
        new = self.explore(
            study, source.params, source.distributions, step=source.end, segments=segments
        )
        record = {
            "from_member": source.member,
            "from_trial": source.number,
            "step": source.end,
            "own_step": previous.end,
            "before": dict(previous.params),
            "copied": dict(source.params),
            "after": dict(new),
        }
        return source, new, record


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

    # -- picking work ------------------------------------------------------------------
    def acquire(self) -> Trial | object | None:
        study, s = self.study, self.s
        segments = self.cache.read(study)
        firsts = sorted(n for n, g in segments.items() if g.index == 0 and not g.surplus)
        if len(firsts) < s.population_size:
            return self._start_member(segments)
        live = self._live_members(segments)
        queued = sorted(
            (g for g in segments.values() if g.state == TrialState.WAITING and g.after is not None),
            key=lambda g: (segments[g.after].end if g.after in segments else 0, g.number),
        )
        all_started = all(
            any(x.member == m and x.state == TrialState.COMPLETE for x in segments.values())
            for m in live
        )
        for g in queued:
            prev = segments.get(g.after)  # type: ignore[arg-type]
            if prev is None or prev.state != TrialState.COMPLETE or not all_started:
                continue
            trial = self._claim(g, prev)
            if trial is not None:
                return trial
        busy = any(
            g.state == TrialState.RUNNING or (g.state == TrialState.WAITING and g.after is not None)
            for g in segments.values()
        )
        return _WAIT if busy else None

    def _live_members(self, segments: Mapping[int, Segment]) -> set[int]:
        members = {g.member for g in segments.values() if g.member is not None and not g.surplus}
        dead = {
            g.member
            for g in segments.values()
            if g.state in (TrialState.FAIL, TrialState.PRUNED) and g.member is not None
        }
        return {m for m in members if m not in dead}  # type: ignore[misc]

    def _start_member(self, segments: Mapping[int, Segment]) -> Trial | None:
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
        segs = self.cache.read(study)
        rank = sum(
            1 for n, g in segs.items() if g.index == 0 and n < frozen.number and not g.surplus
        )
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
        for _ in range(5):
            source, params, record = s._decide(study, member, previous, self.cache.read(study))
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
            # The chosen member moved on and its old checkpoint was cleaned up: decide again.
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
        segs = sorted(
            (
                g
                for g in self.cache.read(self.study).values()
                if g.member == member and g.state.is_finished()
            ),
            key=lambda g: g.index,
        )
        for g in segs[: max(0, len(segs) - keep)]:
            self.store.delete(self.study.study_name, g.number)

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
    segments = read_segments(study)
    members = {g.member for g in segments.values() if g.member is not None and not g.surplus}
    if members and runner.errors and not _live(segments, members):
        raise runner.errors[-1]


def _live(segments: Mapping[int, Segment], members: set[Any]) -> bool:
    failed = {g.member for g in segments.values() if g.state == TrialState.FAIL}
    return bool(members - failed)
