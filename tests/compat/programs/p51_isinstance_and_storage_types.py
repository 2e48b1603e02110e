"""Type checks users write: Trial, BaseTrial, FrozenTrial, InMemoryStorage, BaseStorage."""

import optuna
from optuna.storages import BaseStorage, InMemoryStorage
from optuna.trial import BaseTrial, FixedTrial, FrozenTrial, Trial

optuna.logging.set_verbosity(optuna.logging.WARNING)
seen = []


def objective(trial):
    seen.append((isinstance(trial, Trial), isinstance(trial, BaseTrial)))
    return trial.suggest_float("x", 0, 1)


storage = InMemoryStorage()
study = optuna.create_study(storage=storage)
study.optimize(objective, n_trials=1)
print(seen)
print(isinstance(study.trials[0], FrozenTrial), isinstance(storage, BaseStorage))
print(isinstance(FixedTrial({"x": 0.1}), BaseTrial))
print(
    isinstance(study.sampler, optuna.samplers.BaseSampler),
    isinstance(study.pruner, optuna.pruners.BasePruner),
)
print(objective(FixedTrial({"x": 0.1})), seen[-1])
