"""PartialFixedSampler and BruteForceSampler."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", -1, 1)
    y = trial.suggest_int("y", -1, 1)
    return x**2 + y


tpe = optuna.samplers.TPESampler(seed=0)
fixed = optuna.samplers.PartialFixedSampler({"y": 0}, tpe)
study = optuna.create_study(sampler=fixed)
study.optimize(objective, n_trials=5)
print([t.params["y"] for t in study.trials])
print(all(-1 <= t.params["x"] <= 1 for t in study.trials))


def discrete(trial):
    c = trial.suggest_categorical("c", ["a", "b"])
    if c == "a":
        return trial.suggest_int("n", 0, 2)
    return trial.suggest_float("f", 0, 1, step=0.5) + 10


study = optuna.create_study(sampler=optuna.samplers.BruteForceSampler(seed=0))
study.optimize(discrete, n_trials=50)
print(len(study.trials))
print(sorted(tuple(sorted(t.params.items())) for t in study.trials))
