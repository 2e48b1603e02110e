"""TPESampler options from the docs: multivariate, group, constant_liar, hyperopt parameters."""

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)


def objective(trial):
    x = trial.suggest_float("x", -3, 3)
    if trial.suggest_categorical("use_y", [True, False]):
        return x**2 + trial.suggest_float("y", -3, 3) ** 2
    return x**2


for options in (
    {"multivariate": True},
    {"multivariate": True, "group": True},
    {"constant_liar": True},
    {"n_startup_trials": 3, "n_ei_candidates": 8},
    {"consider_endpoints": True, "prior_weight": 0.5},
):
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0, **options))
    study.optimize(objective, n_trials=10)
    print(sorted(options), len(study.trials))
sampler = optuna.samplers.TPESampler(seed=0)
sampler.reseed_rng()
print("reseeded")
