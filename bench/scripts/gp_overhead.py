"""Per-trial overhead of hypersearch's GPSampler against Optuna's, side by side.

Both studies get the same ``n`` random trials on a 5-float sphere (added, not
sampled), then each sampler runs one untimed warm-up trial (its first
fit starts from scratch) and ``k`` more trials; the mean wall time of
those is the per-trial overhead at ``n`` (the objective costs microseconds).
Samplers alternate trial by trial so load drift hits both alike.

Usage::

    PYTHONPATH=. python bench/scripts/gp_overhead.py --n 200 --k 10 [--no-optuna]
"""

from __future__ import annotations

import argparse
import os
import time

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402

D = 5


def _f(x: np.ndarray) -> float:
    return float(((x - 0.3) ** 2).sum())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--no-optuna", action="store_true")
    args = ap.parse_args()

    import hypersearch
    from hypersearch.samplers import GPSampler

    hypersearch.logging.set_verbosity(hypersearch.logging.WARNING)
    rng = np.random.default_rng(0)
    xs = rng.uniform(-5, 5, size=(args.n, D))
    names = [f"x{i}" for i in range(D)]

    ours = hypersearch.create_study(sampler=GPSampler(seed=0))
    dist = hypersearch.distributions.FloatDistribution(-5, 5)
    ours.add_trials(
        hypersearch.trial.create_trial(
            value=_f(x),
            params=dict(zip(names, x.tolist())),
            distributions=dict.fromkeys(names, dist),
        )
        for x in xs
    )
    studies = [("ours", ours, hypersearch)]
    if not args.no_optuna:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        theirs = optuna.create_study(sampler=optuna.samplers.GPSampler(seed=0))
        odist = optuna.distributions.FloatDistribution(-5, 5)
        theirs.add_trials(
            [
                optuna.trial.create_trial(
                    value=_f(x),
                    params=dict(zip(names, x.tolist())),
                    distributions=dict.fromkeys(names, odist),
                )
                for x in xs
            ]
        )
        studies.append(("optuna", theirs, optuna))

    def objective(trial: object) -> float:
        return _f(np.array([trial.suggest_float(n, -5, 5) for n in names]))  # type: ignore[attr-defined]

    for _, study, _ in studies:  # warm-up: the first fit from scratch is not a steady state
        study.optimize(objective, n_trials=1)
    times: dict[str, list[float]] = {name: [] for name, _, _ in studies}
    for _ in range(args.k):
        for name, study, _ in studies:
            t0 = time.perf_counter()
            study.optimize(objective, n_trials=1)
            times[name].append(time.perf_counter() - t0)
    line = f"n={args.n}: " + " | ".join(
        f"{name} {1e3 * np.mean(t):.1f} ms/trial (median {1e3 * np.median(t):.1f})"
        for name, t in times.items()
    )
    if len(times) == 2:
        line += f" | ratio ours/optuna {np.mean(times['ours']) / np.mean(times['optuna']):.3f}"
    print(line)


if __name__ == "__main__":
    main()
