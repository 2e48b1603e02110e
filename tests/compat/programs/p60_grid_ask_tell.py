"""GridSampler: is_exhausted before and after the grid is covered; trial.constraints."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

sampler = optuna.samplers.GridSampler({"x": [0, 1, 2], "c": ["a", "b"]}, seed=0)
study = optuna.create_study(sampler=sampler)
seen = []
for _ in range(3):
    trial = study.ask()
    x = trial.suggest_int("x", 0, 2)
    c = trial.suggest_categorical("c", ["a", "b"])
    trial.set_constraint("x_small", x - 1)
    seen.append((x, c, trial.constraints))
    study.tell(trial, x)
print(sampler.is_exhausted(study), len(seen))


def objective(trial):
    x = trial.suggest_int("x", 0, 2)
    c = trial.suggest_categorical("c", ["a", "b"])
    trial.set_constraint("x_small", x - 1)
    seen.append((x, c, trial.constraints))
    return x


study.optimize(objective, n_trials=10)
print(sampler.is_exhausted(study), sorted(seen))
print(len(study.trials), study.trials[0].constraints.keys() == {"x_small"})
