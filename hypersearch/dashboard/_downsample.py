"""Fewer points, same picture: what the plots ship when a study has many trials.

* :func:`envelope`: points in trial order, bucketed; each bucket keeps its
  lowest and highest value, so outliers and the spread over time stay visible.
* :func:`steps`: a monotone curve (best so far, hypervolume, cumulative
  budget) keeps only the points where it changes, then every k-th of those.
* :func:`subset`: a scatter keeps its best points and an even spread of the
  rest (deterministic, so a refresh does not make the cloud flicker).
* :func:`quantiles`: a sorted sample (EDF) keeps evenly spaced ranks.
"""

from __future__ import annotations

import numpy as np

#: Points a scatter trace ships at most.
MAX_POINTS = 2000


def stride(n: int, limit: int) -> np.ndarray:
    """Indices of ``limit`` evenly spaced items of ``n`` (all when ``n <= limit``), last included."""
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(np.int64))


def envelope(y: np.ndarray, limit: int = MAX_POINTS) -> np.ndarray:
    """Indices keeping each bucket's minimum and maximum of ``y`` (in order)."""
    n = len(y)
    if n <= limit:
        return np.arange(n)
    n_buckets = max(limit // 2, 1)
    edges = np.linspace(0, n, n_buckets + 1).astype(np.int64)
    keep = []
    for a, b in zip(edges[:-1], edges[1:]):
        if b > a:
            chunk = y[a:b]
            keep += [a + int(np.argmin(chunk)), a + int(np.argmax(chunk))]
    return np.unique(np.array(keep, dtype=np.int64))


def steps(y: np.ndarray, limit: int = MAX_POINTS) -> np.ndarray:
    """Indices where a monotone ``y`` changes (and the last one), at most ``limit`` of them."""
    n = len(y)
    if n <= limit:
        return np.arange(n)
    changes = np.flatnonzero(np.concatenate(([True], y[1:] != y[:-1])))
    changes = np.union1d(changes, [n - 1])
    return changes[stride(len(changes), limit)]


def subset(y: np.ndarray, limit: int = MAX_POINTS, best_share: float = 0.25) -> np.ndarray:
    """Indices of the ``best_share * limit`` smallest ``y`` and an even spread of the others."""
    n = len(y)
    if n <= limit:
        return np.arange(n)
    n_best = int(limit * best_share)
    order = np.argsort(y, kind="stable")
    best = order[:n_best]
    rest = np.setdiff1d(np.arange(n), best)
    spread = rest[stride(len(rest), limit - n_best)]
    return np.sort(np.concatenate([best, spread]))


def quantiles(n: int, limit: int = 500) -> np.ndarray:
    """Indices of a sorted array of ``n`` to draw its distribution (first and last included)."""
    return stride(n, limit)
