"""Survivor selection: constrained non-dominated ranks, crowding distance, reference-point niching."""

from __future__ import annotations

import numpy as np

from hypersearch.multi_objective._pareto import crowding_distance, non_dominated_ranks


def constrained_ranks(values: np.ndarray, violation: np.ndarray | None) -> np.ndarray:
    """Non-domination ranks under Deb's constraint domination.

    Feasible rows (``violation <= 0``) come first, sorted into Pareto fronts;
    infeasible rows follow, ranked by total violation alone.
    """
    if violation is None:
        return non_dominated_ranks(values)
    ranks = np.empty(len(values), dtype=np.int64)
    feasible = violation <= 0
    top = 0
    if feasible.any():
        ranks[feasible] = non_dominated_ranks(values[feasible])
        top = int(ranks[feasible].max()) + 1
    if (~feasible).any():
        ranks[~feasible] = top + np.unique(violation[~feasible], return_inverse=True)[1].reshape(-1)
    return ranks


def select_elites(
    values: np.ndarray,
    violation: np.ndarray | None,
    size: int,
    *,
    reference_points: np.ndarray | None = None,
    rng: np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``size`` best rows: whole fronts by rank, the last one cut by crowding (or niching).

    Returns:
        ``(indices, ranks, crowding)`` of the chosen rows, the two latter for
        tournament selection (crowding is 0 under niching).
    """
    ranks = constrained_ranks(values, violation)
    cutoff_rank = np.sort(ranks)[min(size, len(ranks)) - 1]
    crowd = np.zeros(len(values))
    for r in range(int(cutoff_rank) + 1):  # fronts beyond the cut-off are never compared
        members = np.flatnonzero(ranks == r)
        if len(members):
            crowd[members] = crowding_distance(values[members])
    if len(values) <= size:
        idx = np.arange(len(values))
        return idx, ranks, crowd
    keep = np.flatnonzero(ranks < cutoff_rank)
    last = np.flatnonzero(ranks == cutoff_rank)
    need = size - len(keep)
    if reference_points is not None and rng is not None:
        chosen = _niching(values, keep, last, need, reference_points, rng)
    else:
        chosen = last[np.argsort(-crowd[last], kind="stable")[:need]]
    idx = np.concatenate([keep, chosen])
    return idx, ranks[idx], crowd[idx]


def das_dennis(n_objectives: int, divisions: int) -> np.ndarray:
    """Das & Dennis' structured points on the unit simplex: all ``k / divisions`` compositions."""

    def compositions(total: int, parts: int) -> list[list[int]]:
        if parts == 1:
            return [[total]]
        return [[i, *rest] for i in range(total + 1) for rest in compositions(total - i, parts - 1)]

    return np.array(compositions(divisions, n_objectives), dtype=float) / divisions


def _niching(
    values: np.ndarray,
    keep: np.ndarray,
    last: np.ndarray,
    need: int,
    refs: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """NSGA-III (Deb & Jain 2014): fill from the least crowded reference directions."""
    pool = np.concatenate([keep, last])
    f = values[pool]
    ideal = f.min(axis=0)
    g = f - ideal
    # Extreme points by achievement scalarising; fall back to the maximum per axis.
    m = values.shape[1]
    weights = np.eye(m) + 1e-6
    asf = np.max(g[None, :, :] / weights[:, None, :], axis=2)
    extremes = g[np.argmin(asf, axis=1)]
    try:
        intercepts = 1.0 / np.linalg.solve(extremes, np.ones(m))
        if np.any(~np.isfinite(intercepts)) or np.any(intercepts <= 1e-10):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        intercepts = g.max(axis=0)
    intercepts = np.where(intercepts > 1e-10, intercepts, 1.0)
    norm = g / intercepts
    unit = refs / np.linalg.norm(refs, axis=1, keepdims=True)
    proj = norm @ unit.T
    dist2 = np.maximum(np.sum(norm**2, axis=1)[:, None] - proj**2, 0.0)
    assoc = np.argmin(dist2, axis=1)
    d = dist2[np.arange(len(pool)), assoc]
    counts = np.bincount(assoc[: len(keep)], minlength=len(refs))
    cand_assoc = assoc[len(keep) :]
    cand_d = d[len(keep) :]
    available = np.ones(len(last), dtype=bool)
    active = np.ones(len(refs), dtype=bool)
    chosen: list[int] = []
    while len(chosen) < need:
        masked = np.where(active, counts, np.iinfo(np.int64).max)
        lowest = np.flatnonzero(masked == masked.min())
        j = int(rng.choice(lowest))
        members = np.flatnonzero(available & (cand_assoc == j))
        if len(members) == 0:
            active[j] = False
            continue
        pick = members[np.argmin(cand_d[members])] if counts[j] == 0 else int(rng.choice(members))
        chosen.append(int(pick))
        available[pick] = False
        counts[j] += 1
    return last[np.array(chosen, dtype=np.int64)]
