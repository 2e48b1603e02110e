"""GPSampler on Hartmann-3 under two noise priors, paired by seed, with and without noise.

The GP's MAP fit puts ``LogNormal(-4, sigma)`` on the noise variance of the standardised
outputs (``hypersearch/samplers/_gp/_model.py``). This runs 30 trials per seed for each
``sigma`` given and each observation noise (Gaussian, sd as given; the regret is of the
noise-free value of the trial with the best observed one) and writes a Markdown table:
median regret per sigma and a paired Wilcoxon of the last sigma against the first.

    OMP_NUM_THREADS=1 python bench/scripts/gp_noise_prior.py --sigmas 1,2 --noises 0,0.05,0.2 --seeds 40
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.problems.synthetic import HARTMANN3_A, HARTMANN3_P, HARTMANN_ALPHA, hartmann  # noqa: E402
from bench.stats import wilcoxon_paired  # noqa: E402

F_MIN = -3.86278214782076
N_TRIALS = 30


def _use_noise_sigma(sigma: float) -> None:
    """Make every GP fit of this process use ``LogNormal(-4, sigma)`` on the noise."""
    from hypersearch.samplers._gp import _fitter, _model

    base = _model.Prior

    def prior(dim: int) -> _model.Prior:
        return dataclasses.replace(base(dim), noise_sigma=sigma)

    _model.Prior = prior  # type: ignore[misc,assignment]
    _fitter.Prior = prior  # type: ignore[misc,assignment]


def regret(seed: int, noise: float) -> float:
    import hypersearch as hs

    rng = np.random.default_rng(1000 + seed)

    def objective(trial: hs.Trial) -> float:
        x = np.array([trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(3)])
        value = hartmann(x, HARTMANN_ALPHA, HARTMANN3_A, HARTMANN3_P)
        trial.set_user_attr("true", value)
        return value + noise * float(rng.standard_normal())

    study = hs.create_study(sampler=hs.samplers.GPSampler(seed=seed))
    study.optimize(objective, n_trials=N_TRIALS, diagnose=False)
    return float(study.best_trial.user_attrs["true"]) - F_MIN


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sigmas", default="1,2")
    parser.add_argument("--noises", default="0,0.05,0.2")
    parser.add_argument("--seeds", type=int, default=40)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    import hypersearch as hs

    hs.logging.set_verbosity(hs.logging.ERROR)
    sigmas = [float(s) for s in args.sigmas.split(",")]
    noises = [float(s) for s in args.noises.split(",")]
    results: dict[tuple[float, float], np.ndarray] = {}
    for sigma in sigmas:  # the patch holds for the rest of the process: last sigma last
        _use_noise_sigma(sigma)
        for noise in noises:
            results[sigma, noise] = np.array([regret(s, noise) for s in range(args.seeds)])
    print(f"| noise sd | {' | '.join(f'sigma={s:g}' for s in sigmas)} | last vs first W/T/L p |")
    print(f"|---|{'---|' * len(sigmas)}---|")
    for noise in noises:
        medians = " | ".join(f"{np.median(results[s, noise]):.2e}" for s in sigmas)
        test = wilcoxon_paired(results[sigmas[-1], noise], results[sigmas[0], noise])
        print(f"| {noise:g} | {medians} | {test} |")


if __name__ == "__main__":
    main()
