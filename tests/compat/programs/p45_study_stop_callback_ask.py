"""optimize with timeout and gc_after_trial; n_trials=None with a stop callback."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    return trial.suggest_float("x", 0, 1)


def stop_after_five(study, trial):
    if len(study.trials) >= 5:
        study.stop()


study = optuna.create_study()
study.optimize(
    objective, n_trials=None, timeout=60, callbacks=[stop_after_five], gc_after_trial=True
)
print(len(study.trials))
study.optimize(objective, n_trials=2, show_progress_bar=False)
print(len(study.trials))
