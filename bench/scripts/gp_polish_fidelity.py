"""How much acquisition value the GP's cheaper polish settings give up (bench/results/gp-cpu.md).

At every GP trial of a few studies (6-D Rosenbrock + sine, Branin, the 6-D mixed and 10-D
float spheres of gp_trial_cpu.py; 2 seeds, 50 trials) the acquisition is maximised once per
configuration (maxiter, ftol) from the same random state; prints the CPU per call and the
acquisition value reached minus the reference's (maxiter 50, scipy's ftol 2.2e-9).

    OMP_NUM_THREADS=1 PYTHONPATH=. python bench/scripts/gp_polish_fidelity.py
"""

import math
import sys
import time

import numpy as np

sys.path.insert(0, "bench/scripts")
from gp_trial_cpu import _objective

import hypersearch as hs
from hypersearch.samplers._gp import _optimize as O
from hypersearch.samplers._gp import _sampler as S

hs.logging.set_verbosity(hs.logging.WARNING)
configs = {
    "base50": (50, 2.2e-9),
    "it20": (20, 2.2e-9),
    "it20f5": (20, 1e-5),
    "it20f4": (20, 1e-4),
    "it50f5": (50, 1e-5),
}
rec = {k: [] for k in configs}
tim = {k: 0.0 for k in configs}
orig = O.maximize_acquisition


def wrapped(enc, value, vg, rng, **kw):
    outs = {}
    kw.pop("maxiter", None)
    for k, (mi, ft) in configs.items():
        r = np.random.default_rng(123)
        O._FTOL = ft
        t = time.process_time()
        u = orig(enc, value, vg, r, **kw, maxiter=mi)
        tim[k] += time.process_time() - t
        outs[k] = float(value(u[None])[0])
    O._FTOL = 2.2e-9
    for k in configs:
        rec[k].append(outs[k] - outs["base50"])
    return orig(enc, value, vg, rng, **kw)


S.maximize_acquisition = wrapped


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


for f in (rosen, branin, _objective("mixed", 6), _objective("float", 10)):
    for seed in range(2):
        hs.create_study(sampler=hs.samplers.GPSampler(seed=seed)).optimize(f, n_trials=50)
for k in configs:
    a = np.array(rec[k])
    print(
        k,
        "ms/call",
        round(tim[k] / len(a) * 1e3, 2),
        "median dv",
        np.median(a),
        "p10",
        np.quantile(a, 0.1),
        "worse>0.01:",
        np.mean(a < -0.01),
        "worse>0.1:",
        np.mean(a < -0.1),
        "better>0.01",
        np.mean(a > 0.01),
    )
