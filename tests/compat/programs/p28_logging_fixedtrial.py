"""Logging verbosity, FixedTrial, TrialState and StudyDirection printing."""

import optuna
from optuna.study import StudyDirection
from optuna.trial import FixedTrial, TrialState

optuna.logging.set_verbosity(optuna.logging.WARNING)
print(optuna.logging.get_verbosity() == optuna.logging.WARNING)
optuna.logging.set_verbosity(optuna.logging.INFO)
print(optuna.logging.get_verbosity() == optuna.logging.INFO)
optuna.logging.disable_default_handler()
optuna.logging.enable_default_handler()
optuna.logging.set_verbosity(optuna.logging.ERROR)


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    n = trial.suggest_int("n", 0, 10)
    c = trial.suggest_categorical("c", ["a", "b"])
    return (x - 2) ** 2 + n + len(c)


print(objective(FixedTrial({"x": 1.0, "n": 3, "c": "bb"[:1]})))
ft = FixedTrial({"x": 4.0, "n": 0, "c": "a"}, number=7)
print(objective(ft), ft.params, ft.number)
try:
    objective(FixedTrial({"x": 1.0}))
except ValueError:
    print("missing param ValueError")
print(
    TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL, TrialState.RUNNING, TrialState.WAITING
)
print(
    repr(TrialState.COMPLETE), TrialState.COMPLETE.is_finished(), TrialState.RUNNING.is_finished()
)
print(StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE, repr(StudyDirection.MAXIMIZE))
print(StudyDirection.NOT_SET)
print([s.name for s in TrialState])
