"""Optuna 5: trial.set_constraint instead of constraints_func."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    trial.set_constraint("x_at_most_1", x - 1.0)
    trial.set_constraint("x_at_least_m5", -5.0 - x)
    return x**2


study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
study.enqueue_trial({"x": 3.0})
study.enqueue_trial({"x": -2.0})
study.enqueue_trial({"x": 0.5})
study.optimize(objective, n_trials=3)
for t in study.trials:
    print(t.number, t.params, t.value)
print(study.best_trial.number, study.best_value)
