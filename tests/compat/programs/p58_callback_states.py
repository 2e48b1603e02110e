"""Callbacks see every finished trial with its state; n_jobs=-1 runs all trials."""

import optuna

optuna.logging.set_verbosity(optuna.logging.CRITICAL)
seen = []


def objective(trial):
    x = trial.suggest_float("x", 0, 1)
    if trial.number == 1:
        raise optuna.TrialPruned()
    if trial.number == 2:
        raise KeyError("flaky")
    return x


def record(study, trial):
    seen.append((trial.number, trial.state.name, study.study_name))


study = optuna.create_study(study_name="cb")
study.optimize(objective, n_trials=4, callbacks=[record], catch=(KeyError,))
print(seen)
study2 = optuna.create_study()
study2.optimize(lambda t: t.suggest_int("n", 0, 9), n_trials=6, n_jobs=-1)
print(len(study2.trials), sorted({t.state.name for t in study2.trials}))
