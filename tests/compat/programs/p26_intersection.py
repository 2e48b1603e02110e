"""search_space.intersection_search_space and IntersectionSearchSpace."""

import optuna
from optuna.search_space import IntersectionSearchSpace, intersection_search_space

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", 0, 1)
    if trial.number % 2 == 0:
        trial.suggest_int("even", 0, 3)
    trial.suggest_categorical("c", ["a", "b"])
    return x


study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
study.optimize(objective, n_trials=4)
space = intersection_search_space(study.get_trials(deepcopy=False))
print(sorted(space))
print({k: type(v).__name__ for k, v in sorted(space.items())})
iss = IntersectionSearchSpace()
print(sorted(iss.calculate(study)))
print(sorted(intersection_search_space(study.trials[:1])))
