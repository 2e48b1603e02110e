"""Tutorial: efficient optimization algorithms, pruning with MedianPruner."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    lr = trial.suggest_float("lr", 0.0, 1.0)
    value = 0.0
    for step in range(10):
        value = lr * (step + 1)
        trial.report(value, step)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return value


study = optuna.create_study(
    sampler=optuna.samplers.RandomSampler(seed=0),
    pruner=optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=2),
)
study.enqueue_trial({"lr": 0.1})
study.enqueue_trial({"lr": 0.2})
study.enqueue_trial({"lr": 0.3})
study.enqueue_trial({"lr": 0.9})
study.enqueue_trial({"lr": 0.8})
study.enqueue_trial({"lr": 0.05})
study.optimize(objective, n_trials=6)
for t in study.trials:
    print(t.number, t.params, t.state, sorted(t.intermediate_values)[-1])
pruned = study.get_trials(deepcopy=False, states=[optuna.trial.TrialState.PRUNED])
print("pruned", len(pruned))
print(study.best_params)
