"""Multi-fidelity Hartmann (mfh3 / mfh6, "good" and "bad" variants), our implementation.

mfpbench is not installable here, so this re-implements the idea its documentation
describes: fidelity z in 1..100; a bias term flattens the Hartmann function and a noise
term blurs it, both shrinking linearly in s = log z / log z_max, so that z = z_max is the
exact, noiseless Hartmann function:

    f(x, z) = -sum_i (alpha_i - bias (1 - s)) exp(-sum_j A_ij (x_j - P_ij)^2) + noise (1 - s) eps

eps ~ N(0, 1), drawn deterministically from (seed, x).  Each epoch costs 1 time unit.
The presets are ours (not numerically mfpbench's): "good" (bias 0.5, noise 0.1): Spearman
rank correlation with the true function ~0.95 at z = 1; "bad" (bias 3.5, noise 1.0):
~-0.4 at z = 1, ~0.4 at z = 10, ~0.8 at z = 30.
"""

from __future__ import annotations

import zlib

import numpy as np

from bench.problems.mf_base import Curve, MFProblem
from bench.problems.synthetic import (
    HARTMANN3_A,
    HARTMANN3_MIN,
    HARTMANN3_P,
    HARTMANN6_A,
    HARTMANN6_MIN,
    HARTMANN6_P,
    HARTMANN_ALPHA,
)
from bench.space import Params, floats

Z_MAX = 100
PRESETS = {"good": (0.5, 0.1), "bad": (3.5, 1.0)}


def make_mfh(dim: int, variant: str, seed: int = 0) -> MFProblem:
    a, p, optimum = (
        (HARTMANN3_A, HARTMANN3_P, HARTMANN3_MIN)
        if dim == 3
        else (HARTMANN6_A, HARTMANN6_P, HARTMANN6_MIN)
    )
    bias, noise = PRESETS[variant]
    names = [f"x{i}" for i in range(dim)]
    z = np.arange(1, Z_MAX + 1)
    shrink = 1.0 - np.log(z) / np.log(Z_MAX)  # 1 at z = 1, 0 at z_max
    alphas = HARTMANN_ALPHA[None, :] - bias * shrink[:, None]  # (Z_MAX, 4)

    def curve(params: Params) -> Curve:
        x = np.array([params[n] for n in names], dtype=float)
        bumps = np.exp(-np.sum(a * (x[None, :] - p) ** 2, axis=1))  # (4,)
        rng = np.random.default_rng([seed, zlib.crc32(x.tobytes())])
        values = -(alphas @ bumps) + noise * shrink * rng.standard_normal(Z_MAX)
        return values, z.astype(float)

    return MFProblem(
        f"mfh{dim}-{variant}",
        floats(names, 0.0, 1.0),
        Z_MAX,
        curve,
        optimum=optimum,
        full_fidelity_incumbent=True,
        group="mfh",
        n_reference=256,
    )
