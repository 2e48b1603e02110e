"""Recipe: re-use the best trial by calling the objective on it."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    k = trial.suggest_int("k", 0, 5)
    c = trial.suggest_categorical("c", ["p", "q"])
    return (x - 2) ** 2 + k + (0 if c == "p" else 1)


study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=3))
study.enqueue_trial({"x": 2.0, "k": 0, "c": "p"})
study.optimize(objective, n_trials=5)
best = study.best_trial
print(best.params, best.value)
print(objective(best))
print(objective(best) == study.best_value)
print(
    best.suggest_float("x", -10, 10),
    best.suggest_int("k", 0, 5),
    best.suggest_categorical("c", ["p", "q"]),
)
