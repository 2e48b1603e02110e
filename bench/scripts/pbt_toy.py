"""PBT toy problem (Jaderberg et al. 2017, sec. 4 / fig. 2): PBT and PB2 vs grid vs random.

Two members ascend Q_hat(theta | h) = 1.2 - (h0 theta0^2 + h1 theta1^2) from
theta = (0.9, 0.9); the true objective is Q(theta) = 1.2 - |theta|^2.
* grid:   the two members with h = (1, 0) and (0, 1), never exploit/explore;
* random: two members with h ~ U[0, 1]^2, never exploit/explore;
* PBT:    h starts at (1, 0), (0, 1); exploit (bottom half copies top) + explore
          every 4 steps (default explore: resample w.p. 0.25, else x0.8 / x1.2);
* PB2:    same, explore by the time-varying GP-UCB.
* pbt+random / pb2+random: PBT / PB2 starting from the random members.
Prints, over seeds, the population's best Q at several steps and the first
step at which it exceeds 1.0 / 1.15 (the same compute for every method:
2 members x STEPS gradient steps).

    PYTHONPATH=. python bench/scripts/pbt_toy.py [n_seeds]
"""

from __future__ import annotations

import sys
import warnings

import numpy as np

import hypersearch as hs
from hypersearch.schedulers import PB2Scheduler, PBTScheduler, optimize_pbt, replay

sys.path.insert(0, "tests/schedulers")
from test_pbt import H_INIT, make_toy  # noqa: E402

STEPS = 100
CHECK = (20, 40, 60, 100)


def curve_of(studies: list[hs.Study]) -> np.ndarray:
    best = np.full(STEPS, -np.inf)
    for study in studies:
        for t in study.trials:
            for step, v in t.intermediate_values.items():
                best[step] = max(best[step], v)
    return np.maximum.accumulate(best)


def run(method: str, seed: int) -> np.ndarray:
    if method in ("grid", "random"):
        rng = np.random.default_rng(seed)
        hs_ = (
            H_INIT
            if method == "grid"
            else [{"h0": float(rng.random()), "h1": float(rng.random())} for _ in range(2)]
        )
        studies = [
            replay([{"start": 0, "end": STEPS, "params": h}], make_toy(STEPS), direction="maximize")
            for h in hs_
        ]
        return curve_of(studies)
    cls = PBTScheduler if method.startswith("pbt") else PB2Scheduler
    init = H_INIT
    if method.endswith("random"):  # the random-search members, then exploit/explore
        rng = np.random.default_rng(seed)
        init = [{"h0": float(rng.random()), "h1": float(rng.random())} for _ in range(2)]
    scheduler = cls(
        population_size=2,
        perturbation_interval=4,
        max_steps=STEPS,
        quantile_fraction=0.5,
        initial_params=init,
        seed=seed,
    )
    study = hs.create_study(direction="maximize", pruner=scheduler)
    optimize_pbt(study, make_toy(STEPS))
    return curve_of([study])


def main() -> None:
    warnings.simplefilter("ignore")
    hs.logging.set_verbosity(hs.logging.WARNING)
    n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    print(f"best Q (mean ± sd over {n_seeds} seeds) at steps {CHECK}; first step Q>1.0 / Q>1.15")
    for method in ("grid", "pbt", "pb2", "random", "pbt+random", "pb2+random"):
        curves = np.array([run(method, seed) for seed in range(n_seeds)])
        at = "  ".join(f"{curves[:, s - 1].mean():.3f}±{curves[:, s - 1].std():.3f}" for s in CHECK)

        def first(th: float, curves: np.ndarray = curves) -> str:
            hits = [int(np.argmax(c > th)) for c in curves if (c > th).any()]
            return f"{np.median(hits):.0f} ({len(hits)}/{n_seeds})" if hits else "never"

        print(f"{method:11s} {at}   {first(1.0)} / {first(1.15)}")


if __name__ == "__main__":
    main()
