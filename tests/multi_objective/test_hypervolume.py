from __future__ import annotations

import itertools

import numpy as np
import pytest

import hypersearch as hs
from hypersearch.multi_objective import hypervolume, hypervolume_contributions, hypervolume_history


def grid_count(points: np.ndarray, ref: np.ndarray) -> float:
    """Exact volume for integer points: count the unit cells some point dominates."""
    cells = np.array(list(itertools.product(*[range(int(r)) for r in ref])), dtype=float)
    if len(points) == 0:
        return 0.0
    return float(np.any(np.all(points[None, :, :] <= cells[:, None, :], axis=2), axis=1).sum())


def inclusion_exclusion(points: np.ndarray, ref: np.ndarray) -> float:
    total = 0.0
    for k in range(1, len(points) + 1):
        for subset in itertools.combinations(range(len(points)), k):
            corner = points[list(subset)].max(axis=0)
            total += (-1) ** (k + 1) * float(np.prod(np.maximum(ref - corner, 0.0)))
    return total


@pytest.mark.parametrize("m", [1, 2, 3, 4, 5])
def test_volume_and_contributions_match_grid_counting(m: int) -> None:
    rng = np.random.default_rng(m)
    ref = np.full(m, 5.0)
    for _ in range(40):
        points = rng.integers(0, 6, size=(int(rng.integers(0, 10)), m)).astype(float)
        expected = grid_count(points, ref)
        assert hypervolume(points, ref) == pytest.approx(expected, abs=1e-9)
        contributions = hypervolume_contributions(points, ref)
        for i in range(len(points)):
            assert contributions[i] == pytest.approx(
                expected - grid_count(np.delete(points, i, axis=0), ref), abs=1e-9
            )


@pytest.mark.parametrize("m", [2, 3, 4, 5])
def test_volume_matches_inclusion_exclusion_on_continuous_points(m: int) -> None:
    rng = np.random.default_rng(10 + m)
    for _ in range(10):
        points = rng.random((7, m))
        ref = np.full(m, 1.2)
        assert hypervolume(points, ref) == pytest.approx(
            inclusion_exclusion(points, ref), rel=1e-10
        )


def test_volume_matches_monte_carlo_in_3d() -> None:
    rng = np.random.default_rng(0)
    points = rng.random((60, 3))
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    ref = np.ones(3) * 1.1
    samples = rng.random((50_000, 3)) * 1.1
    covered = np.zeros(len(samples), dtype=bool)
    for p in points:
        covered |= np.all(samples >= p, axis=1)
    estimate = covered.mean() * 1.1**3
    assert hypervolume(points, ref) == pytest.approx(
        estimate, abs=4 * np.sqrt(0.25 / len(samples)) * 1.331
    )


def test_points_outside_the_reference_box_add_nothing() -> None:
    assert hypervolume(np.array([[2.0, 0.0], [0.0, 2.0]]), [1.0, 1.0]) == 0.0
    assert hypervolume(np.zeros((0, 2)), [1.0, 1.0]) == 0.0
    assert hypervolume(np.array([[0.5, 0.5], [2.0, 0.0]]), [1.0, 1.0]) == pytest.approx(0.25)


def test_bad_reference_point_raises() -> None:
    with pytest.raises(ValueError, match="reference_point"):
        hypervolume(np.zeros((2, 2)), [1.0, 1.0, 1.0])


def test_hypervolume_history_is_monotone_and_respects_directions() -> None:
    study = hs.create_study(directions=["maximize", "minimize"])
    for a, b in [(1.0, 3.0), (0.0, 5.0), (2.0, 2.0), (3.0, 4.0), (1.5, 1.0)]:
        study.add_trial(hs.create_trial(values=[a, b]))
    study.add_trial(hs.create_trial(state=hs.TrialState.FAIL))
    history = hypervolume_history(study, [0.0, 5.0])
    assert len(history) == 6
    assert np.all(np.diff(history) >= 0)
    # Maximised f1 with reference 0: the front (1,3), (2,2), (3,4), (1.5,1) in minimised form.
    signed = np.array([[-1.0, 3.0], [-2.0, 2.0], [-3.0, 4.0], [-1.5, 1.0]])
    assert history[-1] == pytest.approx(hypervolume(signed, [0.0, 5.0]))
    assert history[0] == pytest.approx(2.0)
    assert history[1] == history[0]  # (0, 5) sits on the reference point
