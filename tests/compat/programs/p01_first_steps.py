"""Tutorial: first optimization (quadratic function)."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    return (x - 2) ** 2


study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
study.optimize(objective, n_trials=15)
print(sorted(study.best_params))
print(type(study.best_value).__name__)
print(len(study.trials))
print(study.best_trial.state)
print(study.direction)
print(study.trials[0].number, study.trials[-1].number)
print(all(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials))
print(study.best_value == min(t.value for t in study.trials))
