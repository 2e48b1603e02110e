"""Study summaries and the properties a first-steps user looks at."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    return (x - 2) ** 2


study = optuna.create_study(study_name="named", direction="maximize")
print(study.study_name, study.direction)
for v in (1.0, 3.0, 5.0):
    study.enqueue_trial({"x": v})
study.optimize(objective, n_trials=3)
print(study.best_params, study.best_value, study.best_trial.number)
t = study.best_trial
print(t.state, t.value, t.values, t.params, t.number)
print(t.datetime_start is not None, t.datetime_complete is not None, t.duration is not None)
print(type(t).__name__, type(study.trials[0].distributions["x"]).__name__)
print(study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))[0].number)
