"""Every seeded sampler respects enqueued parameters and its distributions."""

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)


def objective(trial):
    x = trial.suggest_float("x", -2, 2)
    n = trial.suggest_int("n", 1, 4)
    return x**2 + n


for make in (
    lambda: optuna.samplers.TPESampler(seed=1),
    lambda: optuna.samplers.RandomSampler(seed=1),
    lambda: optuna.samplers.CmaEsSampler(seed=1),
    lambda: optuna.samplers.QMCSampler(seed=1),
    lambda: optuna.samplers.NSGAIISampler(seed=1),
    lambda: optuna.samplers.NSGAIIISampler(seed=1),
    lambda: optuna.samplers.GPSampler(seed=1),
):
    sampler = make()
    study = optuna.create_study(sampler=sampler)
    study.enqueue_trial({"x": 1.5, "n": 2})
    study.optimize(objective, n_trials=4)
    first = study.trials[0]
    ok = all(-2 <= t.params["x"] <= 2 and 1 <= t.params["n"] <= 4 for t in study.trials)
    print(
        type(sampler).__name__,
        first.params,
        first.value,
        ok,
        type(study.trials[1].params["n"]).__name__,
    )
