"""Multi-objective with constraints_func (NSGA-II)."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", -15, 30)
    y = trial.suggest_float("y", -15, 30)
    c0 = (x - 5) ** 2 + y**2 - 25
    c1 = -((x - 8) ** 2) - (y + 3) ** 2 + 7.7
    trial.set_user_attr("constraint", (c0, c1))
    return 4 * x**2 + 4 * y**2, (x - 5) ** 2 + (y - 5) ** 2


def constraints(trial):
    return trial.user_attrs["constraint"]


sampler = optuna.samplers.NSGAIISampler(seed=0, constraints_func=constraints)
study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
study.enqueue_trial({"x": 5.0, "y": 0.0})
study.optimize(objective, n_trials=10)
print(len(study.trials))
for t in study.best_trials:
    assert all(c <= 0 for c in t.user_attrs["constraint"]), t.user_attrs
print("feasible best trials ok")
print(study.trials[0].system_attrs.get("constraints") is not None)
