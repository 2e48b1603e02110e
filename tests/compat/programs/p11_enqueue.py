"""Recipe: specify hyperparameters manually with enqueue_trial."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    booster = trial.suggest_categorical("booster", ["gbtree", "gblinear", "dart"])
    lam = trial.suggest_float("lambda", 1e-8, 1.0, log=True)
    depth = trial.suggest_int("max_depth", 1, 9)
    return lam * depth + (0 if booster == "gbtree" else 1)


study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
study.enqueue_trial({"booster": "gbtree", "lambda": 0.5, "max_depth": 3})
study.enqueue_trial({"booster": "dart", "lambda": 0.01, "max_depth": 9})
study.enqueue_trial({"booster": "gblinear"})
study.enqueue_trial({"booster": "gbtree", "lambda": 0.5, "max_depth": 3}, skip_if_exists=True)
study.optimize(objective, n_trials=4)
print(len(study.trials))
print(study.trials[0].params, study.trials[0].value)
print(study.trials[1].params, study.trials[1].value)
print(study.trials[2].params["booster"])
print(study.trials[0].system_attrs.get("fixed_params"))
