"""Threshold pruning: stop a trial whose latest report leaves a fixed band."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from hypersearch.pruners._base import BasePruner
from hypersearch.pruners._checks import check_int, check_real, check_single_objective
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._report_value import scalar_reports

if TYPE_CHECKING:
    from hypersearch.study._study import Study


class ThresholdPruner(BasePruner):
    """Prunes when the latest report falls below ``lower`` or above ``upper``, or is NaN.

    The latest report is the one at the trial's largest step. It does not
    look at other trials, so it works from the first trial on.

    When to pick it: to stop diverging runs (a loss above a sane bound, an
    accuracy stuck at chance) whatever the other trials do; wrap another
    pruner's study with it by hand if you need both.

    Args:
        lower: Prune below this (None: no lower bound).
        upper: Prune above this (None: no upper bound).
        n_warmup_steps: No pruning before this step.
        interval_steps: Judge only every this many steps after the warm-up.
    """

    def __init__(
        self,
        lower: float | None = None,
        upper: float | None = None,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
    ) -> None:
        if lower is None and upper is None:
            raise ValueError("ThresholdPruner needs lower or upper (both are None).")
        self._lower = -math.inf if lower is None else check_real("lower", lower)
        self._upper = math.inf if upper is None else check_real("upper", upper)
        if self._lower > self._upper:
            raise ValueError(f"lower ({lower!r}) must be <= upper ({upper!r}).")
        self._n_warmup_steps = check_int("n_warmup_steps", n_warmup_steps)
        self._interval_steps = check_int("interval_steps", interval_steps, 1)

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        if not trial.intermediate_values:
            return False
        check_single_objective(study, type(self).__name__)
        reports = scalar_reports(trial.intermediate_values)
        step = max(reports)
        if step < self._n_warmup_steps or (step - self._n_warmup_steps) % self._interval_steps:
            return False
        value = reports[step]
        return not (self._lower <= value <= self._upper)  # NaN fails both comparisons
