"""Single-objective TPE with constraints_func; best trial among feasible ones."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", -5, 5)
    trial.set_user_attr("c", 1.0 - x)
    return x**2


def constraints(frozen):
    return (frozen.user_attrs["c"],)


study = optuna.create_study(
    sampler=optuna.samplers.TPESampler(seed=0, constraints_func=constraints)
)
for v in (0.0, 2.0, 1.5, -3.0):
    study.enqueue_trial({"x": v})
study.optimize(objective, n_trials=4)
for t in study.trials:
    print(t.number, t.params, t.value, list(t.system_attrs.get("constraints")))
print(len(study.best_trials), study.best_trial.number)
