"""Multi-objective optimization with NSGA-II and best_trials."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", 0, 5)
    y = trial.suggest_float("y", 0, 3)
    v0 = 4 * x**2 + 4 * y**2
    v1 = (x - 5) ** 2 + (y - 5) ** 2
    return v0, v1


study = optuna.create_study(
    directions=["minimize", "minimize"],
    sampler=optuna.samplers.NSGAIISampler(seed=0, population_size=4),
)
study.optimize(objective, n_trials=12)
print(study.directions)
print(len(study.trials))
best = study.best_trials
print(len(best) >= 1)
print(all(len(t.values) == 2 for t in best))
# No best trial is dominated by another trial.
for b in best:
    for t in study.trials:
        dom = all(a <= c for a, c in zip(t.values, b.values)) and t.values != b.values
        assert not dom
print("pareto ok")
try:
    _ = study.best_trial
except RuntimeError:
    print("best_trial raises RuntimeError")
