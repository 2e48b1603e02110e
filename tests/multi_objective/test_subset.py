"""Greedy hypervolume subset selection and batched hypervolume contributions."""

from __future__ import annotations

import numpy as np
import pytest

from hypersearch.multi_objective import hypervolume, hypervolume_contributions
from hypersearch.multi_objective._subset import greedy_hypervolume_subset, hypervolume_shares


def _naive_greedy(points: np.ndarray, k: int, ref: np.ndarray) -> list[int]:
    picked: list[int] = []
    for _ in range(k):
        base = hypervolume(points[picked], ref) if picked else 0.0
        gains = [
            (hypervolume(points[picked + [i]], ref) - base, -i)
            for i in range(len(points))
            if i not in picked
        ]
        picked.append(-max(gains)[1])
    return picked


@pytest.mark.parametrize("m", [2, 3, 4])
def test_greedy_subset_matches_the_plain_greedy(m):
    rng = np.random.default_rng(m)
    for _ in range(5):
        points = rng.random((14, m))
        ref = np.full(m, 1.1)
        got = greedy_hypervolume_subset(points, 6, ref)
        want = _naive_greedy(points, 6, ref)
        for j in range(1, 7):  # same volume after every pick (ties may pick other rows)
            assert hypervolume(points[got[:j]], ref) == pytest.approx(
                hypervolume(points[want[:j]], ref)
            )


def test_greedy_subset_prefers_the_knee_to_weak_extremes():
    # DTLZ2-like: the knee covers far more than points with one objective at 0
    points = np.array(
        [[0.0, 2.0, 2.0], [2.0, 0.0, 2.0], [2.0, 2.0, 0.0], [0.6, 0.6, 0.6], [0.5, 0.8, 0.5]]
    )
    assert greedy_hypervolume_subset(points, 2, [2.2, 2.2, 2.2]).tolist() == [3, 4]


def test_greedy_subset_edges_and_errors():
    points = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert greedy_hypervolume_subset(points, 0, [2, 2]).tolist() == []
    assert sorted(greedy_hypervolume_subset(points, 2, [2, 2]).tolist()) == [0, 1]
    with pytest.raises(ValueError, match="k must be"):
        greedy_hypervolume_subset(points, 3, [2, 2])
    with pytest.raises(ValueError, match="reference_point"):
        greedy_hypervolume_subset(points, 1, [2, 2, 2])


@pytest.mark.parametrize("m", [2, 3, 4])
def test_shares_equal_exact_contributions(m):
    rng = np.random.default_rng(10 + m)
    for n in (1, 2, 9, 25):
        points = rng.random((n, m))
        points[-1] = points[0]  # a duplicate contributes nothing
        ref = np.ones(m)
        np.testing.assert_allclose(
            hypervolume_shares(points, ref), hypervolume_contributions(points, ref), atol=1e-12
        )
