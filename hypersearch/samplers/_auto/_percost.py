"""Rule 8b: the GP per unit cost where trials cost widely different amounts.

When the decision table picks the full GP, it becomes the cost-aware GP (``gp-cost``:
``GPSampler(cost_aware=True)``, EI per unit cost with cost cooling) where

* the finished trials' costs (their ``cost`` attribute, else their duration) vary
  :data:`SPREAD_MIN` times or more, 90th percentile over 10th, over at least
  :data:`MIN_COSTS` trials: issue #17's "when costs vary 10x or more";
* a budget is declared (``n_trials``, ``budget_cost`` or ``budget_seconds``): the cooling
  counts it down, so the last trials go wherever the best value may be; with no budget the
  cost would weigh in full to the end;
* and the trials do not show that the costly ones are the good ones (Spearman's value/cost
  correlation below -2 standard errors, :mod:`~hypersearch.samplers._cost._pitfall`):
  there a pull to cheap regions only delays the optimum.

Measured (``bench/results/cost-aware.md``, 20 seeds, costs varying 14-15x): the cost-aware
GP reaches plain EI's target at 0.66x its cost on Branin and on Hartmann-6; on Hartmann-3,
whose optimum sits at the costly end, 1.05x (p = 0.20).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from hypersearch.samplers._auto._rules import Choice

if TYPE_CHECKING:
    from hypersearch.study._study import Study

SPREAD_MIN = 10.0
MIN_COSTS = 5  # the value/cost correlation needs as many (``_pitfall.MIN_TRIALS``)
_NO_WEIGHT_AT = -2.0  # ``_pitfall.NO_WEIGHT_AT``: the costly trials are the good ones


def per_unit_cost(choice: Choice, study: Study) -> Choice:
    """``choice``, or the cost-aware GP in its place where rule 8b holds (module docstring)."""
    if choice.sampler != "gp":
        return choice
    from hypersearch.samplers._cost import cost_spread, declared_budget
    from hypersearch.samplers._cost._measure import costs_of
    from hypersearch.samplers._cost._pitfall import costly_is_better_evidence
    from hypersearch.trial._state import TrialState

    history = study.history
    if len(history.directions) > 1:
        return choice
    declared = declared_budget(study.system_attrs)
    if declared.cost is None and declared.seconds is None and declared.trials is None:
        return choice
    rows = np.flatnonzero(history.mask(TrialState.COMPLETE))
    costs = np.array(
        [np.nan if c is None else c for c in costs_of([history.trial(int(r)) for r in rows])],
        dtype=float,
    )
    known = costs[np.isfinite(costs)]
    spread = cost_spread(known.tolist()) if len(known) >= MIN_COSTS else None
    if spread is None or spread < SPREAD_MIN:
        return choice
    if costly_is_better_evidence(history.signed_values()[rows, 0], costs) <= _NO_WEIGHT_AT:
        return choice
    return Choice("gp-cost", f"{choice.reason}; costs vary {spread:.0f}x: GP per unit cost")
