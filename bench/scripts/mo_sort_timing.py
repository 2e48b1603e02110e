"""Non-dominated sort, Pareto front and hypervolume timings: hypersearch vs Optuna's internals.

Both libraries get the same random points; each call is timed best-of-3,
interleaved (ours, theirs, ours, ...), and the ratio ours / optuna printed.
Optuna's functions are private (``optuna.study._multi_objective`` and
``optuna._hypervolume``) and may move between versions.

Usage: PYTHONPATH=. python bench/scripts/mo_sort_timing.py
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from optuna._hypervolume import compute_hypervolume
from optuna.study._multi_objective import _calculate_nondomination_rank, _is_pareto_front

from hypersearch.multi_objective import hypervolume, non_dominated_ranks, pareto_front_mask


def best_of(fn: Callable[[], object], repeats: int = 3) -> float:
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def compare(label: str, ours: Callable[[], object], theirs: Callable[[], object]) -> None:
    t_ours, t_theirs = np.inf, np.inf
    for _ in range(2):
        t_ours = min(t_ours, best_of(ours))
        t_theirs = min(t_theirs, best_of(theirs))
    print(f"{label:38s} ours {t_ours * 1e3:8.1f} ms  optuna {t_theirs * 1e3:8.1f} ms  ratio {t_ours / t_theirs:.3f}")


def main() -> None:
    rng = np.random.default_rng(0)
    for n, m in [(10_000, 2), (10_000, 3), (2_000, 4)]:
        v = rng.random((n, m))
        a = non_dominated_ranks(v)
        b = _calculate_nondomination_rank(v)
        assert np.array_equal(a, b), "rank mismatch"
        compare(f"ranks n={n} m={m} (random)", lambda v=v: non_dominated_ranks(v),
                lambda v=v: _calculate_nondomination_rank(v))
        compare(f"front n={n} m={m} (random)", lambda v=v: pareto_front_mask(v),
                lambda v=v: _is_pareto_front(v, assume_unique_lexsorted=False))
    for n, m in [(2_000, 2), (2_000, 3), (200, 4)]:
        v = rng.random((n, m))
        v /= np.linalg.norm(v, axis=1, keepdims=True)  # every point on the front
        ref = np.full(m, 1.1)
        assert abs(hypervolume(v, ref) - compute_hypervolume(v, ref)) < 1e-9 * max(1.0, hypervolume(v, ref))
        compare(f"hypervolume n={n} m={m} (all on front)", lambda v=v, ref=ref: hypervolume(v, ref),
                lambda v=v, ref=ref: compute_hypervolume(v, ref))


if __name__ == "__main__":
    main()
