"""Multi-objective: directions, values and the dataframe."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", 0, 1)
    return x, 1 - x, x * x


study = optuna.create_study(directions=["minimize", "maximize", "minimize"])
for v in (0.0, 0.5, 1.0, 0.25):
    study.enqueue_trial({"x": v})
study.optimize(objective, n_trials=4)
print([d.name for d in study.directions])
print(sorted(t.number for t in study.best_trials))
df = study.trials_dataframe(attrs=("number", "values", "params"))
print(list(df.columns), df.shape)
print([t.values for t in study.trials])
