"""WilcoxonPruner in its tutorial shape: report per problem instance."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

instances = list(range(20))


def objective(trial):
    shift = trial.suggest_float("shift", 0, 10)
    results = []
    for i in instances:
        value = shift + (i % 5) * 0.1
        results.append(value)
        trial.report(value, i)
        if trial.should_prune():
            return sum(results) / len(results)
    return sum(results) / len(results)


study = optuna.create_study(pruner=optuna.pruners.WilcoxonPruner(p_threshold=0.1))
for s in (1.0, 5.0, 0.5, 9.0):
    study.enqueue_trial({"shift": s})
study.optimize(objective, n_trials=4)
print([t.state.name for t in study.trials])
print([len(t.intermediate_values) for t in study.trials][:1], study.best_trial.number)
print([len(t.intermediate_values) < 20 for t in study.trials])
