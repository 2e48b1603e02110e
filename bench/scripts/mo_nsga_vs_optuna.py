"""NSGA-II hypervolume at a fixed budget: hypersearch vs Optuna, interleaved.

Problems (all minimised, implemented here): ZDT1 and ZDT2 with 10 variables,
DTLZ2 with 3 objectives and 7 variables. For each seed and problem both
samplers run the same budget one after the other; the script prints the final
hypervolume (exact, hypersearch.multi_objective.hypervolume on the same
reference point for both) and the ratio ours / optuna.

Usage: PYTHONPATH=. python bench/scripts/mo_nsga_vs_optuna.py [n_trials] [n_seeds] [--nsga3]
(--nsga3: NSGAIIISampler on both sides, DTLZ2 only.)
"""

from __future__ import annotations

import sys
import time

import numpy as np
import optuna

import hypersearch as hs
from hypersearch.multi_objective import hypervolume
from hypersearch.samplers import NSGAIIISampler, NSGAIISampler

NSGA3 = "--nsga3" in sys.argv

optuna.logging.set_verbosity(optuna.logging.WARNING)
hs.logging.set_verbosity(hs.logging.WARNING)


def zdt(x: np.ndarray, concave: bool) -> tuple[float, float]:
    f1 = float(x[0])
    g = 1.0 + 9.0 * float(np.mean(x[1:]))
    h = 1.0 - (f1 / g) ** 2 if concave else 1.0 - np.sqrt(f1 / g)
    return f1, g * h


def dtlz2(x: np.ndarray, m: int = 3) -> tuple[float, ...]:
    g = float(np.sum((x[m - 1 :] - 0.5) ** 2))
    theta = x[: m - 1] * np.pi / 2
    out = []
    for i in range(m):
        v = 1.0 + g
        v *= np.prod(np.cos(theta[: m - 1 - i]))
        if i > 0:
            v *= np.sin(theta[m - 1 - i])
        out.append(float(v))
    return tuple(out)


PROBLEMS = {
    "ZDT1": (10, 2, lambda x: zdt(x, False), [1.1, 6.0]),
    "ZDT2": (10, 2, lambda x: zdt(x, True), [1.1, 6.0]),
    "DTLZ2": (7, 3, dtlz2, [2.5, 2.5, 2.5]),
}


def objective_for(d: int, f):  # works with both libraries' trials
    def objective(trial):
        return f(np.array([trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(d)]))

    return objective


def run(lib: str, name: str, seed: int, n_trials: int) -> tuple[float, float]:
    d, m, f, ref = PROBLEMS[name]
    t = time.perf_counter()
    if lib == "ours":
        ours = NSGAIIISampler(seed=seed) if NSGA3 else NSGAIISampler(seed=seed)
        study = hs.create_study(directions=["minimize"] * m, sampler=ours)
        study.optimize(objective_for(d, f), n_trials=n_trials)
        values = study.history.values
    else:
        cls = optuna.samplers.NSGAIIISampler if NSGA3 else optuna.samplers.NSGAIISampler
        study = optuna.create_study(directions=["minimize"] * m, sampler=cls(seed=seed))
        study.optimize(objective_for(d, f), n_trials=n_trials)
        values = np.array([tr.values for tr in study.trials if tr.values is not None])
    return hypervolume(values, ref), time.perf_counter() - t


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n_trials = int(args[0]) if args else 200
    n_seeds = int(args[1]) if len(args) > 1 else 5
    for name in ["DTLZ2"] if NSGA3 else PROBLEMS:
        ratios, wins, times = [], 0, []
        for seed in range(n_seeds):
            ours, t_ours = run("ours", name, seed, n_trials)
            theirs, t_theirs = run("optuna", name, seed, n_trials)
            ratios.append(ours / theirs)
            wins += ours > theirs
            times.append(t_ours / t_theirs)
            print(f"{name} seed {seed}: ours {ours:.4f} optuna {theirs:.4f} ratio {ours / theirs:.3f}"
                  f" time ratio {t_ours / t_theirs:.2f}")
        print(f"== {name}: HV ratio geo-mean {np.exp(np.mean(np.log(ratios))):.3f}, wins {wins}/{n_seeds},"
              f" wall-time ratio median {np.median(times):.2f}")


if __name__ == "__main__":
    main()
