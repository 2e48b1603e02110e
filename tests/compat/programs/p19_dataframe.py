"""trials_dataframe columns and shape."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", 0, 1)
    trial.suggest_categorical("c", ["a", "b"])
    trial.set_user_attr("u", 1)
    return x


study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
study.optimize(objective, n_trials=4)
df = study.trials_dataframe()
print(list(df.columns))
print(df.shape)
df2 = study.trials_dataframe(attrs=("number", "value", "params", "state"))
print(list(df2.columns))
print(list(df2["state"]))
df3 = study.trials_dataframe(attrs=("number", "value", "params"), multi_index=True)
print(list(df3.columns))
