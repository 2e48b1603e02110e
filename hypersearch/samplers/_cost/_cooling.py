"""Cost cooling (CArBO, Lee et al. 2020): how much the predicted cost weighs, over the budget.

The cost-aware acquisition is ``EI(x) / c(x) ** alpha`` with

    alpha = (budget - spent) / (budget - spent_init)        clipped to [0, 1]

``spent_init`` being what the first ``n_init`` trials (the random start) spent: 1
right after the start (improvement per unit cost: cheap regions first), falling to
0 as the budget runs out (plain EI: the final trials go wherever the best value may
be, however costly). The budget, first found in:

1. the sampler's ``cost_budget`` (in cost units);
2. the study's declared ``optimize(budget_cost=...)``;
3. the study's declared ``optimize(budget_seconds=...)``, when no trial sets the
   ``cost`` attribute (costs are then durations, spent is summed trial seconds);
4. the study's declared ``optimize(n_trials=...)``: counted in trials instead of
   cost (``alpha = (N - n) / (N - n_init)``, ``n`` finished trials);
5. none of these: ``alpha = 1`` throughout (improvement per unit cost, no cooling).

The declared budgets are those of the last ``optimize`` call that gave them; ``n_trials``
is this call's target, so a loop of ``optimize(n_trials=1)`` calls would cool to ~0 at
once: give the whole run's ``n_trials`` to one call, or a ``cost_budget``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hypersearch import _keys
from hypersearch.samplers._cost._budget import declared_budget
from hypersearch.samplers._cost._measure import FINISHED, duration_cost, trial_cost
from hypersearch.trial._frozen import FrozenTrial


def cooling_alpha(
    trials: Sequence[FrozenTrial],
    system_attrs: Mapping[str, Any],
    *,
    n_init: int,
    cost_budget: float | None = None,
) -> float:
    """``alpha`` in [0, 1] for the next trial (see the module docstring).

    Args:
        trials: The study's trials, in number order.
        system_attrs: The study's system attributes (the declared budgets).
        n_init: Trials of the initial (random) design.
        cost_budget: A budget given to the sampler itself (cost units), first choice.
    """
    finished = [t for t in trials if t.state in FINISHED]
    declared = declared_budget(system_attrs)
    spent: list[float]
    if cost_budget is not None or declared.cost is not None:
        total = cost_budget if cost_budget is not None else declared.cost
        spent = [trial_cost(t) or 0.0 for t in finished]
    elif declared.seconds is not None and not any(_keys.COST in t.user_attrs for t in finished):
        total = declared.seconds
        spent = [duration_cost(t) or 0.0 for t in finished]
    elif declared.trials is not None:
        total = float(declared.trials)
        spent = [1.0] * len(finished)
    else:
        return 1.0
    assert total is not None
    spent_init = sum(spent[:n_init])
    left = total - sum(spent)
    if total <= spent_init:
        return 0.0
    return min(max(left / (total - spent_init), 0.0), 1.0)


def budget_label(system_attrs: Mapping[str, Any], cost_budget: float | None = None) -> str:
    """The budget the cooling counts, as the user gave it (``"budget_cost=100"``)."""
    declared = declared_budget(system_attrs)
    for name, value in (
        ("cost_budget", cost_budget),
        ("budget_cost", declared.cost),
        ("budget_seconds", declared.seconds),
        ("n_trials", declared.trials),
    ):
        if value is not None:
            return f"{name}={value:g}"
    return "none"
