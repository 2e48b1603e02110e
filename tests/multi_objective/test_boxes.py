"""Box decomposition of the non-dominated region, checked against brute force."""

from __future__ import annotations

import numpy as np
import pytest

from hypersearch.multi_objective import hypervolume
from hypersearch.multi_objective._boxes import non_dominated_boxes


def _front(rng: np.random.Generator, n: int, m: int) -> np.ndarray:
    """Points on a sphere-like front plus some dominated and duplicated ones."""
    p = rng.random((n, m))
    p /= np.linalg.norm(p, axis=1, keepdims=True)
    extra = p[: n // 3] + rng.random((n // 3, m)) * 0.2  # dominated
    return np.vstack([p, extra, p[:2]])


@pytest.mark.parametrize("m", [2, 3, 4])
def test_boxes_tile_exactly_the_non_dominated_region(m: int) -> None:
    rng = np.random.default_rng(m)
    points = _front(rng, 12, m)
    ref = np.full(m, 1.1)
    lower, upper = non_dominated_boxes(points, ref)
    floor = np.full(m, -0.2)
    # Brute force: uniform samples in [floor, ref]; each lies in exactly one box
    # when no point dominates it, and in none otherwise.
    z = floor + rng.random((20000, m)) * (ref - floor)
    inside = np.all((z[:, None, :] >= lower[None]) & (z[:, None, :] <= upper[None]), axis=2)
    dominated = np.any(np.all(points[None, :, :] <= z[:, None, :], axis=2), axis=1)
    hits = inside.sum(axis=1)
    assert np.all(hits[dominated] == 0)
    assert np.all(hits[~dominated] == 1)
    # Grid-free volume check: the boxes (clipped at the floor) fill the box minus the hypervolume.
    volume = np.prod(upper - np.maximum(lower, floor), axis=1).sum()
    assert volume == pytest.approx(np.prod(ref - floor) - hypervolume(points, ref), rel=1e-12)


@pytest.mark.parametrize("m", [2, 3, 4])
def test_improvement_from_boxes_equals_hypervolume_gain(m: int) -> None:
    rng = np.random.default_rng(10 + m)
    points = _front(rng, 15, m)
    ref = np.full(m, 1.2)
    lower, upper = non_dominated_boxes(points, ref)
    base = hypervolume(points, ref)
    for y in rng.random((20, m)) * 1.3 - 0.1:
        hvi = np.prod(np.clip(upper - np.maximum(lower, y), 0.0, None), axis=1).sum()
        assert hvi == pytest.approx(hypervolume(np.vstack([points, y]), ref) - base, abs=1e-12)


def test_box_counts_stay_linear_in_2d_and_3d() -> None:
    rng = np.random.default_rng(0)
    for m, limit in ((2, lambda k: k + 1), (3, lambda k: 3 * k + 1)):
        p = rng.random((60, m))
        p /= np.linalg.norm(p, axis=1, keepdims=True)
        lower, _ = non_dominated_boxes(p, np.full(m, 1.1))
        assert len(lower) <= limit(60)


def test_empty_front_is_one_box_and_bad_input_is_named() -> None:
    lower, upper = non_dominated_boxes(np.empty((0, 3)), [1.0, 2.0, 3.0])
    assert lower.tolist() == [[-np.inf] * 3] and upper.tolist() == [[1.0, 2.0, 3.0]]
    beyond = non_dominated_boxes(np.array([[5.0, 0.0]]), [1.0, 1.0])  # outside the reference
    assert len(beyond[0]) == 1
    with pytest.raises(ValueError, match="reference_point"):
        non_dominated_boxes(np.zeros((1, 2)), [1.0])
    with pytest.raises(ValueError, match="points"):
        non_dominated_boxes(np.zeros((1, 3)), [1.0, 1.0])
    with pytest.raises(ValueError, match="NaN"):
        non_dominated_boxes(np.array([[np.nan, 0.0]]), [1.0, 1.0])
