"""GPSampler past its startup trials (Optuna's needs torch; ours numpy/scipy)."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", -5, 5)
    n = trial.suggest_int("n", 0, 3)
    return x**2 + n


study = optuna.create_study(sampler=optuna.samplers.GPSampler(seed=0, n_startup_trials=3))
study.optimize(objective, n_trials=5)
print(len(study.trials), all(-5 <= t.params["x"] <= 5 for t in study.trials))
print(sorted({type(t.params["n"]).__name__ for t in study.trials}))
