"""The cost of a trial, and search that spends less of it (cost-aware Bayesian optimisation).

* :func:`trial_cost`, :func:`observed_costs`, :func:`cost_spread` — what trials cost
  (their ``cost`` user attribute, else their duration) and how widely that varies
  (90th / 10th percentile), as the automatic strategy reads it.
* :func:`spent_cost`, :func:`spent_seconds` — what a study spent, for
  ``optimize(budget_cost=..., budget_seconds=...)``; :func:`declared_budget`: the
  budgets the last ``optimize`` call declared (recorded in the study).
"""

from __future__ import annotations

from hypersearch.samplers._cost._budget import BudgetWarning, DeclaredBudget, declared_budget
from hypersearch.samplers._cost._measure import (
    CostWarning,
    cost_spread,
    observed_costs,
    spent_cost,
    spent_seconds,
    trial_cost,
)

__all__ = [
    "BudgetWarning",
    "CostWarning",
    "DeclaredBudget",
    "declared_budget",
    "cost_spread",
    "observed_costs",
    "spent_cost",
    "spent_seconds",
    "trial_cost",
]
