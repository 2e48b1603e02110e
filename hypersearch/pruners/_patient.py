"""Patient pruning: tolerate a plateau before letting another pruner decide."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from hypersearch.pruners._base import BasePruner
from hypersearch.pruners._checks import check_int, check_real, check_single_objective
from hypersearch.study._direction import StudyDirection
from hypersearch.trial._frozen import FrozenTrial
from hypersearch.trial._report_value import scalar_reports

if TYPE_CHECKING:
    from hypersearch.study._study import Study


class PatientPruner(BasePruner):
    """Prunes only after ``patience`` steps without improvement (then asks ``wrapped_pruner``).

    Take the trial's reports in step order; the last ``patience + 1`` of them
    form the *recent window*, the ones before it the *past*. The trial has
    *stalled* when ``min(recent) > min(past) - min_delta`` (minimising; with
    ``min_delta = 0`` a window that only matches the past best has not
    stalled; maximising mirrors it). NaN values are skipped; an all-NaN window
    has stalled. A trial that has
    not stalled is never pruned; a stalled one is pruned if ``wrapped_pruner``
    says so (or always, when ``wrapped_pruner`` is None). Fewer than
    ``patience + 2`` reports: never pruned.

    When to pick it: noisy or plateau-then-drop learning curves (learning-rate
    schedules) where a pruner alone would stop trials during a plateau.

    Args:
        wrapped_pruner: The pruner that decides once a trial has stalled, or None.
        patience: Steps without improvement tolerated (>= 0).
        min_delta: Improvement smaller than this counts as none (>= 0).
    """

    def __init__(
        self, wrapped_pruner: BasePruner | None, patience: int, min_delta: float = 0.0
    ) -> None:
        if wrapped_pruner is not None and not isinstance(wrapped_pruner, BasePruner):
            raise TypeError(f"wrapped_pruner must be a BasePruner or None, got {wrapped_pruner!r}.")
        self._wrapped = wrapped_pruner
        self._patience = check_int("patience", patience)
        self._min_delta = check_real("min_delta", min_delta, 0.0)

    def stalled(self, reports: Mapping[int, float], maximize: bool) -> bool:
        """Whether reports (``{step: value}``) show no improvement over the window."""
        values = [v for _, v in sorted(reports.items())]
        split = len(values) - self._patience - 1
        if split < 1:
            return False
        sign = -1.0 if maximize else 1.0
        past = [sign * v for v in values[:split] if not math.isnan(v)]
        recent = [sign * v for v in values[split:] if not math.isnan(v)]
        if not recent:
            return True
        if not past:
            return False
        return min(recent) > min(past) - self._min_delta

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        reports = trial.intermediate_values
        if not reports:
            return False
        check_single_objective(study, type(self).__name__)
        maximize = study.directions[0] == StudyDirection.MAXIMIZE
        if not self.stalled(scalar_reports(reports), maximize):
            return False
        return True if self._wrapped is None else self._wrapped.prune(study, trial)
