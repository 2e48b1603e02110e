"""set_metric_names and metric_names in dataframes."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", 0, 1)
    return x, 1 - x


study = optuna.create_study(directions=["minimize", "maximize"])
print(study.metric_names)
study.set_metric_names(["loss", "acc"])
print(study.metric_names)
study.optimize(objective, n_trials=3)
df = study.trials_dataframe(attrs=("number", "values"))
print(list(df.columns))
