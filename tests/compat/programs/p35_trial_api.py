"""Trial attributes inside the objective: number, study, params, report, errors."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
log = []


def objective(trial):
    x = trial.suggest_float("x", 0, 1)
    again = trial.suggest_float("x", 0, 1)
    assert again == x
    log.append(
        (trial.number, trial.study.study_name, sorted(trial.params), sorted(trial.distributions))
    )
    trial.report(0.5, 0)
    trial.report(0.25, 1)
    log.append(trial.datetime_start is not None)
    try:
        trial.suggest_int("x", 0, 1)
    except ValueError:
        log.append("incompatible ValueError")
    if trial.number == 1:
        raise optuna.TrialPruned()
    return x


study = optuna.create_study(study_name="trial-api")
study.optimize(objective, n_trials=2)
for entry in log:
    print(entry)
print([t.state.name for t in study.trials])
print(study.trials[1].intermediate_values, study.trials[1].value)
print(isinstance(optuna.exceptions.TrialPruned(), optuna.exceptions.OptunaError))
