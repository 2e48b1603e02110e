"""Samplers: GridSampler covers the grid and stops the study by itself."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", -100, 100)
    y = trial.suggest_int("y", -100, 100)
    return x**2 + y**2


search_space = {"x": [-50, 0, 50], "y": [-99, 0, 99]}
study = optuna.create_study(sampler=optuna.samplers.GridSampler(search_space, seed=0))
study.optimize(objective, n_trials=100)
print(len(study.trials))
seen = sorted((t.params["x"], t.params["y"]) for t in study.trials)
print(seen)
print(study.best_params, study.best_value)
print(study.trials[0].system_attrs.get("grid_id") is not None)
