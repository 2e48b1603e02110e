"""NSGA-II's pluggable strategies: elite selection, child generation, after-trial."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

POP = 6
after_calls = []
elite_sizes = []


def objective(trial):
    x = trial.suggest_float("x", 0.0, 1.0)
    y = trial.suggest_float("y", 0.0, 1.0)
    return x + y, 1.0 - x + y


def elites(study, population):
    elite_sizes.append(len(population))
    return sorted(population, key=lambda t: t.values[0])[:POP]


def child(study, search_space, parents):
    best = min(parents, key=lambda t: t.values[0])
    return {"x": best.params["x"]}


def after(study, trial, state, values):
    after_calls.append((trial.number, state.name, len(values)))


sampler = optuna.samplers.NSGAIISampler(
    population_size=POP,
    seed=0,
    elite_population_selection_strategy=elites,
    child_generation_strategy=child,
    after_trial_strategy=after,
)
study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
study.optimize(objective, n_trials=3 * POP)
first = study.trials[:POP]
best_x = min(first, key=lambda t: t.values[0]).params["x"]
print(len(after_calls), after_calls[0])
print(elite_sizes[0] >= POP)
print(all(t.params["x"] == best_x for t in study.trials[POP : 2 * POP]))
