"""trials_dataframe dtypes and values of enqueued trials."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", 0, 1)
    n = trial.suggest_int("n", 0, 5)
    trial.suggest_categorical("c", ["a", "b"])
    trial.report(x, 0)
    trial.set_user_attr("tag", "t")
    return x + n


study = optuna.create_study()
for x, n, c in ((0.5, 1, "a"), (0.25, 2, "b")):
    study.enqueue_trial({"x": x, "n": n, "c": c})
study.optimize(objective, n_trials=2)
df = study.trials_dataframe()
for col in df.columns:
    print(col, df[col].dtype.kind)
print(df[["number", "value", "params_x", "params_n", "params_c", "user_attrs_tag"]].values.tolist())
print(df["state"].tolist())
