"""Rule 8b: the GP per unit cost where trials cost widely different amounts.

When the decision table picks the GP, it becomes the cost-aware GP (``gp-cost``, or
``gp-light-cost`` for the light effort: ``GPSampler(cost_aware=True)``, EI per unit
cost with cost cooling) where, on the random start (the first :data:`START` complete
trials: a sample of the whole space, which the model's later trials are not):

* the costs (``cost`` attribute, else duration) vary :data:`SPREAD_MIN` times or more,
  durations counting only where their median is :data:`TIMED_MIN_S` or more (shorter
  ones vary with timer and scheduler noise, and the sampler's own time per trial is
  of their order: a pull to cheap regions buys nothing there),
  90th percentile over 10th, of a log-normal fitted to them
  (``exp(2 * 1.2816 * sd(log cost))``). Ten costs underestimate a spread, the plain
  percentiles most (a median of 7.7-9.4 where the space's is 14-15x), so the threshold
  sits below issue #17's "10x or more": on 400 draws of 10 random trials it flags
  79-90% of the cost-aware benchmark's spaces (14-15x) and 5% of a space varying 5.3x;
* the costly trials are not the good ones (Spearman's value/cost correlation below -2
  standard errors, :mod:`~hypersearch.samplers._cost._pitfall`): there a pull to cheap
  regions only delays the optimum;
* and a budget is declared (``n_trials``, ``budget_cost`` or ``budget_seconds``): the
  cooling counts it down, so the last trials go wherever the best value may be; with no
  budget the cost would weigh in full to the end.

Taken on the start only, the decision does not change once the start is done.
Measured (``bench/results/cost-aware.md``, ``auto vs gp``, 20 seeds, costs varying
14-15x): the AutoSampler reaches plain EI's target at 0.75x its cost on Branin (15/0/5,
p = 0.009) and 0.80x on Hartmann-6 (p = 0.10); 1.04x on Hartmann-3 (p = 0.99), whose
optimum sits at the costly end; with a constant cost it stays the plain GP.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from hypersearch import _keys
from hypersearch.samplers._auto._rules import Choice

if TYPE_CHECKING:
    from hypersearch.study._history import History
    from hypersearch.study._study import Study
    from hypersearch.trial._frozen import FrozenTrial

START = 10  # the AutoSampler's random start (``_sampler.STARTUP_TRIALS``)
SPREAD_MIN = 7.0
TIMED_MIN_S = 0.05
_Z90 = 1.2816  # the standard normal's 90th percentile
_PER_UNIT_COST = {"gp": "gp-cost", "gp-light": "gp-light-cost"}


def lognormal_spread(costs: np.ndarray) -> float:
    """p90 / p10 of a log-normal fitted to ``costs`` (> 0; zeros count as 1e-12 of the max)."""
    floor = max(float(costs.max()) * 1e-12, np.finfo(float).tiny)
    log_c = np.log(np.maximum(costs, floor))
    return math.exp(2.0 * _Z90 * float(np.std(log_c, ddof=1)))


class StartSpread:
    """Rule 8b's reading of the random start: the costs' spread where they count, else None.

    Read once per study when the start is done (it does not change after), so the
    AutoSampler pays it on one trial, not on every one.
    """

    def __init__(self) -> None:
        self._identity: object = None
        self._spread: float | None = None

    def __call__(self, history: History) -> float | None:
        if self._identity is history.identity:
            return self._spread
        from hypersearch.trial._state import TrialState

        rows = np.flatnonzero(history.mask(TrialState.COMPLETE))[:START]
        if len(rows) < START:
            return None
        self._identity, self._spread = history.identity, _spread_of(history, rows)
        return self._spread


def _spread_of(history: History, rows: np.ndarray) -> float | None:
    """The start's cost spread if it is wide and the costly trials are not the good ones."""
    from hypersearch.samplers._cost._measure import costs_of
    from hypersearch.samplers._cost._pitfall import NO_WEIGHT_AT, costly_is_better_evidence

    trials = [history.trial(int(r)) for r in rows]
    costs = costs_of(trials)
    if any(c is None for c in costs) or _only_noise(trials, costs):
        return None
    column = np.array(costs, dtype=float)
    spread = lognormal_spread(column)
    if spread < SPREAD_MIN:
        return None
    if costly_is_better_evidence(history.signed_values()[rows, 0], column) <= NO_WEIGHT_AT:
        return None
    return spread


def per_unit_cost(choice: Choice, study: Study, start_spread: StartSpread) -> Choice:
    """``choice``, or the cost-aware GP in its place where rule 8b holds (module docstring)."""
    if choice.sampler not in _PER_UNIT_COST or len(study.history.directions) > 1:
        return choice
    spread = start_spread(study.history)
    if spread is None:
        return choice
    from hypersearch.samplers._cost import declared_budget

    # last: the study's attributes are a storage read (the history checks are in memory)
    declared = declared_budget(study.system_attrs)
    if declared.cost is None and declared.seconds is None and declared.trials is None:
        return choice
    why = f"{choice.reason}; the start's costs vary {spread:.0f}x: GP per unit cost"
    return Choice(_PER_UNIT_COST[choice.sampler], why)


def _only_noise(trials: list[FrozenTrial], costs: list[float | None]) -> bool:
    """Whether the costs are durations too short to tell configurations apart."""
    timed = [c for t, c in zip(trials, costs) if _keys.COST not in t.user_attrs]
    return bool(timed) and float(np.median(np.array(timed, dtype=float))) < TIMED_MIN_S
