"""PBT's record of the population: segments (one trial each), members, and the ranking view.

A *member* of the population is a chain of trials, one trial per *segment* of
``perturbation_interval`` reported steps. Each segment's system attribute
``"pbt"`` records the member, the step range ``[start, end)``, the trial whose
checkpoint it starts from (``source``) and, when it exploited another member,
from whom, at which step, and the hyperparameters before and after.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch import _keys
from hypersearch._pickling import FreshLocksOnPickle
from hypersearch.distributions import BaseDistribution
from hypersearch.schedulers._base import TrialFailure
from hypersearch.schedulers._checkpoint import Checkpoint
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from pathlib import Path

    from hypersearch.study._study import Study

PBT_KEY = _keys.PBT
ERROR_KEY = _keys.FAIL_REASON


class CheckpointError(TrialFailure):
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


def read_segments(study: Study) -> dict[int, Segment]:
    """The PBT segments of ``study`` by trial number (from the history view)."""
    history = study.history
    out: dict[int, Segment] = {}
    for t in history.trials():
        seg = _parse(t)
        if seg is not None:
            out[t.number] = seg
    return out


@dataclass(frozen=True)
class MemberView:
    """One member's segments and what the scheduler needs to know about them."""

    segments: tuple[Segment, ...]
    latest: Segment | None  # the latest COMPLETE segment with a finite value
    dead: bool  # a segment FAILED or was PRUNED: the member stopped
    completed: bool  # some segment is COMPLETE (it has a checkpoint to offer)
    running: bool
    queued: tuple[Segment, ...]  # WAITING segments that continue it

    @staticmethod
    def of(segments: Mapping[int, Segment]) -> MemberView:
        segs = tuple(sorted(segments.values(), key=lambda g: (g.index, g.number)))
        done = [g for g in segs if g.state == TrialState.COMPLETE]
        finite = [g for g in done if g.value is not None and not math.isnan(g.value)]
        return MemberView(
            segments=segs,
            latest=finite[-1] if finite else None,
            dead=any(g.state in (TrialState.FAIL, TrialState.PRUNED) for g in segs),
            completed=bool(done),
            running=any(g.state == TrialState.RUNNING for g in segs),
            queued=tuple(g for g in segs if g.state == TrialState.WAITING and g.after is not None),
        )


@dataclass(frozen=True)
class Population:
    """A consistent snapshot of the population (see :class:`SegmentCache`)."""

    segments: dict[int, Segment]
    members: dict[int, MemberView]
    firsts: tuple[int, ...]  # trial numbers of the members' first segments (incl. unassigned)
    starting: bool  # a first segment is being set up (no member id yet)

    def live(self) -> set[int]:
        return {m for m, v in self.members.items() if not v.dead}


class SegmentCache(FreshLocksOnPickle):
    """The population, kept up to date from the history's changed rows only.

    A read parses the trials changed since the last read and re-summarises
    only their members, so its cost follows the changes (and one member's
    length), not the study's size.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reset(None)

    def _reset(self, identity: object) -> None:
        self._segments: dict[int, Segment] = {}
        self._by_member: dict[int, dict[int, Segment]] = {}
        self._views: dict[int, MemberView] = {}
        self._firsts: dict[int, Segment] = {}
        self._version = -1
        self._identity = identity

    def read(self, study: Study) -> Population:
        history = study.history
        with self._lock:
            if history.identity is not self._identity:
                self._reset(history.identity)
            dirty: set[int] = set()
            for row in np.nonzero(history.row_version > self._version)[0].tolist():
                try:
                    seg = _parse(history.trial(row))
                except KeyError:
                    continue
                if seg is None:
                    continue
                self._segments[row] = seg
                if seg.index == 0 and not seg.surplus:
                    self._firsts[row] = seg
                else:
                    self._firsts.pop(row, None)
                if seg.member is not None and not seg.surplus:
                    self._by_member.setdefault(seg.member, {})[row] = seg
                    dirty.add(seg.member)
            for m in dirty:
                self._views[m] = MemberView.of(self._by_member[m])
            self._version = history.version
            return Population(
                segments=dict(self._segments),
                members=dict(self._views),
                firsts=tuple(sorted(self._firsts)),
                starting=any(g.member is None for g in self._firsts.values()),
            )


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


def standing_at(view: MemberView, step: int, gone: frozenset[int] = frozenset()) -> Segment | None:
    """The segment a member is ranked by when another member decides at ``step``.

    Its finished segment ending exactly at ``step`` (a finite value whose
    checkpoint is not in ``gone``) when it has one; otherwise its latest
    finished segment (a member that has not reached ``step`` yet, or whose
    segment there was skipped or cleaned up).
    """
    for g in reversed(view.segments):
        if (
            g.end == step
            and g.state == TrialState.COMPLETE
            and g.value is not None
            and not math.isnan(g.value)
            and g.number not in gone
        ):
            return g
    return view.latest


class GuardedCheckpoint(Checkpoint):
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
