"""Hyperparameter importance: the keys and their order type, not the numbers."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", -5, 5)
    y = trial.suggest_float("y", -5, 5)
    z = trial.suggest_int("z", 0, 3)
    return 10 * x**2 + 0.01 * y + 0 * z


study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
study.optimize(objective, n_trials=30)
imp = optuna.importance.get_param_importances(
    study, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=0)
)
print(sorted(imp), type(imp).__name__, next(iter(imp)))
print(abs(sum(imp.values()) - 1.0) < 1e-6)
sub = optuna.importance.get_param_importances(study, params=["x", "y"])
print(sorted(sub))
