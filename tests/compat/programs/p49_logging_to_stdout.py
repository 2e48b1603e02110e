"""Tutorial (RDB): send Optuna's log to stdout with get_logger("optuna").addHandler."""

import logging
import os
import sys
import tempfile

import optuna

optuna.logging.get_logger("optuna").addHandler(logging.StreamHandler(sys.stdout))


def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    return (x - 2) ** 2


with tempfile.TemporaryDirectory() as tmp:
    url = "sqlite:///" + os.path.join(tmp, "log.db")
    study = optuna.create_study(study_name="example-study", storage=url)
    study.enqueue_trial({"x": 1.0})
    study.enqueue_trial({"x": 3.5})
    study.optimize(objective, n_trials=2)
    study = optuna.create_study(study_name="example-study", storage=url, load_if_exists=True)
memory = optuna.create_study(study_name="in-mem")
optuna.logging.set_verbosity(optuna.logging.WARNING)
optuna.create_study(study_name="quiet")
