"""How the run loop drives a PBT population: the scheduler protocol for segments.

* :meth:`~PopulationProtocol.suggest`: START a member's first segment until
  the population is full; then RESUME the oldest queued segment whose member's
  previous segment is COMPLETE (once every live member finished its first);
  WAIT while segments run elsewhere; DONE when nothing is left.
* :meth:`~PopulationProtocol.on_trial_start`: a first segment gets its member
  number (or, past the population size, is dropped as surplus); a queued
  segment decides exploit / explore, copies the chosen checkpoint and fixes
  its hyperparameters.
* :meth:`~PopulationProtocol.on_report`: STOP at the segment's last step.
* :meth:`~PopulationProtocol.on_stop`: the segment is COMPLETE (its last report
  is its value) and the member's next segment is queued (WAITING).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hypersearch._enums import Decision
from hypersearch.schedulers._base import BaseScheduler, Suggestion
from hypersearch.schedulers._pbt_segments import (
    ERROR_KEY,
    PBT_KEY,
    CheckpointError,
    GuardedCheckpoint,
    Population,
    Segment,
    SegmentCache,
)
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState
from hypersearch.trial._trial import FIXED_PARAMS_KEY

if TYPE_CHECKING:
    from hypersearch.schedulers._checkpoint import Checkpoint, CheckpointStore
    from hypersearch.study._study import Study

_COPY_TRIES = 5


class PopulationProtocol(BaseScheduler):
    """The run-loop side of :class:`~hypersearch.schedulers.PBTScheduler` (see the module)."""

    uses_checkpoints = True
    keep = 2  # checkpoints kept per member: the latest two segments
    population_size: int
    perturbation_interval: int
    max_steps: int
    initial_params: list[dict[str, Any]]

    def _init_run_state(self) -> None:
        self._cache = SegmentCache()
        self._deleted: set[tuple[str, int]] = set()  # checkpoints this scheduler removed
        self._errors: list[BaseException] = []
        self._errors_lock = threading.Lock()

    def _decide(
        self,
        study: Study,
        member: int,
        previous: Segment,
        population: Population,
        gone: frozenset[int] = frozenset(),
    ) -> tuple[Segment, dict[str, Any], dict[str, Any] | None]:
        raise NotImplementedError

    # -- what next -------------------------------------------------------------------
    def suggest(self, study: Study, *, may_start: bool, running: int) -> Suggestion:
        if len(study.directions) != 1:
            raise ValueError(f"{type(self).__name__} needs a single-objective study.")
        pop = self._cache.read(study)
        if len(pop.firsts) < self.population_size and may_start:
            info = {
                "member": None,
                "segment": 0,
                "start": 0,
                "end": min(self.perturbation_interval, self.max_steps),
                "source": None,
            }
            return Suggestion.start({PBT_KEY: info})
        live = [v for v in pop.members.values() if not v.dead]
        all_started = all(v.completed for v in live)
        queued = sorted(
            (q for v in live for q in v.queued),
            key=lambda g: (pop.segments[g.after].end if g.after in pop.segments else 0, g.number),
        )
        for g in queued:
            prev = pop.segments.get(g.after)  # type: ignore[arg-type]
            if prev is not None and prev.state == TrialState.COMPLETE and all_started:
                return Suggestion.resume(g.number)
        busy = pop.starting or any(v.running or v.queued for v in pop.members.values())
        return Suggestion.wait() if busy else Suggestion.done()

    def on_trial_start(
        self, study: Study, trial: FrozenTrial, checkpoints: CheckpointStore
    ) -> Decision:
        info = trial.system_attrs.get(PBT_KEY)
        if not isinstance(info, Mapping):
            return Decision.CONTINUE  # not a segment (e.g. an enqueued trial)
        if info.get("member") is None:
            return self._start_member(study, trial, dict(info))
        self._start_segment(study, trial, dict(info), checkpoints)
        return Decision.CONTINUE

    def _start_member(self, study: Study, trial: FrozenTrial, info: dict[str, Any]) -> Decision:
        rank = sum(1 for n in self._cache.read(study).firsts if n < trial.number)
        if rank >= self.population_size:  # another worker filled the population meanwhile
            study.set_trial_system_attr(trial, PBT_KEY, {**info, "surplus": True})
            return Decision.STOP
        study.set_trial_system_attr(trial, PBT_KEY, {**info, "member": rank})
        if rank < len(self.initial_params):
            study.set_trial_system_attr(trial, FIXED_PARAMS_KEY, self.initial_params[rank])
        return Decision.CONTINUE

    def _start_segment(
        self,
        study: Study,
        trial: FrozenTrial,
        queued: dict[str, Any],
        checkpoints: CheckpointStore,
    ) -> None:
        """Exploit / explore for a claimed queued segment; copy the checkpoint it starts from."""
        previous = self._cache.read(study).segments[int(queued["after"])]
        member = int(previous.member)  # type: ignore[arg-type]
        error: str | None = None
        gone: set[int] = set()
        for _ in range(_COPY_TRIES):
            source, params, record = self._decide(
                study, member, previous, self._cache.read(study), frozenset(gone)
            )
            error = _copy(checkpoints, study.study_name, source, trial.number)
            if error is None or source.number == previous.number:
                break
            # The chosen member moved on and its old checkpoint was cleaned up: decide again
            # (ranking that member by its latest segment).
            gone.add(source.number)
        start = source.end
        info = {
            "member": member,
            "segment": previous.index + 1,
            "start": start,
            "end": min(start + self.perturbation_interval, self.max_steps),
            "source": source.number,
            "after": previous.number,
            "exploit": record,
        }
        study.set_trial_system_attr(trial, PBT_KEY, info)
        study.set_trial_system_attr(trial, FIXED_PARAMS_KEY, params)
        if error is not None:
            raise CheckpointError(f"PBT member {member}: {error}.")

    def checkpoint_for(
        self, study: Study, trial: FrozenTrial, checkpoints: CheckpointStore
    ) -> Checkpoint:
        inner = checkpoints.for_trial(study.study_name, trial.number)
        info = trial.system_attrs.get(PBT_KEY)
        if not isinstance(info, Mapping) or info.get("member") is None:
            return inner
        return GuardedCheckpoint(inner, int(info["member"]), trial.number)

    # -- reports and the segment's end ---------------------------------------------------
    def on_report(self, study: Study, trial: FrozenTrial) -> Decision:
        """STOP once ``trial`` reported the last step of its segment."""
        info = trial.system_attrs.get(PBT_KEY)
        if not isinstance(info, Mapping) or not trial.intermediate_values:
            return Decision.CONTINUE
        step = max(trial.intermediate_values)
        return Decision.STOP if step + 1 >= int(info["end"]) else Decision.CONTINUE

    def on_stop(self, study: Study, trial: FrozenTrial, checkpoints: CheckpointStore) -> TrialState:
        """The segment is COMPLETE; the member's next segment is queued (needs a checkpoint)."""
        info = trial.system_attrs[PBT_KEY]
        member, end = int(info["member"]), int(info["end"])
        if end < self.max_steps:
            if not checkpoints.exists(study.study_name, trial.number):
                raise CheckpointError(
                    f"PBT member {member} (trial {trial.number}) ended its segment without "
                    "saving a checkpoint (trial.checkpoint.save)."
                )
            following = {
                "member": member,
                "segment": int(info["segment"]) + 1,
                "after": trial.number,
                "start": end,
                "end": end,
                "source": None,
            }
            study.add_trial(
                FrozenTrial(number=-1, state=TrialState.WAITING, system_attrs={PBT_KEY: following})
            )
        return TrialState.COMPLETE

    def on_trial_end(
        self,
        study: Study,
        trial: FrozenTrial,
        decision: Decision | None,
        error: BaseException | None,
        checkpoints: CheckpointStore,
    ) -> None:
        info = trial.system_attrs.get(PBT_KEY)
        if not isinstance(info, Mapping) or info.get("member") is None:
            return
        member = int(info["member"])
        if trial.state == TrialState.FAIL:
            reason = trial.system_attrs.get(ERROR_KEY) or f"{type(error).__name__}: {error}"
            warnings.warn(f"PBT member {member} failed: {reason}", stacklevel=2)
            with self._errors_lock:
                self._errors.append(error if error is not None else CheckpointError(reason))
            self._cleanup(study, checkpoints, member, keep=0)
        elif trial.state == TrialState.COMPLETE:
            self._cleanup(study, checkpoints, member, keep=self.keep)

    def _cleanup(self, study: Study, checkpoints: CheckpointStore, member: int, keep: int) -> None:
        view = self._cache.read(study).members.get(member)
        if view is None:
            return
        done = [g for g in view.segments if g.state.is_finished()]
        for g in done[: max(0, len(done) - keep)]:
            key = (study.study_name, g.number)
            if key not in self._deleted:
                checkpoints.delete(study.study_name, g.number)
                self._deleted.add(key)

    def on_optimize_end(self, study: Study) -> None:
        """Raise the last member's error when every member failed.

        The error itself when it happened in this process, else (worker
        processes) a :class:`CheckpointError` or RuntimeError with its recorded reason.
        """
        with self._errors_lock:
            errors, self._errors = self._errors, []
        members = self._cache.read(study).members
        if not members or not all(
            any(g.state == TrialState.FAIL for g in v.segments) for v in members.values()
        ):
            return
        if errors:
            raise errors[-1]
        failed = max(
            (g for v in members.values() for g in v.segments if g.state == TrialState.FAIL),
            key=lambda g: g.number,
        )
        reason = study.history.trial(failed.number).system_attrs.get(ERROR_KEY, "no reason")
        kind = CheckpointError if "checkpoint" in str(reason) else RuntimeError
        raise kind(f"Every PBT member failed; the last (trial {failed.number}): {reason}")


def _copy(
    checkpoints: CheckpointStore, study_name: str, source: Segment, target: int
) -> str | None:
    """Copy ``source``'s checkpoint to trial ``target``; the reason when it could not."""
    try:
        copied = checkpoints.copy(study_name, source.number, target)
    except Exception as err:
        return (
            f"could not copy the checkpoint of trial {source.number}: {type(err).__name__}: {err}"
        )
    if not copied:
        return (
            f"trial {source.number} (member {source.member}) left no checkpoint "
            "to continue from; save one before each segment ends"
        )
    return None
