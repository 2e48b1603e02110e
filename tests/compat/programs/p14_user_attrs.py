"""Recipe: user attributes on studies and trials."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

study = optuna.create_study()
study.set_user_attr("contributors", ["Akiba", "Sano"])
study.set_user_attr("dataset", "MNIST")
print(study.user_attrs)


def objective(trial):
    x = trial.suggest_float("x", 0, 1)
    trial.set_user_attr("accuracy", 0.5)
    trial.set_user_attr("tag", "run-" + str(trial.number))
    return x


study.optimize(objective, n_trials=3)
print([t.user_attrs for t in study.trials])
print(study.trials[1].user_attrs["tag"])
