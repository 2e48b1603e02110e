"""Ask-and-tell with pruning by hand (the tutorial's ask-tell pruning loop)."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

study = optuna.create_study(
    direction="maximize", pruner=optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=0)
)
scores = {0: [0.5, 0.6, 0.7], 1: [0.6, 0.7, 0.8], 2: [0.1, 0.1, 0.1], 3: [0.9, 0.95, 0.99]}
for number in range(4):
    trial = study.ask()
    trial.suggest_float("alpha", 0, 1)
    pruned = False
    for step, score in enumerate(scores[number]):
        trial.report(score, step)
        if trial.should_prune():
            pruned = True
            break
    if pruned:
        study.tell(trial, state=optuna.trial.TrialState.PRUNED)
    else:
        study.tell(trial, scores[number][-1])
print([t.state.name for t in study.trials])
print(study.best_trial.number, study.best_value)
