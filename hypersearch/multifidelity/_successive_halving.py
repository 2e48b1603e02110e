"""Asynchronous successive halving (ASHA, stopping variant)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hypersearch.multifidelity._engine import HalvingEngine, HalvingRungs, first_complete_last_step
from hypersearch.multifidelity._rungs import RungLadder, RungTable
from hypersearch.pruners._base import BasePruner
from hypersearch.pruners._checks import check_int
from hypersearch.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from hypersearch.study._history import History
    from hypersearch.study._study import Study


class SuccessiveHalvingPruner(HalvingRungs, BasePruner):
    """Asynchronous successive halving: at each rung, only the best ``1/eta`` go on.

    Rungs sit at steps ``r_k = min_resource * eta ** (k + min_early_stopping_rate)``.
    When a trial first reports a step ``>= r_k`` its value there (its report at
    the smallest step ``>= r_k``) is recorded (system attribute ``"rung_<k>"``)
    and judged against every value recorded at that rung so far, by any trial
    in any state: with ``n`` values (its own included) it continues while
    ``n < eta``, else iff it ranks within the best ``n // eta`` (ties in its
    favour). Between rungs it is never stopped, except that a NaN latest
    report stops it. Decisions are asynchronous: nobody waits for a rung to
    fill (Li et al., "A System for Massively Parallel Hyperparameter Tuning",
    2020). See :mod:`hypersearch.multifidelity._rungs` for the exact rules.

    Multi-objective studies: rung values are the reported vectors; "within the
    best ``n // eta``" means fewer than ``n // eta`` values at the rung have a
    strictly smaller non-dominated rank (NaN components rank worst and do not
    stop a trial by themselves).

    Cost: between rungs O(1) without reading the history; at a rung
    O(changed trials + log n).

    When to pick it: many cheap-to-start trials with a learning curve (epochs);
    more aggressive than :class:`MedianPruner`. For a hedge between aggressive
    and safe schedules use :class:`HyperbandPruner`.

    Args:
        min_resource: ``r_min``, the first rung's step; ``"auto"`` takes
            ``max(1, last_step // 100)`` of the first completed trial (no
            pruning before a trial completes).
        reduction_factor: ``eta`` >= 2: the best ``1/eta`` go on at each rung.
        min_early_stopping_rate: ``s`` >= 0: skips the first ``s`` rungs.
        bootstrap_count: A trial arriving at a rung that holds at most this many
            values (its own included) stops there; 0 disables.
    """

    _CONFIG = ("_min_resource", "_eta", "_rate", "_bootstrap")
    _MULTI_OBJECTIVE = True

    def __init__(
        self,
        min_resource: int | str = "auto",
        reduction_factor: int = 4,
        min_early_stopping_rate: int = 0,
        bootstrap_count: int = 0,
    ) -> None:
        if min_resource != "auto":
            check_int("min_resource", min_resource, 1)
        self._min_resource = min_resource
        self._eta = check_int("reduction_factor", reduction_factor, 2)
        self._rate = check_int("min_early_stopping_rate", min_early_stopping_rate)
        self._bootstrap = check_int("bootstrap_count", bootstrap_count)
        self._init_caches()
        self._engine: HalvingEngine | None = None

    def _reset(self) -> None:
        self._engine = None

    def _engine_for(self, number: int) -> HalvingEngine | None:
        return self._engine

    def _setup(self, study: Study, history: History) -> bool:
        if self._engine is not None:
            return True
        r_min = self._min_resource
        if r_min == "auto":
            last = first_complete_last_step(history)
            if last is None:
                return False
            r_min = max(1, last // 100)
        self._engine = self._new_engine(
            RungLadder(int(r_min), self._eta, self._rate), self._bootstrap
        )
        return True

    @property
    def rung_table(self) -> RungTable | None:
        """The rung bookkeeping of the current study (None before it is known)."""
        return None if self._engine is None else self._engine.table

    def _level_offset(self, system_attrs: Mapping[str, Any]) -> int | None:
        return int(self._rate)

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        return self.should_stop(study, trial)
