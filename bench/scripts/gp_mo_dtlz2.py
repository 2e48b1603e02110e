"""Why the multi-objective GPSampler is slow on DTLZ2: hypervolume and where it samples.

Runs ``GPSampler(seed=s)`` on the bench's DTLZ2 (12 variables, 3 objectives)
or ZDT1 for ``--trials`` trials per seed and prints, per seed: the bench's
hypervolume ratio, wall seconds, the share of modelled proposals with a
position variable on a bound, the mean ``|x - 0.5|`` of the distance
variables over the last 30 proposals (uniform random: 0.25). Public API only: no
module global or method of hypersearch is changed from here.

Usage::

    PYTHONPATH=. python bench/scripts/gp_mo_dtlz2.py --seeds 0,1,2 [--problem zdt1]

Measured at ed2b1cc (front on objectives rounded to 1e-9), hypervolume ratio at 100
trials, local (default) vs global search (the script then had a ``--global-search``
switch that set the sampler module's ``MO_LOCAL_RADIUS`` to None; run that commit to
repeat it): DTLZ2 seeds 0-9 median 0.509 vs 0.449 (7/3, Wilcoxon p = 0.13); ZDT2 seeds
0-4 0.998 vs 0.996 (5/0); ZDT3 seeds 0-9 0.942 vs 0.963 (4/5, p = 0.43); WFG4 seeds 0-4
0.803 vs 0.773 (5/0). Today's numbers: ``bench/results/script-gp-mo-dtlz2.md``.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402


def run(problem_name: str, seed: int, trials: int) -> dict[str, float]:
    import hypersearch
    from bench.problems import MO_PROBLEMS

    problem = MO_PROBLEMS.make(problem_name, seed)
    hypersearch.logging.set_verbosity(hypersearch.logging.ERROR)
    sampler = hypersearch.samplers.GPSampler(
        seed=seed, output_transform=os.environ.get("HS_GPX_OUT", "power")
    )
    study = hypersearch.create_study(directions=["minimize"] * problem.n_obj, sampler=sampler)
    names = [f"x{i}" for i in range(problem.pymoo.n_var)]
    xs, fs = [], []

    def objective(trial):  # type: ignore[no-untyped-def]
        params = {n: trial.suggest_float(n, 0.0, 1.0) for n in names}
        xs.append([params[n] for n in names])
        fs.append(problem.evaluate(params))
        return fs[-1]

    t0 = time.perf_counter()
    study.optimize(objective, n_trials=trials)
    wall = time.perf_counter() - t0
    x = np.array(xs)[10:]
    n_pos = problem.n_obj - 1
    on_bound = np.any((x[:, :n_pos] < 1e-3) | (x[:, :n_pos] > 1 - 1e-3), axis=1).mean()
    dist = np.abs(x[-30:, n_pos:] - 0.5).mean()
    return {
        "hv": problem.hv_ratio(np.array(fs)),
        "wall": wall,
        "on_bound": float(on_bound),
        "dist": float(dist),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--problem", default="dtlz2")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--trials", type=int, default=100)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    rows = []
    print("seed    hv   wall  on_bound  |x-.5|")
    for s in [int(v) for v in args.seeds.split(",")]:
        r = run(args.problem, s, args.trials)
        rows.append(r)
        print(
            f"{s:4d} {r['hv']:.3f} {r['wall']:6.1f}  {r['on_bound']:.2f}     {r['dist']:.3f}",
            flush=True,
        )
    med = {k: float(np.median([r[k] for r in rows])) for k in rows[0]}
    print(
        f"median hv {med['hv']:.3f}  wall {med['wall']:.1f}s  on_bound {med['on_bound']:.2f}  |x-.5| {med['dist']:.3f}"
    )


if __name__ == "__main__":
    main()
