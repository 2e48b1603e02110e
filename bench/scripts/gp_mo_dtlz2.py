"""Why the multi-objective GPSampler is slow on DTLZ2: hypervolume and where it samples.

Runs ``GPSampler(seed=s)`` on the bench's DTLZ2 (12 variables, 3 objectives)
or ZDT1 for ``--trials`` trials per seed and prints, per seed: the bench's
hypervolume ratio, wall seconds, the share of modelled proposals with a
position variable on a bound, the mean ``|x - 0.5|`` of the distance
variables over the last 30 proposals (uniform random: 0.25), and the fitted
lengthscales of objective 0's GP at the end (position / distance medians).

``--global-search`` sets ``MO_LOCAL_RADIUS = None``: logEHVI maximised over the whole cube
(Sobol candidates, unbounded polish), the search before de2bcf5, for a before/after.

Usage::

    PYTHONPATH=. python bench/scripts/gp_mo_dtlz2.py --seeds 0,1,2 [--problem zdt1] [--global-search]

Measured at ed2b1cc (front on objectives rounded to 1e-9), hypervolume ratio at 100
trials, local (default) vs ``--global-search``: DTLZ2 seeds 0-9 median 0.509 vs 0.449
(7/3, Wilcoxon p = 0.13); ZDT2 seeds 0-4 0.998 vs 0.996 (5/0); ZDT3 seeds 0-9 0.942 vs
0.963 (4/5, p = 0.43); WFG4 seeds 0-4 0.803 vs 0.773 (5/0).
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402


def run(problem_name: str, seed: int, trials: int, global_search: bool = False) -> dict[str, float]:
    import hypersearch
    from bench.problems import MO_PROBLEMS
    from hypersearch.samplers._gp import _fitter, _sampler

    if global_search:
        _sampler.MO_LOCAL_RADIUS = None  # type: ignore[assignment]

    problem = MO_PROBLEMS.make(problem_name, seed)
    hypersearch.logging.set_verbosity(hypersearch.logging.ERROR)
    thetas: list[np.ndarray] = []
    orig = _fitter.GPFitter.fit

    def spy(self, x, y, enc, slot):  # type: ignore[no-untyped-def]
        model = orig(self, x, y, enc, slot)
        if slot == ("objective", 0):
            thetas.append(model.theta.copy())
        return model

    _fitter.GPFitter.fit = spy  # type: ignore[method-assign]
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
    _fitter.GPFitter.fit = orig  # type: ignore[method-assign]
    x = np.array(xs)[10:]
    n_pos = problem.n_obj - 1
    on_bound = np.any((x[:, :n_pos] < 1e-3) | (x[:, :n_pos] > 1 - 1e-3), axis=1).mean()
    dist = np.abs(x[-30:, n_pos:] - 0.5).mean()
    ls = np.exp(thetas[-1][: len(names)])
    return {
        "hv": problem.hv_ratio(np.array(fs)),
        "wall": wall,
        "on_bound": float(on_bound),
        "dist": float(dist),
        "ls_pos": float(np.median(ls[:n_pos])),
        "ls_dist": float(np.median(ls[n_pos:])),
        "noise": float(np.exp(thetas[-1][-1])),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--problem", default="dtlz2")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--global-search", action="store_true")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    rows = []
    print("seed    hv   wall  on_bound  |x-.5|  ls_pos  ls_dist  noise")
    for s in [int(v) for v in args.seeds.split(",")]:
        r = run(args.problem, s, args.trials, args.global_search)
        rows.append(r)
        print(
            f"{s:4d} {r['hv']:.3f} {r['wall']:6.1f}  {r['on_bound']:.2f}     {r['dist']:.3f}"
            f"   {r['ls_pos']:.3f}   {r['ls_dist']:.3f}   {r['noise']:.1e}",
            flush=True,
        )
    med = {k: float(np.median([r[k] for r in rows])) for k in rows[0]}
    print(
        f"median hv {med['hv']:.3f}  wall {med['wall']:.1f}s  on_bound {med['on_bound']:.2f}  |x-.5| {med['dist']:.3f}"
    )


if __name__ == "__main__":
    main()
