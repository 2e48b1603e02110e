"""JournalStorage with JournalFileBackend, resumed from the file."""

import os
import tempfile

import optuna
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    trial.set_user_attr("u", 1)
    return x**2


with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "journal.log")
    storage = JournalStorage(JournalFileBackend(path))
    study = optuna.create_study(storage=storage, study_name="j")
    study.optimize(objective, n_trials=4)
    print(os.path.exists(path))
    storage2 = JournalStorage(JournalFileBackend(path))
    again = optuna.load_study(study_name="j", storage=storage2)
    print(len(again.trials), again.trials[2].user_attrs)
    print(again.best_value == study.best_value)
    again.optimize(objective, n_trials=2)
    print(len(again.trials))
