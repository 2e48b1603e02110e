"""Multi-objective with trial.set_constraint: infeasible trials leave the Pareto front."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", 0, 2)
    trial.set_constraint("x_at_most_1", x - 1.0)
    return x, (x - 2) ** 2


study = optuna.create_study(directions=["minimize", "minimize"])
for v in (0.0, 0.5, 1.0, 1.5, 2.0):
    study.enqueue_trial({"x": v})
study.optimize(objective, n_trials=5)
print(sorted(t.number for t in study.best_trials))
