"""How much log posterior the GP's shorter warm-started refits give up (bench/results/gp-cpu.md).

At every warm-started MAP refit of a few studies (6-D Rosenbrock + sine, Branin; 2 seeds, 50
trials) the fit is rerun with 30, 10 and 6 L-BFGS-B iterations from the same start; prints
the CPU per fit and the negative log posterior reached minus the 30-iteration one's.

    OMP_NUM_THREADS=1 PYTHONPATH=. python bench/scripts/gp_refit_fidelity.py
"""

import math
import time

import numpy as np

import hypersearch as hs
from hypersearch.samplers._gp import _fitter as F
from hypersearch.samplers._gp import _model as M

hs.logging.set_verbosity(hs.logging.WARNING)
orig = M.fit_gp
rec = []
tim = {}


def wrapped(x, y, is_cat, *, deterministic, starts, maxiter=200):
    if maxiter == F.WARM_ITERS and len(starts) == 1:
        outs = {}
        for mi in (30, 10, 6):
            t = time.process_time()
            m = orig(x, y, is_cat, deterministic=deterministic, starts=starts, maxiter=mi)
            tim[mi] = tim.get(mi, 0) + time.process_time() - t
            d = x.shape[1]
            parts = M.sq_dist_parts(x, x, is_cat).reshape(-1, d)
            outs[mi] = M._neg_log_posterior(
                m.theta, parts, y, M.Prior(d).arrays(not deterministic), not deterministic
            )[0]
        rec.append((outs[10] - outs[30], outs[6] - outs[30]))
    return orig(x, y, is_cat, deterministic=deterministic, starts=starts, maxiter=maxiter)


F.fit_gp = wrapped


def rosen(trial):
    x = [trial.suggest_float(f"x{i}", 0, 1) for i in range(6)]
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(5)) + math.sin(
        7 * x[0]
    )


def branin(trial):
    a = trial.suggest_float("a", -5, 10)
    b = trial.suggest_float("b", 0, 15)
    return (
        (b - 5.1 / (4 * math.pi**2) * a * a + 5 / math.pi * a - 6) ** 2
        + 10 * (1 - 1 / (8 * math.pi)) * math.cos(a)
        + 10
    )


for f in (rosen, branin):
    for seed in range(2):
        hs.create_study(sampler=hs.samplers.GPSampler(seed=seed)).optimize(f, n_trials=50)
a = np.array(rec)
print({k: round(v / len(a) * 1e3, 2) for k, v in tim.items()})
for j, lab in enumerate(("it10", "it6")):
    print(
        lab,
        "median dnlp",
        np.median(a[:, j]),
        "p90",
        np.quantile(a[:, j], 0.9),
        ">0.1",
        np.mean(a[:, j] > 0.1),
        ">1",
        np.mean(a[:, j] > 1),
    )
