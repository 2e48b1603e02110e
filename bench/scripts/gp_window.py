"""Quality cost of GPSampler's data window (``max_points``), ours only.

Runs the same seeds with a small window and with no window (``max_points``
above the trial budget) and prints the final regrets side by side.

Usage::

    PYTHONPATH=. python bench/scripts/gp_window.py --trials 250 --window 100 --seeds 3 --problem rosen-5
"""

from __future__ import annotations

import argparse
import os
import sys

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
import gp_quality as q  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=250)
    ap.add_argument("--window", type=int, default=100)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--problem", default="rosen-5")
    args = ap.parse_args()
    from hypersearch.samplers import GPSampler

    rows = []
    for seed in range(args.seeds):
        problem = q.make_problem(args.problem, seed)
        small = q.run(GPSampler(seed=seed, max_points=args.window), problem, args.trials, "ours")
        full = q.run(GPSampler(seed=seed, max_points=args.trials + 1), problem, args.trials, "ours")
        rows.append((small, full))
        print(
            f"seed {seed}: window {small[0]:.3g} ({small[1]:.0f}s) | full {full[0]:.3g} ({full[1]:.0f}s)",
            flush=True,
        )
    w = np.array([r[0][0] for r in rows])
    f = np.array([r[1][0] for r in rows])
    print(
        f"{args.problem} median regret: window={args.window} {np.median(w):.3g} | full {np.median(f):.3g}"
    )


if __name__ == "__main__":
    main()
