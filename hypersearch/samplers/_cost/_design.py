"""A cost-effective random start (after CArBO's initial design, Lee et al. 2020).

A random start spends as much on a costly corner as on a cheap one. Once the first
:data:`MIN_RANDOM` random trials have measured costs, each further start point is,
among :data:`N_CANDIDATES` spread points (a randomly shifted low-discrepancy set), the
one that claims the most unexplored space per unit of predicted cost:

    score(u) = d * log r(u) - w * log c(u)

``r`` is the distance to the nearest point tried so far (a ball of radius ``r``
holds a volume ~ ``r ** d``), ``c`` the cost model's prediction, ``d`` the number of
dimensions and ``w`` the cost's weight (none once the trials show that the costly
ones are the good ones, :mod:`~hypersearch.samplers._cost._pitfall`).

The candidates are few on purpose: out of 512 the best score is a max-min design,
which picks corners. With no cost at all it reached the target at 1.18x a random
start's cost on Hartmann-3 (40 seeds, p = 0.03), whose optimum is inside the cube.
Out of 16, the start stays close to random, leaning to where trials are cheap
(``python -m bench cost-aware``; ``bench/results/cost-aware.md``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the GP package imports this one: no import cycle at run time
    from hypersearch.samplers._cost._model import CostModel
    from hypersearch.samplers._gp._space import SearchSpaceEncoding

MIN_RANDOM = 3
"""Random start points before the cost leans the rest (the cost model's minimum)."""
N_CANDIDATES = 16
_TINY = 1e-12


def nearest_distance(enc: SearchSpaceEncoding, u: np.ndarray, done: np.ndarray) -> np.ndarray:
    """Distance of each encoded point in ``u`` to its nearest point in ``done`` (categorical
    columns: 0 when equal, 1 otherwise)."""
    from hypersearch.samplers._gp._model import sq_dist_parts

    if len(done) == 0:
        return np.full(len(u), np.sqrt(enc.dim))
    return np.sqrt(sq_dist_parts(u, done, enc.is_cat).sum(axis=2).min(axis=1))


def cheap_start_point(
    enc: SearchSpaceEncoding,
    done: np.ndarray,
    model: CostModel,
    rng: np.random.Generator,
    *,
    weight: float = 1.0,
    n_candidates: int = N_CANDIDATES,
) -> np.ndarray:
    """The start point (encoded) with the most new space per unit of predicted cost."""
    from hypersearch.samplers._gp._optimize import global_candidates

    u = global_candidates(enc, n_candidates, rng)
    radius = np.maximum(nearest_distance(enc, u, done), _TINY)
    score = enc.dim * np.log(radius) - weight * model.log_cost(u)
    return u[int(np.argmax(score))]
