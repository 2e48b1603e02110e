"""Samplers: TPE, random, CMA-ES, QMC, GP each run with a seed."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", -5, 5)
    y = trial.suggest_float("y", -5, 5)
    return x**2 + y**2


samplers = [
    optuna.samplers.TPESampler(seed=0),
    optuna.samplers.RandomSampler(seed=0),
    optuna.samplers.CmaEsSampler(seed=0),
    optuna.samplers.QMCSampler(seed=0),
]
for sampler in samplers:
    study = optuna.create_study(sampler=sampler)
    study.optimize(objective, n_trials=8)
    ok = all(-5 <= t.params["x"] <= 5 for t in study.trials)
    print(type(sampler).__name__, type(study.sampler).__name__, len(study.trials), ok)
