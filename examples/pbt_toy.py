"""PBT on the toy problem of Jaderberg et al. (2017), section 4 / figure 2.

Maximise Q(theta) = 1.2 - (theta_0^2 + theta_1^2) with gradient steps on the
surrogate Q_hat(theta | h) = 1.2 - (h_0 theta_0^2 + h_1 theta_1^2); the
hyperparameters h decide which coordinate a member can improve. Two members
start at theta = (0.9, 0.9) with h = (1, 0) and (0, 1).
"""

from __future__ import annotations

import json

import numpy as np

import hypersearch as hs
from hypersearch.schedulers import (
    PBTScheduler,
    pbt_budget,
    pbt_lineage,
    pbt_schedule,
    replay,
)

LR = 0.02
STEPS = 100


def q(theta: np.ndarray) -> float:
    return float(1.2 - np.sum(theta**2))


def objective(trial: hs.Trial) -> float:
    h = np.array([trial.suggest_float("h0", 0.0, 1.0), trial.suggest_float("h1", 0.0, 1.0)])
    assert trial.checkpoint is not None  # study.optimize gives every trial one
    saved = trial.checkpoint.load()
    state = json.loads(saved) if saved else {"step": 0, "theta": [0.9, 0.9]}
    theta, step = np.array(state["theta"]), state["step"]
    while step < STEPS:
        theta = theta + LR * (-2.0 * h * theta)  # gradient ascent on Q_hat
        trial.report(q(theta), step)
        step += 1
        trial.checkpoint.save(json.dumps({"step": step, "theta": theta.tolist()}).encode())
        if trial.should_prune():
            raise hs.TrialPruned()
    return q(theta)


if __name__ == "__main__":
    scheduler = PBTScheduler(
        population_size=2,
        perturbation_interval=4,
        max_steps=STEPS,
        quantile_fraction=0.5,
        initial_params=[{"h0": 1.0, "h1": 0.0}, {"h0": 0.0, "h1": 1.0}],
        seed=0,
    )
    study = hs.create_study(direction="maximize")
    study.optimize(objective, scheduler=scheduler, catch=Exception)
    print("best Q:", study.best_value)
    print("budget:", pbt_budget(study))
    print("study budget:", study.budget())
    print("lineage:", {m: len(e) for m, e in pbt_lineage(study).items()}, "exploits")
    schedule = pbt_schedule(study)
    print("replayed Q:", replay(schedule, objective, direction="maximize").trials[-1].value)
