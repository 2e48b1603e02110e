"""The older suggest spellings still work and warn as Optuna's do."""

import warnings

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    a = trial.suggest_uniform("a", 0, 1)
    b = trial.suggest_loguniform("b", 1e-3, 1)
    c = trial.suggest_discrete_uniform("c", 0, 1, 0.25)
    return a + b + c


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    study = optuna.create_study()
    study.enqueue_trial({"a": 0.5, "b": 0.01, "c": 0.75})
    study.optimize(objective, n_trials=1)
print(study.trials[0].params, study.best_value)
print({k: type(v).__name__ for k, v in study.trials[0].distributions.items()})
kinds = sorted({w.category.__name__ for w in caught})
print(kinds, len(caught) >= 3)
