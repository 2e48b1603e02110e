"""Pareto pruning: multi-objective trials judged by non-dominated rank at the same step."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hypersearch.pruners._base import BasePruner
from hypersearch.pruners._checks import check_int, check_real
from hypersearch.pruners._dominance import RankedSet, signed_vector
from hypersearch.pruners._feed import RowFeed
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._state import TrialState

if TYPE_CHECKING:
    from hypersearch.study._study import Study

_COMPLETE = int(TrialState.COMPLETE)


class _StepVectors:
    """COMPLETE trials' signed reports by step, ranked; a step takes in new reports when read."""

    def __init__(self) -> None:
        self.feed = RowFeed()
        self.n_done = 0
        self._done: set[int] = set()
        self._pending: dict[int, list[list[float]]] = {}
        self._ranked: dict[int, RankedSet] = {}

    def update(self, study: Study, signs: Sequence[float]) -> None:
        history = study.history
        if self.feed.bind(history):  # another study (or a fresh view): start over
            self.n_done = 0
            self._done.clear()
            self._pending.clear()
            self._ranked.clear()
        states = history.states
        for number in self.feed.changed(history):
            if int(states[number]) != _COMPLETE or number in self._done:
                continue
            self._done.add(number)
            self.n_done += 1
            for step, value in history.trial(number).intermediate_values.items():
                self._pending.setdefault(step, []).append(signed_vector(value, signs))

    def reference(self, step: int, n_objectives: int) -> RankedSet | None:
        """The ranked vectors COMPLETE trials reported at ``step``, None if none."""
        ranked = self._ranked.get(step)
        pending = self._pending.pop(step, None)
        if pending:
            if ranked is None:
                ranked = self._ranked[step] = RankedSet(n_objectives)
            for row in pending:
                ranked.add(row)
        return ranked


class ParetoPruner(BasePruner):
    """Prunes a multi-objective trial that too many completed trials rank ahead of.

    The rule, at the trial's latest step ``s`` (its largest reported step):

    1. No decision before ``n_warmup_steps``, off the ``interval_steps`` grid
       after it, while fewer than ``n_startup_trials`` trials are COMPLETE, or
       when fewer than ``n_min_trials`` COMPLETE trials reported at exactly ``s``.
    2. Reports are turned into vectors to minimise (objectives to maximise are
       negated; a NaN component becomes ``+inf``, the worst). ``R`` holds the
       ``n`` vectors COMPLETE trials reported at ``s``, and ``p`` the trial's own
       report at ``s``. ``q`` dominates ``p`` when ``q <= p`` everywhere and
       ``q != p``.
    3. Non-dominated sorting of ``R`` and ``p`` together gives ranks (0 for
       the Pareto front, 1 for the next front, ...). With ``ahead`` the number
       of vectors of ``R`` of a strictly smaller rank than ``p``'s, the trial is
       pruned iff ``ahead > keep_fraction * n`` (ties, i.e. a shared front,
       count in the trial's favour).

    So a trial that no completed trial dominates at ``s`` is never pruned,
    and among trials drawn like the completed ones about ``keep_fraction``
    survive each check. With one objective the rank is the number of distinct
    better values, and ``keep_fraction=0.5`` prunes a trial when more than half
    of the completed reports at ``s`` beat it (close to :class:`MedianPruner`,
    which compares the trial's best report instead of its latest).

    A pruned trial keeps its last reported vector as its ``values`` (state
    PRUNED); it is never on ``study.best_trials``, which holds COMPLETE trials.

    Cost: O(n k) per decision for ``k`` objectives, plus taking in the reports
    of trials completed since the step was last read: each updates the ranks
    in O(n k) and sorts the vectors it dominates (see
    :class:`~hypersearch.pruners._dominance.RankedSet`).

    Args:
        keep_fraction: In (0, 1]: prune when more than this fraction of the
            completed reports at the step rank strictly ahead; 1 never prunes
            on rank.
        n_startup_trials: No pruning until this many trials have completed.
        n_warmup_steps: No pruning before this step.
        interval_steps: Judge only every this many steps after the warm-up.
        n_min_trials: No pruning at a step that fewer completed trials reported.
    """

    def __init__(
        self,
        keep_fraction: float = 0.5,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        self._keep_fraction = check_real("keep_fraction", keep_fraction, 0.0, 1.0)
        if self._keep_fraction == 0.0:
            raise ValueError("keep_fraction must be in (0, 1], got 0.")
        self._n_startup_trials = check_int("n_startup_trials", n_startup_trials)
        self._n_warmup_steps = check_int("n_warmup_steps", n_warmup_steps)
        self._interval_steps = check_int("interval_steps", interval_steps, 1)
        self._n_min_trials = check_int("n_min_trials", n_min_trials, 1)
        self._init_caches()

    def _init_caches(self) -> None:
        self._lock = threading.Lock()
        self._cache = _StepVectors()
        self._study: weakref.ref[Study] | None = None
        self._signs: list[float] = []

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        for key in ("_lock", "_cache", "_study", "_signs"):
            del state[key]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_caches()

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        reports = trial.intermediate_values
        if not reports:
            return False
        step = max(reports)
        if step < self._n_warmup_steps or (step - self._n_warmup_steps) % self._interval_steps:
            return False
        with self._lock:
            if self._study is None or self._study() is not study:
                self._cache = _StepVectors()
                self._study = weakref.ref(study)
                self._signs = [
                    -1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in study.directions
                ]
            point = signed_vector(reports[step], self._signs)
            self._cache.update(study, self._signs)
            if self._cache.n_done < self._n_startup_trials:
                return False
            reference = self._cache.reference(step, len(self._signs))
            if reference is None or len(reference) < self._n_min_trials:
                return False
            return reference.ahead_of(point) > self._keep_fraction * len(reference)
