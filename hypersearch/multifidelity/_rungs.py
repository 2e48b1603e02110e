"""Rungs: the bookkeeping shared by successive halving, Hyperband and promotion-ASHA.

A *ladder* of rungs sits at resources (steps)

    r_k = min_resource * reduction_factor ** (k + offset),   k = 0, 1, ...

(``offset`` is Hyperband's bracket ``s``, or SHA's ``min_early_stopping_rate``;
a ladder may stop at ``max_resource``). A trial *reaches* rung ``k`` when it
has reported a step ``>= r_k``; its *rung value* is its report at the smallest
reported step ``>= r_k`` at the moment the rung is recorded. Once recorded a
rung value never changes: late, repeated or out-of-order reports cannot
rewrite it. Each trial keeps its rung values in scalar system attributes
``"rung_0"``, ``"rung_1"``, ... (rung index within its ladder; Hyperband adds
``"bracket"``), so reports and the dashboard can show how far each trial was
promoted: :func:`rungs_of` reads them back. (Scalars, not one list: storages
deep-copy container attributes on every read, and a running trial is read
after every report.)

A :class:`RungTable` holds, per rung, the values of every trial that reached it
(any state: running, paused, pruned, complete), sorted so that smaller is
better. Two decisions use it, with ``eta = reduction_factor`` and ``n`` the
number of values at the rung (the judged trial's own value included):

* stopping (asynchronous SHA / ASHA-stopping, :func:`RungTable.should_continue`):
  a trial arriving at rung ``k`` continues while ``n < eta`` (too few to
  judge), else continues iff its value ranks within the best ``n // eta``
  (ties resolve in its favour). With ``bootstrap_count = b > 0`` a trial that
  arrives while the rung holds ``<= b`` values stops there (the first ``b``
  arrivals form the reference population).
* promotion (ASHA, :func:`RungTable.promotable`): a trial waiting at rung ``k``
  may be resumed towards rung ``k + 1`` iff it ranks within the best
  ``n // eta`` at rung ``k`` and was not promoted before. Same table, same
  ranks: only who acts on the answer differs.

Multi-objective studies (stopping only): a rung value is the reported vector
(stored as a list attribute), and a :class:`ParetoRung` ranks by non-dominated
sorting instead of by value. "Within the best ``n // eta``" becomes: fewer
than ``n // eta`` values at the rung have a strictly smaller non-dominated rank
than the trial's (a shared front is a tie, in the trial's favour, as equal
values are in one objective, where the two rules coincide). Objectives to
maximise are negated and a NaN component counts as ``+inf`` (the worst).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from hypersearch import _keys
from hypersearch.pruners._dominance import RankedSet
from hypersearch.trial._report_value import IntermediateValue

RUNG_PREFIX = _keys.RUNG_PREFIX
BRACKET_KEY = _keys.BRACKET
rung_key = _keys.rung_key


_KEYS = [rung_key(k) for k in range(64)]


def rungs_of(system_attrs: Mapping[str, Any]) -> list[IntermediateValue]:
    """A trial's recorded rung values, rung 0 first (from its system attributes).

    Floats, or tuples of floats in a multi-objective study.
    """
    out: list[IntermediateValue] = []
    for key in _KEYS:
        value = system_attrs.get(key)
        if value is None:
            break
        out.append(tuple(float(v) for v in value) if isinstance(value, list) else float(value))
    return out


def rung_resource(min_resource: int, reduction_factor: int, rung: int, offset: int = 0) -> int:
    """``min_resource * reduction_factor ** (rung + offset)``: the step at which rung ``rung`` sits."""
    return int(min_resource * reduction_factor ** (rung + offset))


@dataclass(frozen=True)
class RungLadder:
    """The rung resources of one successive-halving schedule.

    Attributes:
        min_resource: ``r_min`` (>= 1).
        reduction_factor: ``eta`` (>= 2).
        offset: Exponent offset ``s``: rung ``k`` sits at ``r_min * eta ** (k + s)``.
        max_resource: No rung above this resource (None: unbounded).
    """

    min_resource: int
    reduction_factor: int
    offset: int = 0
    max_resource: int | None = None

    def resource(self, rung: int) -> int:
        return rung_resource(self.min_resource, self.reduction_factor, rung, self.offset)

    def exists(self, rung: int) -> bool:
        return self.max_resource is None or self.resource(rung) <= self.max_resource

    def n_rungs(self) -> int | None:
        """How many rungs the ladder has (None when unbounded)."""
        if self.max_resource is None:
            return None
        k = 0
        while self.exists(k):
            k += 1
        return k

    def reached(self, step: int) -> int:
        """How many rungs a trial whose largest step is ``step`` has reached."""
        k = 0
        while self.exists(k) and self.resource(k) <= step:
            k += 1
        return k

    def value_at(self, rung: int, reports: Mapping[int, float]) -> float:
        """The rung value: the report at the smallest step >= the rung's resource."""
        floor = self.resource(rung)
        step = min(s for s in reports if s >= floor)
        return float(reports[step])

    def vector_at(self, rung: int, reports: Mapping[int, IntermediateValue]) -> IntermediateValue:
        """:meth:`value_at` for multi-objective reports (the vector, unconverted)."""
        floor = self.resource(rung)
        return reports[min(s for s in reports if s >= floor)]


def _ordered(signed: float) -> float:
    return math.inf if signed != signed else signed  # NaN ranks worst


class Rung:
    """The values recorded at one rung, sorted (smaller is better), with their trials."""

    __slots__ = ("values", "numbers")

    def __init__(self) -> None:
        self.values: list[float] = []
        self.numbers: list[int] = []

    def __len__(self) -> int:
        return len(self.values)

    def add(self, number: int, signed: float) -> None:
        signed = _ordered(signed)
        i = bisect.bisect_right(self.values, signed)
        self.values.insert(i, signed)
        self.numbers.insert(i, number)

    def in_top(self, signed: float, reduction_factor: int) -> bool:
        """Whether ``signed`` ranks within the best ``len // eta`` (ties in its favour)."""
        k = len(self.values) // reduction_factor
        return k > 0 and _ordered(signed) <= self.values[k - 1]

    def top(self, reduction_factor: int) -> list[int]:
        """Trial numbers of the best ``len // eta`` values, best first."""
        return self.numbers[: len(self.values) // reduction_factor]


class ParetoRung:
    """The signed vectors recorded at one rung (smaller is better in each objective), ranked.

    Stopping only: promotion needs one order, which vectors lack.
    """

    __slots__ = ("vectors", "numbers")

    def __init__(self) -> None:
        self.vectors: RankedSet | None = None  # made at the first value (its length is known)
        self.numbers: list[int] = []

    def __len__(self) -> int:
        return len(self.numbers)

    def add(self, number: int, signed: Sequence[float]) -> None:
        if self.vectors is None:
            self.vectors = RankedSet(len(signed))
        self.vectors.add(signed)
        self.numbers.append(number)

    def in_top(self, signed: Sequence[float], reduction_factor: int) -> bool:
        """Whether fewer than ``len // eta`` vectors here rank strictly ahead of ``signed``."""
        k = len(self.numbers) // reduction_factor
        return k > 0 and self.vectors is not None and self.vectors.ahead_of(signed) < k

    def top(self, reduction_factor: int) -> list[int]:
        raise NotImplementedError(
            "Multi-objective rungs only stop trials; promotion needs one order."
        )


class _AnyRung(Protocol):
    numbers: list[int]

    def __len__(self) -> int: ...

    def add(self, number: int, signed: Any) -> None: ...

    def in_top(self, signed: Any, reduction_factor: int) -> bool: ...

    def top(self, reduction_factor: int) -> list[int]: ...


class RungTable:
    """Rung values of every trial on one ladder, built incrementally.

    Values enter signed (smaller is better). ``count(number)`` says how many
    rungs of a trial the table holds; :meth:`absorb` adds only the rungs beyond
    that, so feeding the same trial again (it changed for another reason) is
    harmless.
    """

    def __init__(self, ladder: RungLadder, *, vectors: bool = False) -> None:
        self.ladder = ladder
        self.rungs: list[_AnyRung] = []
        self._count: dict[int, int] = {}
        self._rung_type: type[_AnyRung] = ParetoRung if vectors else Rung

    def count(self, number: int) -> int:
        return self._count.get(number, 0)

    def rung(self, k: int) -> _AnyRung:
        while len(self.rungs) <= k:
            self.rungs.append(self._rung_type())
        return self.rungs[k]

    def record(self, number: int, k: int, signed: Any) -> None:
        """Add trial ``number``'s value at rung ``k`` (its next unrecorded rung)."""
        if k != self.count(number):
            raise ValueError(f"Trial {number} records rung {k} but holds {self.count(number)}.")
        self.rung(k).add(number, signed)
        self._count[number] = k + 1

    def absorb(self, number: int, signed_values: Iterable[Any]) -> None:
        """Add the rung values of a trial, skipping those already held."""
        have = self.count(number)
        for k, value in enumerate(signed_values):
            if k >= have:
                self.record(number, k, value)

    def should_continue(self, k: int, signed: Any, bootstrap_count: int = 0) -> bool:
        """The stopping decision at rung ``k`` (the trial's value already recorded there)."""
        rung = self.rung(k)
        n = len(rung)
        if bootstrap_count and n <= bootstrap_count:
            return False
        if n < self.ladder.reduction_factor:
            return True
        return rung.in_top(signed, self.ladder.reduction_factor)

    def promotable(self, k: int, exclude: Iterable[int] = ()) -> list[int]:
        """Trials in the best ``n // eta`` at rung ``k`` not in ``exclude``, best first.

        ``exclude`` names the trials already promoted past ``k`` (or not waiting).
        """
        skip = set(exclude)
        return [m for m in self.rung(k).top(self.ladder.reduction_factor) if m not in skip]
