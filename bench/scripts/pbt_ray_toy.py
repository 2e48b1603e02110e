"""PBT toy problem side by side: hypersearch's PBTScheduler vs Ray Tune's PopulationBasedTraining.

The toy problem of Jaderberg et al. (2017), sec. 4 (see ``pbt_toy.py``): two members
ascend Q_hat(theta | h) = 1.2 - (h0 theta0^2 + h1 theta1^2) from theta = (0.9, 0.9)
with h = (1, 0) and (0, 1); the value reported is the true Q(theta) = 1.2 - |theta|^2.
Both libraries: population 2, perturbation every 4 steps, quantile 0.5, resample
probability 0.25, factors 0.8 / 1.2, STEPS steps per member (hypersearch checkpoints
every step, Ray at every perturbation interval: all its PBT copies). Ray runs its two trials as two concurrent actors (asynchronous PBT, its
default); hypersearch runs one worker. Prints, over seeds, the population's best Q at
several steps, the first step at which it exceeds 1.0 / 1.15, and the seconds per run.

    pip install 'ray[tune]'
    PYTHONPATH=. OMP_NUM_THREADS=1 nice -n 5 python bench/scripts/pbt_ray_toy.py [n_seeds] [steps]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import warnings

import numpy as np

import hypersearch as hs
from hypersearch.schedulers import PBTScheduler, optimize_pbt

STEPS = 100
INTERVAL = 4
LR = 0.02
H_INIT = [{"h0": 1.0, "h1": 0.0}, {"h0": 0.0, "h1": 1.0}]
CHECK = (0.2, 0.4, 0.6, 1.0)  # fractions of STEPS


def q(theta: np.ndarray) -> float:
    return float(1.2 - np.sum(theta**2))


def ascend(theta: np.ndarray, h: np.ndarray) -> np.ndarray:
    """One gradient step on Q_hat(theta | h)."""
    return theta + LR * (-2.0 * h * theta)


def run_ours(seed: int) -> np.ndarray:
    best = np.full(STEPS, -np.inf)

    def objective(trial: hs.Trial) -> float:
        h = np.array([trial.suggest_float(k, 0.0, 1.0) for k in ("h0", "h1")])
        saved = trial.checkpoint.load()  # type: ignore[attr-defined]
        state = json.loads(saved) if saved else {"step": 0, "theta": [0.9, 0.9]}
        theta, step = np.array(state["theta"]), state["step"]
        while step < STEPS:
            theta = ascend(theta, h)
            trial.report(q(theta), step)
            best[step] = max(best[step], q(theta))
            step += 1
            trial.checkpoint.save(json.dumps({"step": step, "theta": theta.tolist()}).encode())  # type: ignore[attr-defined]
            if trial.should_prune():
                raise hs.TrialPruned()
        return q(theta)

    scheduler = PBTScheduler(
        population_size=2,
        perturbation_interval=INTERVAL,
        max_steps=STEPS,
        quantile_fraction=0.5,
        initial_params=H_INIT,
        seed=seed,
    )
    optimize_pbt(hs.create_study(direction="maximize", pruner=scheduler), objective)
    return np.maximum.accumulate(best)


def ray_trainable(config: dict) -> None:
    from ray import tune

    h, steps = np.array([config["h0"], config["h1"]]), int(config["steps"])
    theta, step = np.array([0.9, 0.9]), 0
    checkpoint = tune.get_checkpoint()
    if checkpoint:
        with checkpoint.as_directory() as folder, open(os.path.join(folder, "state.json")) as fh:
            state = json.load(fh)
        theta, step = np.array(state["theta"]), state["step"]
    while step < steps:
        theta = ascend(theta, h)
        step += 1
        metrics = {"q": q(theta), "step": step - 1}
        if step % INTERVAL and step < steps:  # Ray's PBT copies the latest checkpoint: one
            tune.report(metrics)  # per perturbation interval is enough (and much cheaper)
            continue
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(folder, "state.json"), "w") as fh:
                json.dump({"step": step, "theta": theta.tolist()}, fh)
            tune.report(metrics, checkpoint=tune.Checkpoint.from_directory(folder))


def run_ray(seed: int, storage: str) -> np.ndarray:
    import random

    from ray import tune
    from ray.tune.schedulers import PopulationBasedTraining

    best = np.full(STEPS, -np.inf)

    class Collect(tune.Callback):
        def on_trial_result(self, iteration, trials, trial, result, **info):  # type: ignore[no-untyped-def]
            s = int(result["step"])
            best[s] = max(best[s], float(result["q"]))

    random.seed(seed)
    np.random.seed(seed)
    scheduler = PopulationBasedTraining(
        time_attr="training_iteration",
        perturbation_interval=INTERVAL,
        hyperparam_mutations={"h0": tune.uniform(0.0, 1.0), "h1": tune.uniform(0.0, 1.0)},
        quantile_fraction=0.5,
        resample_probability=0.25,
        perturbation_factors=(1.2, 0.8),
    )
    tuner = tune.Tuner(
        tune.with_resources(ray_trainable, {"cpu": 1}),
        param_space={  # the paper's h = (1, 0) and (0, 1)
            "h0": tune.grid_search([1.0, 0.0]),
            "h1": tune.sample_from(lambda spec: 1.0 - spec.config.h0),
            "steps": STEPS,
        },
        tune_config=tune.TuneConfig(metric="q", mode="max", scheduler=scheduler),
        run_config=tune.RunConfig(
            name=f"toy{seed}", storage_path=storage, callbacks=[Collect()], verbose=0
        ),
    )
    tuner.fit()
    return np.maximum.accumulate(best)


def main() -> None:
    warnings.simplefilter("ignore")
    hs.logging.set_verbosity(hs.logging.WARNING)
    global STEPS
    n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    STEPS = int(sys.argv[2]) if len(sys.argv) > 2 else STEPS
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    print(
        f"best Q (mean ± sd over {n_seeds} seeds) at steps {[int(f * STEPS) for f in CHECK]}; first step Q>1.0 / Q>1.15"
    )
    with tempfile.TemporaryDirectory() as storage:
        for name in ("hypersearch", "ray"):
            curves, secs = [], []
            for seed in range(n_seeds):
                t0 = time.perf_counter()
                curves.append(run_ours(seed) if name == "hypersearch" else run_ray(seed, storage))
                secs.append(time.perf_counter() - t0)
            c = np.array(curves)
            idx = [max(int(f * STEPS) - 1, 0) for f in CHECK]
            at = "  ".join(f"{c[:, i].mean():.3f}±{c[:, i].std():.3f}" for i in idx)

            def first(th: float, c: np.ndarray = c) -> str:
                hits = [int(np.argmax(row > th)) for row in c if (row > th).any()]
                return f"{np.median(hits):.0f} ({len(hits)}/{n_seeds})" if hits else "never"

            print(
                f"{name:11s} {at}   {first(1.0)} / {first(1.15)}   "
                f"{np.median(secs):.1f} s/run (median)",
                flush=True,
            )


if __name__ == "__main__":
    main()
