"""CPU time per trial of the samplers the AutoSampler's cost rule compares (its references).

One study per sampler on a 5-float sphere (the objective costs microseconds); trials run in
windows ``(lo, hi]`` of the history size and the mean CPU time (``process_time``) per trial of
each window is printed. CPU time, as the AutoSampler measures its own sampling (machine
load inflates wall time several-fold on the shared machine, not the work).

    OMP_NUM_THREADS=1 PYTHONPATH=. python bench/scripts/strategy_sampler_cpu.py --seeds 2
"""

from __future__ import annotations

import argparse
import statistics
import time

import hypersearch as hs

WINDOWS = ((10, 30), (30, 50), (50, 100), (100, 150), (150, 200))
SAMPLERS = {"gp": "GPSampler", "tpe": "TPESampler", "random": "RandomSampler"}


def sphere(trial: hs.Trial) -> float:
    return sum((trial.suggest_float(f"x{i}", -5, 5) - 1) ** 2 for i in range(5))


def per_window(name: str, seed: int) -> list[float]:
    study = hs.create_study(sampler=getattr(hs.samplers, SAMPLERS[name])(seed=seed))
    study.optimize(sphere, n_trials=WINDOWS[0][0])
    out = []
    for lo, hi in WINDOWS:
        start = time.process_time()
        study.optimize(sphere, n_trials=hi - lo)
        out.append((time.process_time() - start) / (hi - lo))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=2)
    args = parser.parse_args()
    hs.logging.set_verbosity(hs.logging.WARNING)
    print("| sampler | " + " | ".join(f"n in ({lo}, {hi}]" for lo, hi in WINDOWS) + " |")
    print("|---" * (len(WINDOWS) + 1) + "|")
    for name in SAMPLERS:
        runs = [per_window(name, seed) for seed in range(args.seeds)]
        cells = [f"{statistics.median(col) * 1e3:.3g} ms" for col in zip(*runs)]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
