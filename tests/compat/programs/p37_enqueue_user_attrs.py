"""enqueue_trial with user_attrs, and ask() after enqueue."""

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

study = optuna.create_study()
study.enqueue_trial({"x": 0.25}, user_attrs={"source": "manual"})
study.enqueue_trial({"x": 0.75})
print([t.state.name for t in study.trials])
trial = study.ask()
print(trial.number, trial.suggest_float("x", 0, 1), trial.user_attrs)
study.tell(trial, 1.0)
trial = study.ask()
print(trial.number, trial.suggest_float("x", 0, 1))
study.tell(trial, 2.0)
print([t.state.name for t in study.trials], study.best_params)
