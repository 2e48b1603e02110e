"""Search quality of hypersearch's GPSampler against Optuna's GPSampler.

Problems: Branin, Hartmann-6 and BBOB-style functions (sphere, separable
ellipsoid, Rosenbrock, Rastrigin, different powers) on [-5, 5]^d with an
optimum shifted per seed. Runs are interleaved seed by seed (ours, then
Optuna's) so machine-load drift hits both alike. Reports the median final
regret per problem and a two-sided Wilcoxon signed-rank p-value over seeds.

Usage::

    PYTHONPATH=. python bench/scripts/gp_quality.py --trials 50 --seeds 5 \
        --problems branin,hartmann6,sphere-2,rosen-5 --out /tmp/gp_q.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from collections.abc import Callable

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402
from scipy.stats import wilcoxon  # noqa: E402

from bench.problems import synthetic  # noqa: E402

Problem = tuple[int, Callable[[np.ndarray], float], float, float, float]  # dim, f, low, high, fmin


def branin(x: np.ndarray) -> float:
    # Domain mapped from [0, 1]^2 to [-5, 10] x [0, 15].
    return synthetic.branin(-5 + 15 * x[0], 15 * x[1])


def hartmann6(x: np.ndarray) -> float:
    return synthetic.hartmann(
        x, synthetic.HARTMANN_ALPHA, synthetic.HARTMANN6_A, synthetic.HARTMANN6_P
    )


def _bbob(name: str, d: int, seed: int) -> Callable[[np.ndarray], float]:
    xopt = np.random.default_rng(1000 + seed).uniform(-4, 4, size=d)
    cond = 1e6 ** (np.arange(d) / max(d - 1, 1))
    powers = 2 + 4 * np.arange(d) / max(d - 1, 1)

    def f(x: np.ndarray) -> float:
        z = x - xopt
        if name == "sphere":
            return float(z @ z)
        if name == "ellipsoid":
            return float(cond @ (z * z))
        if name == "rosen":
            z = 1 + z * 0.5  # optimum at z = 1 -> x = xopt
            return float((100 * (z[:-1] ** 2 - z[1:]) ** 2 + (z[:-1] - 1) ** 2).sum())
        if name == "rastrigin":
            return float(10 * d + (z * z - 10 * np.cos(2 * math.pi * z)).sum())
        if name == "diffpow":
            return float(np.sqrt((np.abs(z) ** powers).sum()))
        raise KeyError(name)

    return f


def make_problem(key: str, seed: int) -> Problem:
    if key == "branin":
        return 2, branin, 0.0, 1.0, 0.397887357729739
    if key == "hartmann6":
        return 6, hartmann6, 0.0, 1.0, -3.32236801141551
    name, d = key.rsplit("-", 1)
    return int(d), _bbob(name, int(d), seed), -5.0, 5.0, 0.0


def run(sampler: object, problem: Problem, n_trials: int, api: str) -> tuple[float, float]:
    d, f, low, high, fmin = problem

    def objective(trial: object) -> float:
        x = np.array([trial.suggest_float(f"x{i}", low, high) for i in range(d)])  # type: ignore[attr-defined]
        return f(x)

    if api == "optuna":
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        study = optuna.create_study(sampler=sampler)
    else:
        import hypersearch

        hypersearch.logging.set_verbosity(hypersearch.logging.WARNING)
        study = hypersearch.create_study(sampler=sampler)
    t0 = time.perf_counter()
    study.optimize(objective, n_trials=n_trials)
    return study.best_value - fmin, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=50)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument(
        "--problems", default="branin,hartmann6,sphere-2,ellipsoid-5,rosen-2,rastrigin-5"
    )
    ap.add_argument("--ours", default="{}", help="JSON kwargs for hypersearch's GPSampler")
    ap.add_argument("--skip-optuna", action="store_true")
    ap.add_argument("--out", default="")
    args = ap.parse_args()

    from hypersearch.samplers import GPSampler

    kwargs = json.loads(args.ours)
    results: dict[str, dict[str, list[float]]] = {}
    for key in args.problems.split(","):
        rec: dict[str, list[float]] = {"ours": [], "optuna": [], "t_ours": [], "t_optuna": []}
        for seed in range(args.seeds):
            problem = make_problem(key, seed)
            r, t = run(GPSampler(seed=seed, **kwargs), problem, args.trials, "ours")
            rec["ours"].append(r)
            rec["t_ours"].append(t)
            if not args.skip_optuna:
                import optuna

                r, t = run(optuna.samplers.GPSampler(seed=seed), problem, args.trials, "optuna")
                rec["optuna"].append(r)
                rec["t_optuna"].append(t)
        results[key] = rec
        ours, theirs = np.array(rec["ours"]), np.array(rec["optuna"])
        line = f"{key:14s} ours {np.median(ours):.3g} ({np.mean(rec['t_ours']):.1f}s)"
        if len(theirs):
            diff = ours - theirs
            p = wilcoxon(ours, theirs).pvalue if np.any(diff != 0) else 1.0
            verdict = "tie"
            if p < 0.05:
                verdict = "WIN" if np.median(diff) < 0 else "LOSS"
            line += (
                f" | optuna {np.median(theirs):.3g} ({np.mean(rec['t_optuna']):.1f}s)"
                f" | wins {int((diff < 0).sum())}/{len(diff)} p={p:.3f} {verdict}"
            )
        print(line, flush=True)
        if args.out:
            with open(args.out, "w") as fh:
                json.dump(results, fh)


if __name__ == "__main__":
    main()
