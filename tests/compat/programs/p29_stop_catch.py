"""study.stop inside the objective, and optimize(catch=...)."""

import optuna

optuna.logging.set_verbosity(optuna.logging.CRITICAL)


def stopping(trial):
    x = trial.suggest_float("x", 0, 1)
    if trial.number == 2:
        trial.study.stop()
    return x


study = optuna.create_study()
study.optimize(stopping, n_trials=10)
print(len(study.trials))


def flaky(trial):
    x = trial.suggest_float("x", 0, 1)
    if trial.number % 2 == 1:
        raise ValueError("bad")
    return x


study = optuna.create_study()
study.optimize(flaky, n_trials=4, catch=(ValueError,))
print([t.state.name for t in study.trials])
try:
    study.optimize(flaky, n_trials=4)
except ValueError as e:
    print("raised", e)
print(len(study.trials), study.trials[-1].state)


def returns_nan(trial):
    trial.suggest_float("x", 0, 1)
    return float("nan")


study.optimize(returns_nan, n_trials=1)
print(study.trials[-1].state, study.trials[-1].value)
