"""Our CMA-ES core (no sampler, no storage) vs the `cmaes` package on the same loop.

Run:  OMP_NUM_THREADS=1 PYTHONPATH=. python bench/scripts/cmaes_core.py [--seeds 60]
Both start at the centre of the unit cube with sigma 1/6 and run 37 generations on a
5-D ellipsoid (condition 1e6) and a 10-D sphere; reports geometric means and medians
of the best value, so the update equations can be compared apart from the sampler glue.
"""

from __future__ import annotations

import argparse

import cmaes
import numpy as np

from hypersearch.samplers._cmaes._optimizer import CMA


def ellipsoid(u: np.ndarray) -> float:
    d = len(u)
    scales = 10.0 ** (6 * np.arange(d) / (d - 1))
    return float(np.sum(scales * (10 * u - 6.5) ** 2))


def sphere(u: np.ndarray) -> float:
    return float(np.sum((10 * u - 6.5) ** 2))


def ours(f, d: int, seed: int, gens: int) -> float:  # type: ignore[no-untyped-def]
    cma, rng, best = CMA(np.full(d, 0.5), 1 / 6), np.random.default_rng(seed), np.inf
    for _ in range(gens):
        xs = np.array([cma.ask(rng) for _ in range(cma.popsize)])
        fs = np.array([f(x) for x in xs])
        best = min(best, fs.min())
        cma.tell(xs, fs)
    return best


def theirs(f, d: int, seed: int, gens: int) -> float:  # type: ignore[no-untyped-def]
    opt = cmaes.CMA(mean=np.full(d, 0.5), sigma=1 / 6, bounds=np.array([[0, 1]] * d), seed=seed)
    best = np.inf
    for _ in range(gens):
        sols = []
        for _ in range(opt.population_size):
            x = opt.ask()
            sols.append((x, f(x)))
            best = min(best, sols[-1][1])
        opt.tell(sols)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=60)
    parser.add_argument("--gens", type=int, default=37)
    args = parser.parse_args()
    for name, f, d in (("ellipsoid", ellipsoid, 5), ("sphere", sphere, 10)):
        a = np.array([ours(f, d, s, args.gens) for s in range(args.seeds)])
        b = np.array([theirs(f, d, s, args.gens) for s in range(args.seeds)])
        geo = lambda v: float(np.exp(np.mean(np.log(v + 1e-300))))  # noqa: E731
        print(
            f"{name} d={d}: geo-mean ours {geo(a):.4g} cmaes {geo(b):.4g} | median ours "
            f"{np.median(a):.4g} cmaes {np.median(b):.4g} | ours better in {(a < b).sum()}/{len(a)}"
        )


if __name__ == "__main__":
    main()
