"""Hyperband: several successive-halving brackets, from aggressive to safe."""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from hypersearch.multifidelity._engine import HalvingEngine, HalvingRungs, first_complete_last_step
from hypersearch.multifidelity._rungs import BRACKET_KEY, RungLadder
from hypersearch.pruners._base import BasePruner
from hypersearch.pruners._checks import check_int
from hypersearch.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hypersearch.study._history import History
    from hypersearch.study._study import Study


def n_brackets(min_resource: int, max_resource: int, reduction_factor: int) -> int:
    """``s_max + 1`` with ``s_max = floor(log_eta(max_resource / min_resource))`` (exact, integer)."""
    s_max = 0
    while min_resource * reduction_factor ** (s_max + 1) <= max_resource:
        s_max += 1
    return s_max + 1


def bracket_budgets(n: int, reduction_factor: int) -> list[int]:
    """Trials per bracket in one Hyperband round, bracket ``s = 0`` (most rungs) first.

    Bracket ``s`` has ``n - s`` rungs; it starts
    ``ceil(n * eta ** (n - 1 - s) / (n - s))`` trials (Li et al., 2018), so every
    bracket spends about the same total resource.
    """
    return [math.ceil(n * reduction_factor ** (n - 1 - s) / (n - s)) for s in range(n)]


def assign_bracket(study_name: str, number: int, budgets: list[int]) -> int:
    """The bracket of trial ``number``: a stable hash, weighted by the bracket budgets.

    ``crc32(f"{study_name}_{number}") % sum(budgets)`` falls into bracket ``s``'s
    share of the round; the same study name and number give the same bracket
    in every process.
    """
    slot = zlib.crc32(f"{study_name}_{number}".encode()) % sum(budgets)
    for s, budget in enumerate(budgets):
        if slot < budget:
            return s
        slot -= budget
    raise AssertionError("unreachable")


class HyperbandPruner(HalvingRungs, BasePruner):
    """Hyperband: trials are split over brackets, each an asynchronous successive halving.

    With ``s_max = floor(log_eta(max_resource / min_resource))`` there are
    ``s_max + 1`` brackets ``s = 0..s_max``. Bracket ``s`` is a
    :class:`SuccessiveHalvingPruner` whose rungs sit at
    ``min_resource * eta ** (k + s)`` up to ``max_resource``: ``s = 0`` starts
    judging earliest (aggressive), ``s = s_max`` lets every trial run to about
    ``max_resource`` (safe). Each trial belongs to one bracket, chosen by
    :func:`assign_bracket` (a deterministic hash of the study name and trial
    number, weighted by :func:`bracket_budgets`); it competes only with the
    trials of its bracket. The bracket is recorded as the trial's system
    attribute ``"bracket"`` when it first reaches a rung.

    Samplers that model the objective per bracket (as TPE does under
    Hyperband) call :meth:`bracket_of` / :meth:`bracket_mask` to see only the
    trials of the asking trial's bracket, e.g. inside ``sample_relative``::

        pruner = study.pruner
        mask = pruner.bracket_mask(study, trial.number)  # None: not known yet
        rows = study.history.mask(TrialState.COMPLETE, TrialState.PRUNED)
        if mask is not None:
            rows &= mask

    When to pick it: when you do not know how early a learning curve tells
    good from bad; it hedges over the aggressiveness of successive halving.

    Multi-objective studies: each bracket ranks vectors by non-dominated rank,
    as :class:`SuccessiveHalvingPruner` does.

    Args:
        min_resource: The first rung's step in bracket 0 (>= 1).
        max_resource: The largest step a trial reports; ``"auto"`` takes the
            last step of the first completed trial (no pruning before one
            completes).
        reduction_factor: ``eta`` >= 2.
        bootstrap_count: As for :class:`SuccessiveHalvingPruner`, per bracket.
    """

    def __init__(
        self,
        min_resource: int = 1,
        max_resource: int | str = "auto",
        reduction_factor: int = 3,
        bootstrap_count: int = 0,
    ) -> None:
        self._min_resource = check_int("min_resource", min_resource, 1)
        if max_resource != "auto":
            check_int("max_resource", max_resource, 1)
            if max_resource < min_resource:  # type: ignore[operator]
                raise ValueError(
                    f"max_resource must be >= min_resource ({min_resource}), got {max_resource!r}."
                )
        self._max_resource = max_resource
        self._eta = check_int("reduction_factor", reduction_factor, 2)
        self._bootstrap = check_int("bootstrap_count", bootstrap_count)
        self._init_caches()

    _CONFIG = ("_min_resource", "_max_resource", "_eta", "_bootstrap")
    _MULTI_OBJECTIVE = True

    def _init_caches(self) -> None:
        super()._init_caches()
        self._reset()

    def _reset(self) -> None:
        self._engines: list[HalvingEngine] | None = None
        self._budgets: list[int] = []
        self._brackets: dict[int, int] = {}
        self._bracket_column = np.empty(0, dtype=np.int16)
        self._study_name: str | None = None

    # -- brackets ------------------------------------------------------------------
    def _setup(self, study: Study, history: History) -> bool:
        if self._study_name != study.study_name:
            self._reset()
            self._study_name = study.study_name
        if self._engines is not None:
            return True
        if self._max_resource == "auto":
            last = first_complete_last_step(history)
            if last is None:
                return False
            top = max(last, self._min_resource)
        else:
            top = int(self._max_resource)
        n = n_brackets(self._min_resource, top, self._eta)
        self._budgets = bracket_budgets(n, self._eta)
        self._engines = [
            self._new_engine(RungLadder(self._min_resource, self._eta, s, top), self._bootstrap)
            for s in range(n)
        ]
        return True

    @property
    def n_brackets(self) -> int | None:
        """How many brackets (None until ``max_resource="auto"`` is resolved)."""
        return None if self._engines is None else len(self._engines)

    def _bracket(self, number: int) -> int:
        s = self._brackets.get(number)
        if s is None:
            s = assign_bracket(self._study_name or "", number, self._budgets)
            self._brackets[number] = s
        return s

    def bracket_of(self, study: Study, number: int) -> int | None:
        """The bracket of trial ``number`` (None while ``max_resource`` is unknown)."""
        with self._lock:
            if not self._setup(study, study.history):
                return None
            return self._bracket(number)

    def bracket_mask(self, study: Study, number: int) -> np.ndarray | None:
        """Boolean row mask over ``study.history``: the trials in ``number``'s bracket.

        None while ``max_resource`` is unknown (then every trial is relevant).
        """
        history = study.history
        with self._lock:
            if not self._setup(study, history):
                return None
            mine = self._bracket(number)
            known = len(self._bracket_column)
            if known < history.n:
                fresh = [self._bracket(m) for m in range(known, history.n)]
                self._bracket_column = np.concatenate(
                    [self._bracket_column, np.asarray(fresh, dtype=np.int16)]
                )
            return self._bracket_column[: history.n] == mine

    # -- pruning -------------------------------------------------------------------
    def _engine_for(self, number: int) -> HalvingEngine | None:
        if self._engines is None:
            return None
        return self._engines[self._bracket(number)]

    def _before_judge(
        self, study: Study, trial: FrozenTrial, engine: HalvingEngine, step: int
    ) -> None:
        if (
            engine.table.count(trial.number) == 0
            and engine.ladder.resource(0) <= step
            and BRACKET_KEY not in trial.system_attrs
        ):
            s = self._bracket(trial.number)
            study.set_trial_system_attr(trial, BRACKET_KEY, s)

    def _level_offset(self, system_attrs: Mapping[str, Any]) -> int | None:
        s = system_attrs.get(BRACKET_KEY)
        return None if s is None else int(s)

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        return self.should_stop(study, trial)
