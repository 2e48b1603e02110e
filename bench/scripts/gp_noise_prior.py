"""GPSampler on Hartmann-3 from two source trees, paired by seed, with and without noise.

Written for the GP's noise prior (``hypersearch/samplers/_gp/_model.py``): a tree from
before the change (``LogNormal(-4, 1)`` on the noise variance) against one after
(``LogNormal(-4, 2)``). Each tree runs in its own subprocess (``PYTHONPATH`` = the tree),
30 trials per seed and observation noise (Gaussian, sd as given; the regret is of the
noise-free value of the trial with the best observed one); a Markdown table gives the
median regret per tree and a paired Wilcoxon of the last tree against the first.

    git worktree add /tmp/sigma1 a450106
    OMP_NUM_THREADS=1 python bench/scripts/gp_noise_prior.py \
        --tree sigma1=/tmp/sigma1 --tree sigma2=. --noises 0,0.05,0.2 --seeds 40
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[2]))

from bench.problems.synthetic import HARTMANN3_A, HARTMANN3_P, HARTMANN_ALPHA, hartmann  # noqa: E402
from bench.stats import wilcoxon_paired  # noqa: E402

F_MIN = -3.86278214782076
N_TRIALS = 30


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


def worker(noises: list[float], seeds: int) -> None:
    """In a tree's subprocess: the regrets per noise, as JSON on stdout."""
    assert "hypersearch" not in sys.modules
    sys.path.insert(0, os.environ["PYTHONPATH"])  # the tree's hypersearch, not this checkout's
    warnings.filterwarnings("ignore")
    import hypersearch as hs

    assert Path(hs.__file__).resolve().is_relative_to(Path(os.environ["PYTHONPATH"]))

    hs.logging.set_verbosity(hs.logging.ERROR)
    out = {str(noise): [regret(s, noise) for s in range(seeds)] for noise in noises}
    print(json.dumps(out))


def run_tree(path: str, noises: str, seeds: int) -> dict[str, np.ndarray]:
    env = dict(os.environ, PYTHONPATH=str(Path(path).resolve()))
    cmd = [sys.executable, str(HERE), "--worker", "--noises", noises, "--seeds", str(seeds)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return {k: np.array(v) for k, v in json.loads(done.stdout.strip().splitlines()[-1]).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--tree", action="append", default=[], help="label=path (2 or more)")
    parser.add_argument("--noises", default="0,0.05,0.2")
    parser.add_argument("--seeds", type=int, default=40)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    noises = [float(s) for s in args.noises.split(",")]
    if args.worker:
        worker(noises, args.seeds)
        return
    trees = [t.split("=", 1) for t in args.tree]
    results = {label: run_tree(path, args.noises, args.seeds) for label, path in trees}
    labels = [label for label, _ in trees]
    print(f"| noise sd | {' | '.join(labels)} | {labels[-1]} vs {labels[0]} W/T/L p |")
    print(f"|---|{'---|' * len(labels)}---|")
    for noise in noises:
        key = str(noise)
        medians = " | ".join(f"{np.median(results[t][key]):.2e}" for t in labels)
        test = wilcoxon_paired(results[labels[-1]][key], results[labels[0]][key])
        print(f"| {noise:g} | {medians} | {test} |")


if __name__ == "__main__":
    main()
