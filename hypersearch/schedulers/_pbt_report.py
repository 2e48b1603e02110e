"""PBT results: lineage, the best member's schedule, replay, budget and a plot."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hypersearch._enums import Decision
from hypersearch.schedulers._base import BaseScheduler, Suggestion
from hypersearch.schedulers._pbt_segments import (
    PBT_KEY,
    CheckpointError,
    GuardedCheckpoint,
    Segment,
    read_segments,
)
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState
from hypersearch.trial._trial import FIXED_PARAMS_KEY, Trial

if TYPE_CHECKING:
    from hypersearch.schedulers._checkpoint import Checkpoint, CheckpointStore
    from hypersearch.study._study import Study


def _members(segments: Mapping[int, Segment]) -> dict[int, list[Segment]]:
    out: dict[int, list[Segment]] = {}
    for g in segments.values():
        if g.member is not None and not g.surplus and g.state != TrialState.WAITING:
            out.setdefault(int(g.member), []).append(g)
    for segs in out.values():
        segs.sort(key=lambda g: g.index)
    return out


def pbt_lineage(study: Study) -> dict[int, list[dict[str, Any]]]:
    """For every member, its exploit events in order.

    Each event: ``step`` (the member's own step when it exploited),
    ``from_member`` and ``from_step`` (whose checkpoint it copied, at which
    step), ``trial`` (the segment that started from the copy), and
    ``before`` / ``copied`` / ``after`` hyperparameters (its own, the copied
    member's, and the explored ones it trained with next).
    """
    out: dict[int, list[dict[str, Any]]] = {}
    for member, segs in sorted(_members(read_segments(study)).items()):
        events = []
        for g in segs:
            if g.exploit:
                e = g.exploit
                events.append(
                    {
                        "step": e["own_step"],
                        "from_member": e["from_member"],
                        "from_step": e["step"],
                        "from_trial": e["from_trial"],
                        "trial": g.number,
                        "before": e["before"],
                        "copied": e["copied"],
                        "after": e["after"],
                    }
                )
        out[member] = events
    return out


def best_member(study: Study) -> int:
    """The member whose latest finished segment has the best value."""
    sign = -1.0 if study.direction == StudyDirection.MAXIMIZE else 1.0
    best: tuple[float, int] | None = None
    for member, segs in _members(read_segments(study)).items():
        done = [g for g in segs if g.state == TrialState.COMPLETE and g.value is not None]
        if not done or math.isnan(float(done[-1].value)):  # type: ignore[arg-type]
            continue
        key = (sign * float(done[-1].value), member)  # type: ignore[arg-type]
        if best is None or key < best:
            best = key
    if best is None:
        raise ValueError("The study has no finished PBT member.")
    return best[1]


def pbt_schedule(study: Study, member: int | None = None) -> list[dict[str, Any]]:
    """The hyperparameter schedule that produced ``member``'s final state (default: the best).

    Follows the checkpoint ancestry backwards (a segment started from its own
    previous segment, or from the member it copied), so the result is the
    contiguous sequence of ``{"start", "end", "params", "member", "trial"}``
    from step 0 that the final weights were actually trained with.
    """
    segments = read_segments(study)
    if member is None:
        member = best_member(study)
    segs = _members(segments).get(int(member))
    if not segs:
        raise ValueError(f"No PBT member {member!r} in study {study.study_name!r}.")
    done = [g for g in segs if g.state == TrialState.COMPLETE]
    if not done:
        raise ValueError(f"PBT member {member!r} has no finished segment.")
    chain: list[Segment] = []
    g: Segment | None = done[-1]
    while g is not None:
        chain.append(g)
        g = segments.get(g.source) if g.source is not None else None  # type: ignore[arg-type]
    return [
        {
            "start": g.start,
            "end": g.end,
            "params": dict(g.params),
            "member": g.member,
            "trial": g.number,
        }
        for g in reversed(chain)
    ]


class _Replay(BaseScheduler):
    """Runs a fixed schedule: one segment after another, each from the previous checkpoint."""

    uses_checkpoints = True

    def __init__(self, schedule: Sequence[Mapping[str, Any]]) -> None:
        self.schedule = list(schedule)
        self.started = 0
        self.previous: int | None = None

    def suggest(self, study: Study, *, may_start: bool, running: int) -> Suggestion:
        if self.started >= len(self.schedule):
            return Suggestion.done()
        entry = self.schedule[self.started]
        info = {
            "member": 0,
            "segment": self.started,
            "start": int(entry["start"]),
            "end": int(entry["end"]),
            "source": self.previous,
            "after": self.previous,
        }
        self.started += 1
        return Suggestion.start({PBT_KEY: info, FIXED_PARAMS_KEY: dict(entry["params"])})

    def on_trial_start(
        self, study: Study, trial: FrozenTrial, checkpoints: CheckpointStore
    ) -> Decision:
        previous, self.previous = self.previous, trial.number
        if previous is not None and not checkpoints.copy(study.study_name, previous, trial.number):
            index = trial.system_attrs[PBT_KEY]["segment"]
            raise CheckpointError(
                f"Replay segment {index}: the previous segment saved no checkpoint."
            )
        return Decision.CONTINUE

    def checkpoint_for(
        self, study: Study, trial: FrozenTrial, checkpoints: CheckpointStore
    ) -> Checkpoint:
        return GuardedCheckpoint(
            checkpoints.for_trial(study.study_name, trial.number), 0, trial.number
        )

    def on_report(self, study: Study, trial: FrozenTrial) -> Decision:
        end = int(trial.system_attrs[PBT_KEY]["end"])
        last = max(trial.intermediate_values, default=-1)
        return Decision.STOP if last + 1 >= end else Decision.CONTINUE

    def on_stop(self, study: Study, trial: FrozenTrial, checkpoints: CheckpointStore) -> TrialState:
        return TrialState.COMPLETE

    def on_trial_end(
        self,
        study: Study,
        trial: FrozenTrial,
        decision: Decision | None,
        error: BaseException | None,
        checkpoints: CheckpointStore,
    ) -> None:
        if trial.state == TrialState.FAIL:
            self.started = len(self.schedule)  # a failed segment ends the replay
            if isinstance(error, CheckpointError):
                raise error
        elif trial.state == TrialState.PRUNED:
            self.started = len(self.schedule)


def replay(
    schedule: Sequence[Mapping[str, Any]],
    objective: Callable[[Trial], Any],
    *,
    direction: str | StudyDirection = "minimize",
    checkpoints: CheckpointStore | None = None,
    study_name: str | None = None,
) -> Study:
    """Train once from scratch with a fixed PBT ``schedule`` (PBT replay).

    Runs ``objective`` (the one given to :func:`optimize_pbt`) segment by
    segment in a fresh in-memory study, each segment with the schedule's
    hyperparameters and the checkpoint the previous segment saved. The
    returned study holds one trial per segment; the last one's value is the
    replayed result. With a deterministic objective it reproduces the
    member's curve. An error in the objective is raised.
    """
    from hypersearch.samplers import RandomSampler
    from hypersearch.study._api import create_study

    if not schedule:
        raise ValueError("schedule is empty.")
    study = create_study(direction=direction, sampler=RandomSampler(seed=0), study_name=study_name)
    study.optimize(objective, scheduler=_Replay(schedule), checkpoints=checkpoints)
    return study


def pbt_budget(study: Study) -> dict[str, Any]:
    """What the population cost: members, segments, exploits, steps.

    ``total_steps`` counts reported steps over all segments (the compute
    spent); ``steps_per_member`` counts each member's own segments (a member
    that copies another continues from the copied step, so its *position*
    may exceed its own compute).
    """
    segments = read_segments(study)
    members = _members(segments)
    steps = {m: sum(g.steps_run for g in segs) for m, segs in members.items()}
    return {
        "members": len(members),
        "segments": sum(len(s) for s in members.values()),
        "exploits": sum(1 for segs in members.values() for g in segs if g.exploit),
        "failed_members": sorted(
            m for m, segs in members.items() if any(g.state == TrialState.FAIL for g in segs)
        ),
        "steps_per_member": steps,
        "total_steps": sum(steps.values()),
        "final_step": max((g.end for s in members.values() for g in s), default=0),
    }


def plot_pbt_schedules(study: Study, params: Sequence[str] | None = None, *, ax: Any = None) -> Any:
    """Step plot of each member's hyperparameters (moved to :mod:`hypersearch.visualization`).

    Kept here for existing users; see
    :func:`hypersearch.visualization.matplotlib.plot_pbt_lineage` for the plot
    with exploit events.
    """
    from hypersearch.visualization.matplotlib._pbt import plot_pbt_schedules as draw

    return draw(study, params, ax=ax)
