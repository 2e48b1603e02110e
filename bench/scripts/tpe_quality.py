"""TPE search quality: hypersearch's TPESampler vs Optuna's default TPESampler, side by side.

Problems: Branin, Hartmann-6, BBOB-style functions with a shifted optimum (sphere,
ellipsoid, rosenbrock, rastrigin, attractive sector) in 2/5/10 dimensions, and
two synthetic HPO problems (mixed log/int/step/categorical; a conditional space).
Each seed runs ours then Optuna's (interleaved). Reported per problem: median
final regret of each, their ratio (ours / optuna, < 1 is better), and a two-sided
Wilcoxon signed-rank test on the paired regrets.

    OMP_NUM_THREADS=1 PYTHONPATH=. python bench/scripts/tpe_quality.py --trials 100 --seeds 10
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
import warnings
from collections.abc import Callable

import numpy as np
import optuna
from scipy.stats import wilcoxon

import hypersearch as hs
from bench.problems import synthetic

Objective = Callable[[object], float]  # works with both Trial types (same suggest API)


def _shift(d: int, key: int) -> np.ndarray:
    return np.random.default_rng(1000 + 17 * d + key).uniform(-4, 4, d)


def bbob(name: str, d: int) -> tuple[Objective, float]:
    key = {"sphere": 1, "ellipsoid": 2, "rosenbrock": 3, "rastrigin": 4, "sector": 5}[name]
    xopt = _shift(d, key)
    if name == "rosenbrock":
        xopt = xopt * 0.75

    def f(z: np.ndarray) -> float:
        if name == "sphere":
            return float(z @ z)
        if name == "ellipsoid":
            c = 10.0 ** (6 * np.arange(d) / max(d - 1, 1))
            return float(c @ (z * z))
        if name == "rosenbrock":
            s = max(1.0, math.sqrt(d) / 8) * z + 1
            return float(np.sum(100 * (s[:-1] ** 2 - s[1:]) ** 2 + (s[:-1] - 1) ** 2))
        if name == "rastrigin":
            return float(10 * (d - np.cos(2 * np.pi * z).sum()) + z @ z)
        s = np.where(z * xopt > 0, 100.0, 1.0)
        return float(np.sum((s * z) ** 2) ** 0.9)

    def objective(trial) -> float:
        x = np.array([trial.suggest_float(f"x{i}", -5, 5) for i in range(d)])
        return f(x - xopt)

    return objective, 0.0


def branin(trial) -> float:
    return synthetic.branin(trial.suggest_float("x", -5, 10), trial.suggest_float("y", 0, 15))


def hartmann6(trial) -> float:
    x = np.array([trial.suggest_float(f"x{i}", 0, 1) for i in range(6)])
    return synthetic.hartmann(
        x, synthetic.HARTMANN_ALPHA, synthetic.HARTMANN6_A, synthetic.HARTMANN6_P
    )


def hpo_mixed(trial) -> float:
    """A synthetic network-training loss: log lr, ints, a stepped float, a categorical."""
    opt = trial.suggest_categorical("optimizer", ["sgd", "adam", "rmsprop"])
    lr = trial.suggest_float("lr", 1e-5, 1.0, log=True)
    layers = trial.suggest_int("layers", 1, 6)
    units = trial.suggest_int("units", 8, 1024, log=True)
    dropout = trial.suggest_float("dropout", 0.0, 0.6, step=0.05)
    batch = trial.suggest_int("batch", 16, 256, step=16)
    best_lr = {"sgd": -1.2, "adam": -3.0, "rmsprop": -3.4}[opt]
    loss = 0.6 * (math.log10(lr) - best_lr) ** 2
    loss += 0.15 * (layers - 3) ** 2 + 0.4 * (math.log2(units) - 7.5 + 0.3 * layers) ** 2 / 4
    loss += 3.0 * (dropout - 0.25 - 0.03 * layers) ** 2 + 0.002 * abs(batch - 96) ** 1.2 / 10
    loss += {"sgd": 0.3, "adam": 0.0, "rmsprop": 0.1}[opt]
    return loss


def hpo_conditional(trial) -> float:
    """A conditional space: each model has its own parameters and its own best loss."""
    model = trial.suggest_categorical("model", ["svm", "forest", "knn"])
    if model == "svm":
        c = trial.suggest_float("svm_c", 1e-3, 1e3, log=True)
        g = trial.suggest_float("svm_gamma", 1e-4, 1e1, log=True)
        return 0.05 + 0.08 * (math.log10(c) - 1.5) ** 2 + 0.1 * (math.log10(g) + 2.2) ** 2
    if model == "forest":
        n = trial.suggest_int("rf_trees", 10, 500, log=True)
        depth = trial.suggest_int("rf_depth", 2, 32)
        leaf = trial.suggest_float("rf_min_leaf", 0.0, 0.5)
        return 0.1 + 0.5 / math.sqrt(n) + 0.002 * (depth - 14) ** 2 + 0.5 * leaf**2
    k = trial.suggest_int("knn_k", 1, 50)
    return 0.2 + 0.0005 * (k - 7) ** 2


def problems() -> dict[str, tuple[Objective, float]]:
    out: dict[str, tuple[Objective, float]] = {
        "branin": (branin, 0.397887357729739),
        "hartmann6": (hartmann6, -3.32236801141551),
        "hpo_mixed": (hpo_mixed, 0.0),
        "hpo_conditional": (hpo_conditional, 0.05),
    }
    for name in ("sphere", "ellipsoid", "rosenbrock", "rastrigin", "sector"):
        for d in (2, 5, 10):
            out[f"{name}-{d}d"] = bbob(name, d)
    return out


def run_ours(objective: Objective, n: int, seed: int, **kw) -> float:
    private = {k: v for k, v in kw.items() if k.startswith("_")}
    sampler = hs.samplers.TPESampler(seed=seed, **{k: v for k, v in kw.items() if k not in private})
    for k, v in private.items():  # experimental internal knobs
        setattr(sampler, k, v)
    study = hs.create_study(sampler=sampler)
    study.optimize(objective, n_trials=n)
    return study.best_value


_CACHE: dict[str, float] = {}


def run_optuna(objective: Objective, n: int, seed: int, key: str = "") -> float:
    """Optuna's run; cached by ``key`` (runs are deterministic by seed) when ``--cache`` is given."""
    if key in _CACHE:
        return _CACHE[key]
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(objective, n_trials=n)
    if key:
        _CACHE[key] = study.best_value
    return study.best_value


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--only", default="")
    ap.add_argument("--ours", default="", help="TPESampler kwargs as python dict literal")
    ap.add_argument("--cache", default="", help="json file caching optuna's results")
    args = ap.parse_args()
    if args.cache and os.path.exists(args.cache):
        with open(args.cache) as fh:
            _CACHE.update(json.load(fh))
    kw = eval(args.ours) if args.ours else {}  # noqa: S307 - a local benchmark knob
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    hs.logging.set_verbosity(hs.logging.ERROR)
    warnings.filterwarnings("ignore")
    wins = ties = losses = sig_losses = 0
    ratios = []
    t_ours = t_opt = 0.0
    print(f"{'problem':18s} {'ours':>10s} {'optuna':>10s} {'ratio':>7s} {'p':>6s}")
    for name, (objective, fopt) in problems().items():
        if args.only and not any(s in name for s in args.only.split(",")):
            continue
        ours, theirs = [], []
        for seed in range(args.seeds):
            t0 = time.perf_counter()
            ours.append(run_ours(objective, args.trials, seed, **kw) - fopt)
            t1 = time.perf_counter()
            key = f"{name}/{args.trials}/{seed}" if args.cache else ""
            theirs.append(run_optuna(objective, args.trials, seed, key) - fopt)
            t_ours += t1 - t0
            t_opt += time.perf_counter() - t1
        a, b = np.maximum(ours, 1e-12), np.maximum(theirs, 1e-12)
        ma, mb = float(np.median(a)), float(np.median(b))
        ratio = ma / mb
        ratios.append(ratio)
        diff = np.log(a) - np.log(b)
        p = float(wilcoxon(diff).pvalue) if np.any(diff != 0) else 1.0
        if p < 0.05 and np.median(diff) > 0:
            sig_losses += 1
        if ratio < 0.95:
            wins += 1
        elif ratio > 1.05:
            losses += 1
        else:
            ties += 1
        print(f"{name:18s} {ma:10.4g} {mb:10.4g} {ratio:7.3f} {p:6.3f}", flush=True)
        if args.cache:
            with open(args.cache, "w") as fh:
                json.dump(_CACHE, fh)
    print(
        f"wins/ties/losses (median regret ratio <0.95 / within 5% / >1.05): {wins}/{ties}/{losses}; "
        f"significant losses (Wilcoxon p<0.05): {sig_losses}; geometric-mean ratio "
        f"{math.exp(np.mean(np.log(ratios))):.3f}; time ours {t_ours:.1f}s optuna {t_opt:.1f}s"
    )


if __name__ == "__main__":
    main()
