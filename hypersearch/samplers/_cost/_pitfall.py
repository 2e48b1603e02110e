"""When the good trials are the costly ones, the cost stops weighing.

Improvement per unit cost steers towards cheap regions; when the optimum lies where
trials are expensive it keeps sampling cheap, poor points and reaches the optimum
late (the weakness of EI per unit cost that motivated the cost cooling of Lee et
al. 2020, which only softens it). The trials themselves show it: better values come with
higher costs. The evidence is Spearman's rank correlation between value (smaller is
better) and cost over the complete trials, in standard errors under no correlation:

    t = rho * sqrt(n - 1)

and the cost's weight is scaled by ``clip(2 + t, 0, 1)``: in full while ``t >= -1``
(no more than noise: with no such link, ``t`` is above -1 five times in six), none
once ``t <= -2``. It is computed anew for each sample, so the weight comes
back if later trials break the link.

Used by TPE only. Measured (``python -m bench cost-aware --seeds 20``, Hartmann-3 with
its optimum at the costly end): cost-aware TPE lost to plain TPE (cost to target 1.79x,
17 of 20 seeds worse, p = 0.001) and now ties it (1.10x, 15 of 20 seeds identical,
p = 0.14), while it still reaches the target in 0.60x the cost on Branin and Hartmann-6.
The GP's acquisition does not use it: with it the GP saved less on Branin (0.85x
instead of 0.72x; Hartmann-6 0.73x either way), and EI's own uncertainty keeps it from
losing on Hartmann-3 without it (0.98x). The GP's cost-leaning random start
(:mod:`~hypersearch.samplers._cost._design`) does: there a cheap pull costs information.
"""

from __future__ import annotations

import math

import numpy as np

MIN_TRIALS = 5
"""Fewer complete trials with a value and a cost than this: no evidence (weight 1)."""
FULL_WEIGHT_AT = -1.0
NO_WEIGHT_AT = -2.0


def costly_is_better_evidence(values: np.ndarray, costs: np.ndarray) -> float:
    """``rho * sqrt(n - 1)`` for Spearman's ``rho`` of ``(values, costs)`` (NaN: left out).

    Negative when smaller values come with larger costs; 0 with fewer than
    :data:`MIN_TRIALS` pairs or when either side is constant.
    """
    from scipy.stats import rankdata  # lazy: scipy.stats costs ~1 s of CPU to import

    ok = np.isfinite(values) & np.isfinite(costs)
    n = int(ok.sum())
    if n < MIN_TRIALS:
        return 0.0
    rv, rc = rankdata(values[ok]), rankdata(costs[ok])
    if np.ptp(rv) == 0 or np.ptp(rc) == 0:
        return 0.0
    rho = float(np.corrcoef(rv, rc)[0, 1])
    return rho * math.sqrt(n - 1)


def cost_weight(evidence: float) -> float:
    """The cost's weight in [0, 1] for :func:`costly_is_better_evidence` ``evidence``."""
    span = FULL_WEIGHT_AT - NO_WEIGHT_AT
    return float(min(max((evidence - NO_WEIGHT_AT) / span, 0.0), 1.0))
